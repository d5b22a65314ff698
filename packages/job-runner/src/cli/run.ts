/** @module Starts a job server from CLI arguments and stops it cleanly on SIGTERM/SIGINT. */
import { describeError } from '@racetrack/core';
import { serveJobFile, type JobServer } from '../serve.ts';
import type { JobSchema } from '../schema/types.ts';
import { parseRunnerArgs, usage } from './options.ts';

/** Runs the job server the arguments describe until a termination signal; returns the server. */
export async function runFromArgs(argv: string[], options: { command: string; schema?: JobSchema } = { command: 'job-runner' }): Promise<JobServer | undefined> {
  let args;
  try {
    args = parseRunnerArgs(argv, process.cwd());
  } catch (error) {
    process.stderr.write(`${describeError(error)}\n${usage(options.command)}`);
    process.exitCode = 2;
    return undefined;
  }
  if (args.help) {
    process.stdout.write(usage(options.command));
    return undefined;
  }
  // Jobs read their files with relative paths from the job directory, as in the original.
  process.chdir(args.rootDir);
  const server = await serveJobFile(args.entrypoint, {
    rootDir: args.rootDir,
    ...(args.className ? { className: args.className } : {}),
    ...(options.schema ? { schema: options.schema } : args.schema ? { schema: args.schema } : {}),
    ...(args.port !== undefined ? { port: args.port } : {}),
    ...(args.host ? { host: args.host } : {}),
    ...(args.manifest ? { manifest: args.manifest } : {}),
    ...(args.isolation ? { overrides: { isolation: args.isolation } } : {}),
  });
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return server;
}
