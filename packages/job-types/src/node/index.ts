/** @module The built-in `node` job type: a TypeScript or JavaScript class with `perform`, run by @racetrack/job-runner. */
import path from 'node:path';
import type { JobType } from '../core/job-type.ts';
import { buildNodeJob, runnerCacheName } from './build.ts';
import { ensureRunnerBundle, esbuildVersion, installedRunner, runnerContentKey } from './runner-bundle/index.ts';
import { readNodeExtra } from './validate.ts';

/** Version of the node job type itself (recorded as `job_type_version` = `node:<version>`). */
export const nodeJobTypeVersion = '0.1.0';

/** The `node` job type. */
export const nodeJobType: JobType = {
  name: 'node',
  version: nodeJobTypeVersion,
  validate: (manifest) => readNodeExtra(manifest).warnings,
  // The Node runtime decides the build (type stripping, npm); the job's files and lockfile are hashed by the builder.
  // The artefact runs the runner bundled for this runner content: a changed runner is a new build.
  cacheKeyExtras: () => [`node-runtime=${process.version}`, `runner=${runnerKey()}`],
  buildLocal: buildNodeJob,
  warmUp: async (sharedCacheDir) => {
    await ensureRunnerBundle(path.join(sharedCacheDir, runnerCacheName));
  },
};

function runnerKey(): string {
  try {
    return runnerContentKey(installedRunner(), esbuildVersion()).slice(0, 16);
  } catch {
    // Unreadable runner sources: the build then reports what is missing.
    return 'unknown';
  }
}
