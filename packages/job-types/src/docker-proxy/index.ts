/** @module The built-in `docker-proxy` job type: the user's own Dockerfile, serving HTTP on port 7000 (container targets only). */
import type { JobType } from '../core/job-type.ts';
import { buildDockerProxyJob } from './build.ts';
import { readDockerProxyExtra } from './validate.ts';

export { readDockerProxyExtra, type DockerProxyExtra } from './validate.ts';

/** Version of the docker-proxy job type itself (`job_type_version` = `docker-proxy:<version>`). */
export const dockerProxyJobTypeVersion = '0.1.0';

/** The docker-proxy job type; the image builder (packages/builder/src/image) builds the job's Dockerfile. */
export const dockerProxyJobType: JobType = {
  name: 'docker-proxy',
  version: dockerProxyJobTypeVersion,
  validate: (manifest) => readDockerProxyExtra(manifest).warnings,
  // The Dockerfile and everything it copies are job files, hashed already; the path decides which one is built.
  cacheKeyExtras: (manifest) => [`dockerfile=${readDockerProxyExtra(manifest).extra.dockerfile_path}`],
  buildLocal: buildDockerProxyJob,
};
