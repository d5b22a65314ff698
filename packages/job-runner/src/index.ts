/** @module Public surface of @racetrack/job-runner: serve an entrypoint class as a Racetrack job. */
export * from './schema/types.ts';
export { serveJob, serveJobFile, type ServeOptions, type JobServer } from './serve.ts';
export { getRequestContext } from './context/index.ts';
export type { RequestContextData, UserMetric } from './host/protocol.ts';
export { resolveConfig, type RunnerConfig } from './config/index.ts';
export { loadManifest, type JobManifest } from './config/manifest.ts';
export { callJob, type CallJobOptions } from './chain/index.ts';
