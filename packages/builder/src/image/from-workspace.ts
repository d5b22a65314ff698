/**
 * @module A job image from a workspace the local builder already prepared (`<dataDir>/builds/<content hash>`),
 * so the docker target can run what lifecycle built for local processes without a second source fetch.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { parse } from 'yaml';
import { RacetrackError } from '@racetrack/core';
import { buildJobImage, type BuiltJobImage } from './build-job-image.ts';

/** Files the local build adds to a workspace that have no place in an image (host paths, host wrapper copies). */
export const workspaceOnlyFiles = ['.racetrack-build.json', '.racetrack-python', 'node_modules/@racetrack/job-runner'];

/** Inputs of an image built from a prepared workspace. */
export interface ImageFromWorkspaceOptions {
  workspaceDir: string;
  /** The job's manifest; when absent it is read from `JOB_MANIFEST_YAML` in `env`. */
  manifest?: Record<string, unknown>;
  /** The job's runtime env as the driver gets it (JOB_MANIFEST_YAML, GIT_VERSION, DEPLOYED_BY_RACETRACK_VERSION are used). */
  env?: Record<string, string>;
  /** `git describe` of the source; default GIT_VERSION of `env`. */
  gitVersion?: string;
  /** Racetrack version recorded in the image; default DEPLOYED_BY_RACETRACK_VERSION of `env`. */
  racetrackVersion?: string;
  noCache?: boolean;
  onLog?: (line: string) => void;
  docker?: Dockerode;
}

/** Builds (or reuses, by the workspace's content hash) the image of a locally prepared job version. */
export async function imageFromWorkspace(options: ImageFromWorkspaceOptions): Promise<BuiltJobImage> {
  const record = JSON.parse(await readFile(path.join(options.workspaceDir, '.racetrack-build.json'), 'utf8').catch((error: unknown) => {
    throw new RacetrackError('BUILD_FAILED', `${options.workspaceDir} is not a finished build workspace (no .racetrack-build.json); deploy the job again`, { cause: error });
  })) as { jobTypeVersion?: string };
  const [name, version] = (record.jobTypeVersion ?? '').split(':');
  if (!name || !version) throw new RacetrackError('BUILD_FAILED', `the build record in ${options.workspaceDir} names no job type`);
  const manifest = options.manifest ?? manifestFromEnv(options.env ?? {});
  const env = options.env ?? {};
  const gitVersion = options.gitVersion ?? env['GIT_VERSION'];
  const racetrackVersion = options.racetrackVersion ?? env['DEPLOYED_BY_RACETRACK_VERSION'];
  return buildJobImage({
    workspaceDir: options.workspaceDir,
    manifest,
    jobType: { name, version },
    // Workspaces are published under their content hash, which therefore also names the image.
    contentHash: path.basename(options.workspaceDir),
    noCache: options.noCache ?? false,
    ...(options.onLog ? { onLog: options.onLog } : {}),
    ...(options.docker ? { docker: options.docker } : {}),
    ...(gitVersion ? { gitVersion } : {}),
    ...(racetrackVersion ? { racetrackVersion } : {}),
    exclude: workspaceOnlyFiles,
  });
}

function manifestFromEnv(env: Record<string, string>): Record<string, unknown> {
  const text = env['JOB_MANIFEST_YAML'];
  if (!text) throw new RacetrackError('BUILD_FAILED', 'no manifest to build the job image from: pass it, or JOB_MANIFEST_YAML in the job env');
  // The original escapes newlines when passing the manifest through env; accept both forms.
  const parsed: unknown = parse(text.includes('\n') ? text : text.replace(/\\n/g, '\n'));
  if (typeof parsed !== 'object' || parsed === null) throw new RacetrackError('BUILD_FAILED', 'JOB_MANIFEST_YAML is not a YAML mapping');
  return parsed as Record<string, unknown>;
}
