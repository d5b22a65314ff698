/** @module Public surface of @racetrack/job-types: the job-type API, the registry and the built-in job types. */
export type * from './core/job-type.ts';
export { createJobTypeRegistry, type JobTypeRegistry } from './registry/index.ts';
export { builtinJobTypes } from './builtin/index.ts';
export { nodeJobType, nodeJobTypeVersion } from './node/index.ts';
export { ensureRunnerBundle, runnerMainForBuild } from './node/runner-bundle/index.ts';
export { python3JobType, createPython3JobType, resolvePython3Config, type Python3Config } from './python3/index.ts';
