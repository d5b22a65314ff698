/** @module Runs python/pip for a build, streaming every output line to the build log. */
import { spawn } from 'node:child_process';
import { RacetrackError } from '@racetrack/core';
import type { BuildLog } from '../core/job-type.ts';

/** Runs a command to completion; rejects with BUILD_FAILED quoting the last output lines. */
export function runLogged(command: string, args: string[], options: { cwd: string; env: Record<string, string>; log: BuildLog }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const recent: string[] = [];
    let pending = '';
    const onData = (chunk: Buffer): void => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) emit(line);
    };
    const emit = (line: string): void => {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      options.log(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => reject(new RacetrackError('BUILD_FAILED', `could not run ${command}: ${error.message}`, { cause: error })));
    child.on('close', (code) => {
      if (pending) emit(pending);
      if (code === 0) resolve();
      else reject(new RacetrackError('BUILD_FAILED', `${command} ${args.slice(0, 3).join(' ')} failed with exit code ${code}:\n${recent.join('\n')}`));
    });
  });
}

/** Runs a command and returns its trimmed stdout (for short queries such as the interpreter version). */
export function capture(command: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`${command} exited with ${code}: ${err.trim()}`))));
  });
}
