/** @module The local build recipe of the `node` job type: copy, install, schema, transpile, manifest. */
import { access, cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { RacetrackError } from '@racetrack/core';
import type { JobArtefact } from '@racetrack/infra';
import type { LocalBuildContext } from '../core/job-type.ts';
import { installDependencies, linkJobRunner } from './install.ts';
import { runnerMainForBuild } from './runner-bundle/index.ts';
import { writeJobSchemaIsolated } from './schema-worker.ts';
import { transpileUnstrippable } from './transpile.ts';
import { readNodeExtra } from './validate.ts';


/** Folder of the bundled runner inside the builder's shared cache dir. */
export const runnerCacheName = 'node-runner';
/** Entrypoints looked for, in order, when `jobtype_extra.entrypoint_path` is not given. */
export const defaultEntrypoints = ['job.ts', 'job.js'];

/** File names the build writes into the workspace, next to the job's own files. */
export const workspaceFiles = { schema: 'perform.schema.json', manifest: 'job.yaml' } as const;

/** Prepares `context.workspaceDir` and returns the command that starts one instance with the job runner. */
export async function buildNodeJob(context: LocalBuildContext): Promise<Extract<JobArtefact, { kind: 'process' }>> {
  const { workspaceDir, log } = context;
  const { extra } = readNodeExtra(context.manifest);
  // Shared by every job when the builder offers a cache dir; else inside this workspace (still reused by an unchanged redeploy).
  const bundleCache = context.sharedCacheDir ? path.join(context.sharedCacheDir, runnerCacheName) : path.join(workspaceDir, '.racetrack', 'runner');
  // esbuild runs in its own process: the runner is bundled (when it is new) while npm and the schema extraction work.
  // A failed bundle falls back to the source runner; the catch only keeps a build failing earlier from leaving an unhandled rejection.
  const bundling = runnerMainForBuild(bundleCache, log, { fresh: context.noCache });
  bundling.catch(() => undefined);
  await cp(context.sourceDir, workspaceDir, {
    recursive: true,
    // A job's own node_modules or .git are never trusted: dependencies come from its lockfile.
    filter: (src) => !['node_modules', '.git'].includes(path.basename(src)),
  });
  const entrypoint = await findEntrypoint(workspaceDir, extra.entrypoint_path);
  log(`entrypoint: ${path.relative(workspaceDir, entrypoint)}${extra.entrypoint_class ? ` (class ${extra.entrypoint_class})` : ''}`);

  await installDependencies(workspaceDir, context.buildEnv, log);
  await linkJobRunner(workspaceDir);

  const schemaPath = path.join(workspaceDir, workspaceFiles.schema);
  log('extracting the perform() signature into perform.schema.json');
  // In a worker that exits when idle: the TypeScript compiler would otherwise stay in the server's memory.
  await writeJobSchemaIsolated(entrypoint, schemaPath, extra.entrypoint_class ? { className: extra.entrypoint_class } : {});

  // After the schema: transpiling erases the types the schema is read from.
  await transpileUnstrippable(workspaceDir, log);

  const manifestPath = path.join(workspaceDir, workspaceFiles.manifest);
  await writeFile(manifestPath, stringify(context.manifest));

  const runnerMain = await bundling;

  return {
    kind: 'process',
    cwd: workspaceDir,
    command: process.execPath,
    args: [
      runnerMain,
      '--entrypoint',
      entrypoint,
      '--schema',
      schemaPath,
      '--manifest',
      manifestPath,
      ...(extra.entrypoint_class ? ['--class', extra.entrypoint_class] : []),
    ],
  };
}

/** The job runner's start script, as a file path (fails with a clear error if the runner is not installed). */
export function runnerMainPath(): string {
  try {
    return fileURLToPath(import.meta.resolve('@racetrack/job-runner/main'));
  } catch (error) {
    throw new RacetrackError('BUILD_FAILED', 'the job runner (@racetrack/job-runner/main) is not installed; reinstall Racetrack', { cause: error });
  }
}

async function findEntrypoint(dir: string, configured: string | undefined): Promise<string> {
  const candidates = configured ? [configured] : defaultEntrypoints;
  for (const candidate of candidates) {
    const file = path.join(dir, candidate);
    if (await access(file).then(() => true, () => false)) return file;
  }
  const hint = configured ? 'check jobtype_extra.entrypoint_path' : 'add job.ts or set jobtype_extra.entrypoint_path';
  throw new RacetrackError('BUILD_CONTEXT_INVALID', `entrypoint ${candidates.join(' or ')} not found in the job directory; ${hint}`, {
    details: { field: 'jobtype_extra.entrypoint_path' },
  });
}
