/** @module Public surface of @racetrack/job-types: the job-type API and the built-in job types. */
export type * from './core/job-type.ts';
