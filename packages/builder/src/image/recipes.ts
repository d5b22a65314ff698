/**
 * @module Where each built-in job type's container files come from: the base image's context (runner or
 * wrapper code) and the job template, all under packages/job-types/templates/<type>/.
 */
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RacetrackError } from '@racetrack/core';
import { bundlePackage, exportedFile } from './runner-bundle.ts';

/** Directories the recipes read from; defaults are this repository's. */
export interface RecipePaths {
  repoRoot: string;
  templatesRoot: string;
}

/** How one job type's images are made. `assembleBase` fills an empty dir with the base context (Dockerfile included). */
export interface ImageRecipe {
  jobType: string;
  /** Absent for job types whose image is the user's own Dockerfile. */
  assembleBase?: (contextDir: string) => Promise<void>;
  /** Job template (Jinja syntax); absent when the job brings its own Dockerfile. */
  jobTemplatePath?: string;
}

/** This installation's repo root and templates dir, found through the job-types package. */
export function defaultRecipePaths(): RecipePaths {
  const jobTypesDir = path.dirname(path.dirname(fileURLToPath(import.meta.resolve('@racetrack/job-types'))));
  return { repoRoot: path.dirname(path.dirname(jobTypesDir)), templatesRoot: path.join(jobTypesDir, 'templates') };
}

/** The recipe of a built-in job type, or JOB_TYPE_UNKNOWN. */
export function imageRecipe(jobType: string, paths: RecipePaths): ImageRecipe {
  const templates = path.join(paths.templatesRoot, jobType);
  switch (jobType) {
    case 'node':
      return { jobType, assembleBase: (dir) => assembleNodeBase(dir, templates, paths.repoRoot), jobTemplatePath: path.join(templates, 'job-template.Dockerfile') };
    case 'python3':
      return { jobType, assembleBase: (dir) => assemblePythonBase(dir, templates, paths.repoRoot), jobTemplatePath: path.join(templates, 'job-template.Dockerfile') };
    case 'docker-proxy':
      return { jobType };
    default:
      throw new RacetrackError('JOB_TYPE_UNKNOWN', `job type "${jobType}" has no container image recipe; use node, python3 or docker-proxy, or the local infrastructure`, {
        details: { field: 'jobtype' },
      });
  }
}

async function assembleNodeBase(dir: string, templates: string, repoRoot: string): Promise<void> {
  const runnerDir = path.join(repoRoot, 'packages', 'job-runner');
  const runnerInBundle = await bundlePackage(repoRoot, runnerDir, dir);
  const main = path.join(runnerInBundle, await exportedFile(runnerDir, './main'));
  await mkdir(path.join(dir, 'bin'), { recursive: true });
  for (const script of ['run-node-job', 'warm-runner']) {
    const text = (await readFile(path.join(templates, script), 'utf8')).replace('__RUNNER_MAIN__', main.split(path.sep).join('/'));
    await writeFile(path.join(dir, 'bin', script), text, { mode: 0o755 });
  }
  await cp(path.join(templates, 'base.Dockerfile'), path.join(dir, 'Dockerfile'));
}

async function assemblePythonBase(dir: string, templates: string, repoRoot: string): Promise<void> {
  const wrapper = path.join(dir, 'racetrack_job_wrapper');
  await cp(path.join(repoRoot, 'job-types', 'python3', 'racetrack_job_wrapper'), wrapper, {
    recursive: true,
    filter: (src) => !src.includes('__pycache__') && !src.endsWith('.pyc'),
  });
  // The wrapper serves Swagger UI from swagger_ui/ beside itself (no CDN is reachable from a job): the files
  // swagger-ui-dist ships, taken from the copy @fastify/swagger-ui installs for the node job type.
  const require = createRequire(path.join(repoRoot, 'package.json'));
  const assets = path.join(path.dirname(require.resolve('@fastify/swagger-ui/package.json')), 'static');
  await mkdir(path.join(wrapper, 'swagger_ui'), { recursive: true });
  for (const name of await readdir(assets)) {
    if (/^(swagger-ui.*\.(css|js)|favicon-.*\.png)$/.test(name)) await cp(path.join(assets, name), path.join(wrapper, 'swagger_ui', name));
  }
  await cp(path.join(templates, 'base.Dockerfile'), path.join(dir, 'Dockerfile'));
}
