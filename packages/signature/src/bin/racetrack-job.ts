#!/usr/bin/env node
/**
 * @module `npx racetrack-job ./job.ts [runner options]`: reads the entrypoint's types, then serves it
 * with the job runner, for running a job by hand. The runner itself never loads TypeScript.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeError } from '@racetrack/core';
import { runFromArgs } from '@racetrack/job-runner/cli';
import { extractJobSchema } from '../extract/index.ts';

const argv = process.argv.slice(2);
try {
  const { values, positionals } = parseArgs({ args: argv, strict: false, allowPositionals: true });
  const entrypoint = typeof values['entrypoint'] === 'string' ? values['entrypoint'] : positionals[0];
  const className = typeof values['class'] === 'string' ? values['class'] : undefined;
  const schema = entrypoint && !values['help'] ? await extractJobSchema(path.resolve(entrypoint), className ? { className } : {}) : undefined;
  await runFromArgs(argv, { command: 'racetrack-job', ...(schema ? { schema } : {}) });
} catch (error) {
  process.stderr.write(`racetrack-job: ${describeError(error)}\n`);
  process.exitCode = 1;
}
