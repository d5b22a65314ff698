/** @module The runner CLI's options as data, and the parser that turns argv into serveJobFile options. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RacetrackError } from '@racetrack/core';

/** Every option of `node packages/job-runner/src/main.ts`. */
export const runnerOptions = {
  entrypoint: { type: 'string', description: 'absolute or relative path of job.ts / job.js (required)' },
  class: { type: 'string', description: 'exported class to serve (jobtype_extra.entrypoint_class); default: the default export or the only class' },
  schema: { type: 'string', description: 'perform.schema.json written by @racetrack/signature writeJobSchema()' },
  port: { type: 'string', description: 'port to listen on (default: env PORT, else 7000)' },
  host: { type: 'string', description: 'address to bind (default 0.0.0.0)' },
  manifest: { type: 'string', description: 'job.yaml path (default: env JOB_MANIFEST_YAML, else job.yaml in the job directory)' },
  root: { type: 'string', description: 'job directory: working directory and base of static files (default: the manifest\'s directory, else the entrypoint\'s)' },
  isolation: { type: 'string', description: '"worker" (default) runs user code in a worker thread; "none" in the server thread' },
  help: { type: 'boolean', description: 'print this help' },
} as const;

/** Parsed CLI arguments. */
export interface RunnerArgs {
  entrypoint: string;
  className?: string;
  schema?: string;
  port?: number;
  host?: string;
  manifest?: string;
  rootDir: string;
  isolation?: 'worker' | 'none';
  help: boolean;
}

/** Usage text generated from the options table. */
export function usage(command: string): string {
  const lines = Object.entries(runnerOptions).map(([name, option]) => `  --${name.padEnd(11)} ${option.description}`);
  return `usage: ${command} --entrypoint <job.ts> [options]\n${lines.join('\n')}\n`;
}

/** Parses argv (without node and script); a bare first argument is taken as the entrypoint. */
export function parseRunnerArgs(argv: string[], cwd: string): RunnerArgs {
  const { values, positionals } = parseArgs({ args: argv, options: runnerOptions, allowPositionals: true, strict: true });
  const entrypointArg = values.entrypoint ?? positionals[0];
  if (values.help) return { entrypoint: entrypointArg ?? '', rootDir: cwd, help: true };
  if (!entrypointArg) throw new RacetrackError('BAD_REQUEST', 'missing --entrypoint <path to job.ts or job.js>');
  const entrypoint = path.resolve(cwd, entrypointArg);
  if (!existsSync(entrypoint)) throw new RacetrackError('BAD_REQUEST', `entrypoint ${entrypoint} does not exist`);
  const manifest = values.manifest ? path.resolve(cwd, values.manifest) : undefined;
  const rootDir = values.root ? path.resolve(cwd, values.root) : manifest ? path.dirname(manifest) : path.dirname(entrypoint);
  if (values.isolation !== undefined && values.isolation !== 'worker' && values.isolation !== 'none') {
    throw new RacetrackError('BAD_REQUEST', `--isolation must be "worker" or "none", got "${values.isolation}"`);
  }
  if (values.port !== undefined && !/^\d+$/.test(values.port)) throw new RacetrackError('BAD_REQUEST', `--port must be a number, got "${values.port}"`);
  return {
    entrypoint,
    rootDir,
    help: false,
    ...(values.class ? { className: values.class } : {}),
    ...(values.schema ? { schema: path.resolve(cwd, values.schema) } : {}),
    ...(values.port !== undefined ? { port: Number(values.port) } : {}),
    ...(values.host ? { host: values.host } : {}),
    ...(manifest ? { manifest } : {}),
    ...(values.isolation ? { isolation: values.isolation } : {}),
  };
}
