/** @module Checks a `docker-proxy` job's manifest: where its Dockerfile is, and that it goes to a container target. */
import path from 'node:path';
import { RacetrackError } from '@racetrack/core';

/** The checked options of a docker-proxy job. */
export interface DockerProxyExtra {
  /** Relative path (posix) of the job's own Dockerfile inside the job directory. */
  dockerfile_path: string;
}

const knownKeys = ['dockerfile_path'];

/**
 * Reads `jobtype_extra` (or the legacy `docker:` section) and refuses the `local` target, where a Dockerfile
 * cannot run; throws MANIFEST_INVALID naming the field and the fix, returns warnings for unknown keys.
 */
export function readDockerProxyExtra(manifest: Record<string, unknown>): { extra: DockerProxyExtra; warnings: string[] } {
  const target = manifest['infrastructure_target'];
  // The server's default target is not known here, so the manifest must name a container target itself.
  if (target === undefined || target === null || target === '' || target === 'local') {
    throw invalid('infrastructure_target',
      `job type docker-proxy builds and runs the job's own Dockerfile, which the local infrastructure cannot run; set infrastructure_target: docker in job.yaml (or deploy with -e infrastructure_target=docker)`);
  }
  const raw = manifest['jobtype_extra'] ?? manifest['docker'] ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('jobtype_extra', 'jobtype_extra must be a mapping of docker-proxy job-type options (dockerfile_path)');
  const fields = raw as Record<string, unknown>;
  const warnings = Object.keys(fields)
    .filter((key) => !knownKeys.includes(key))
    .map((key) => `jobtype_extra.${key} is not used by the docker-proxy job type (known: ${knownKeys.join(', ')})`);
  const configured = fields['dockerfile_path'] ?? 'Dockerfile';
  if (typeof configured !== 'string' || configured.trim() === '') {
    throw invalid('jobtype_extra.dockerfile_path', `jobtype_extra.dockerfile_path must be a path relative to the job directory, e.g. Dockerfile, got ${JSON.stringify(configured)}`);
  }
  const normalized = path.posix.normalize(configured.replace(/\\/g, '/'));
  if (path.posix.isAbsolute(normalized) || normalized === '..' || normalized.startsWith('../')) {
    throw invalid('jobtype_extra.dockerfile_path', `jobtype_extra.dockerfile_path must stay inside the job directory, got "${configured}"`);
  }
  return { extra: { dockerfile_path: normalized }, warnings };
}

function invalid(field: string, message: string): RacetrackError {
  return new RacetrackError('MANIFEST_INVALID', message, { details: { field } });
}
