/** @module Builds a job with any JobType's buildLocal into a temp workspace and starts the artefact like the local driver does. */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JobType } from '@racetrack/job-types';
import { loadManifestFile } from '@racetrack/manifest';
import { startProcessJob } from './process.ts';
import type { StartedJob } from './sample.ts';

/** What to build: a job directory (with job.yaml or fatman.yaml) and the job type that builds it. */
export interface LocalBuildOptions {
  jobType: JobType;
  sourceDir: string;
  /** Extra runtime environment (JOB_NAME, JOB_VERSION and JOB_DEPLOYMENT_TIMESTAMP are set from the manifest). */
  env?: Record<string, string>;
  /** Build log lines go here (default: dropped). */
  log?: (line: string) => void;
}

/** Builds `sourceDir` with `jobType.buildLocal` and starts the resulting process on a free port (env PORT). */
export async function startLocalBuild(options: LocalBuildOptions): Promise<StartedJob> {
  const { manifest } = await loadManifestFile(options.sourceDir);
  const fields = manifest as unknown as Record<string, unknown>;
  const root = await mkdtemp(path.join(tmpdir(), 'rt-conformance-'));
  const workspaceDir = path.join(root, 'workspace');
  await mkdir(workspaceDir);
  try {
    const artefact = await options.jobType.buildLocal({
      sourceDir: options.sourceDir, workspaceDir, manifest: fields, buildEnv: {}, noCache: false, log: options.log ?? (() => undefined),
    });
    const job = await startProcessJob({
      command: artefact.command,
      args: artefact.args,
      cwd: artefact.cwd,
      env: {
        PORT: '{port}',
        JOB_NAME: String(fields['name']),
        JOB_VERSION: String(fields['version'] ?? '0.0.1'),
        JOB_DEPLOYMENT_TIMESTAMP: '1700000000',
        LOG_LEVEL: 'warn',
        ...options.env,
      },
    });
    return {
      baseUrl: job.baseUrl,
      async stop() {
        await job.stop();
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
