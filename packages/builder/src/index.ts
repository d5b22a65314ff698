/** @module Public surface of @racetrack/builder: turns a job's source plus its job type into a runnable artefact. */
export { createBuilder, buildingPhase, type Builder, type BuilderOptions, type BuildRequest, type BuildResult } from './build/index.ts';
export type { BuildSource } from './source/index.ts';
export * from './image/index.ts';
