/** @module Runs the `racetrack` CLI as a subprocess with a given config, capturing output and exit code. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../paths.ts';

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface CliOptions {
  /** RACETRACK_CONFIG for the run. */
  configPath: string;
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Runs `node packages/cli/src/bin.ts ...args` and resolves with what it printed (never rejects on a non-zero exit). */
export function runCli(args: readonly string[], options: CliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'packages/cli/src/bin.ts'), ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', RACETRACK_CONFIG: options.configPath, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code: code ?? (signal ? 128 : 1) });
    });
  });
}
