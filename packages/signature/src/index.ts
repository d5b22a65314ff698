/** @module Public surface of @racetrack/signature: entrypoint signature → JSON Schema, at build time. */
export { extractJobSchema, writeJobSchema, type ExtractOptions } from './extract/index.ts';
export type { JobSchema, MethodSchema, ParameterSchema, JsonSchema } from '@racetrack/job-runner';
