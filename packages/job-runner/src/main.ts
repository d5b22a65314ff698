/**
 * @module The job runner's command line, as the `node` job type starts it:
 * `node packages/job-runner/src/main.ts --entrypoint /src/job/job.ts --schema perform.schema.json`.
 */
import { runFromArgs } from './cli/run.ts';

await runFromArgs(process.argv.slice(2), { command: 'node packages/job-runner/src/main.ts' });
