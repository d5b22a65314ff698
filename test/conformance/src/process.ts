/** @module Starts a job runner as a child process on a free port, for conformance runs of local job types. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { StartedJob } from './sample.ts';

/** How to start a runner; `{port}` in args or env values is replaced by a free port. */
export interface ProcessJobOptions {
  command: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
}

/** A port that was free a moment ago (the OS picks it; we release it for the child). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Spawns the runner; its output is kept and printed if it exits early. stop() sends SIGTERM, then SIGKILL after 5 s. */
export async function startProcessJob(options: ProcessJobOptions): Promise<StartedJob> {
  const port = await freePort();
  const fill = (value: string): string => value.replaceAll('{port}', String(port));
  const env = { ...process.env, ...Object.fromEntries(Object.entries(options.env ?? {}).map(([k, v]) => [k, fill(v)])) };
  const child = spawn(options.command, options.args.map(fill), { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  child.on('exit', (code, signal) => {
    if (code !== 0 && code !== null && signal === null) {
      process.stderr.write(`job process exited with ${code}:\n${output}\n`);
    }
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
