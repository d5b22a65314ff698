/** @module The local part of a docker-proxy build: the job directory becomes the workspace an image is built from. */
import { access, cp } from 'node:fs/promises';
import path from 'node:path';
import { RacetrackError } from '@racetrack/core';
import type { JobArtefact } from '@racetrack/infra';
import type { LocalBuildContext } from '../core/job-type.ts';
import { readDockerProxyExtra } from './validate.ts';

/** What a docker-proxy "process" does if a driver tries to run it without an image: say why and exit. */
const refusal = 'job type docker-proxy runs only in a container: move or redeploy it with infrastructure_target: docker';

/**
 * Copies the job directory into the workspace (the image builder's context) after checking its Dockerfile
 * exists. The returned process artefact only explains itself and exits: the image is what runs.
 */
export async function buildDockerProxyJob(context: LocalBuildContext): Promise<Extract<JobArtefact, { kind: 'process' }>> {
  const { extra } = readDockerProxyExtra(context.manifest);
  const dockerfile = path.join(context.sourceDir, ...extra.dockerfile_path.split('/'));
  if (!(await access(dockerfile).then(() => true, () => false))) {
    throw new RacetrackError('BUILD_CONTEXT_INVALID',
      `Dockerfile ${extra.dockerfile_path} not found in the job directory; add it or set jobtype_extra.dockerfile_path`, { details: { field: 'jobtype_extra.dockerfile_path' } });
  }
  await cp(context.sourceDir, context.workspaceDir, { recursive: true, filter: (source) => path.basename(source) !== '.git' });
  context.log(`docker-proxy: the image is built from ${extra.dockerfile_path} by the container target`);
  return { kind: 'process', cwd: context.workspaceDir, command: '/bin/sh', args: ['-c', `echo '${refusal}' >&2; exit 64`] };
}
