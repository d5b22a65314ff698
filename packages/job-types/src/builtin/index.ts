/** @module The job types shipped with Racetrack. */
import type { JobType } from '../core/job-type.ts';
import { dockerProxyJobType } from '../docker-proxy/index.ts';
import { nodeJobType } from '../node/index.ts';
import { python3JobType } from '../python3/index.ts';

/** Every built-in job type, for `createJobTypeRegistry`. */
export function builtinJobTypes(): JobType[] {
  return [nodeJobType, python3JobType, dockerProxyJobType];
}
