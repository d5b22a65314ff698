/** @module Builds a job's container image: the job type's base image once, then the job image from its template. */
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { RacetrackError } from '@racetrack/core';
import { buildSecretsId, renderBuildEnvFile } from './build-env.ts';
import { hashDirectory, tarContext, type GeneratedFile } from './context.ts';
import { buildWithBuildKit } from './buildkit-build.ts';
import { baseImageName, imageLabels, jobImageName } from './labels.ts';
import { defaultRecipePaths, imageRecipe, type ImageRecipe, type RecipePaths } from './recipes.ts';
import { renderDockerfileTemplate } from './template.ts';

/** Inputs of one job image build. */
export interface BuildJobImageOptions {
  /** Build context: the job's source (python3, docker-proxy) or the workspace the node job type prepared. */
  workspaceDir: string;
  manifest: Record<string, unknown>;
  jobType: { name: string; version: string };
  /** Hash of the job's content (source + manifest + build inputs); part of the image tag. */
  contentHash: string;
  /**
   * build_env plus secret build vars: a BuildKit secret (`RUN --mount=type=secret,id=build_secrets`, a file of
   * `KEY='value'` lines) for the steps that mount it; never an image layer, the history, the cache or the log.
   */
  buildEnv?: Record<string, string>;
  noCache?: boolean;
  onLog?: (line: string) => void;
  gitVersion?: string;
  racetrackVersion?: string;
  docker?: Dockerode;
  /** Image repository prefix (a registry namespace later); default `racetrack`. */
  repository?: string;
  paths?: RecipePaths;
  /** Paths (relative, posix) left out of the build context besides `.git`. */
  exclude?: readonly string[];
}

/** What was built (or reused). */
export interface BuiltJobImage {
  image: string;
  imageId: string;
  baseImage?: string;
  /** True when an image with this tag already existed and nothing was built. */
  reused: boolean;
}

/** Name of the rendered Dockerfile inside the job context; hidden so it does not clash with a job's own Dockerfile. */
const renderedDockerfile = '.racetrack-job.Dockerfile';
/** Base image tags by job type and version, so the base context is assembled and hashed once per process. */
const baseImages = new Map<string, string>();

/** Builds (or reuses) the image of one job version; streams the build log to `onLog`. */
export async function buildJobImage(options: BuildJobImageOptions): Promise<BuiltJobImage> {
  // Loaded on first use: dockerode (with gRPC) costs about half a second, which servers without Docker never pay.
  const docker = options.docker ?? new (await import('dockerode')).default();
  const log = options.onLog ?? (() => {});
  const paths = options.paths ?? defaultRecipePaths();
  const repository = options.repository ?? 'racetrack';
  const recipe = imageRecipe(options.jobType.name, paths);
  const jobName = stringField(options.manifest, 'name');
  const version = stringField(options.manifest, 'version');
  const image = jobImageName(repository, jobName, version, options.contentHash);
  const buildEnv = options.buildEnv ?? {};

  if (!options.noCache && (await imageId(docker, image))) {
    log(`image ${image} already built for this content, reusing it`);
    return { image, imageId: (await imageId(docker, image)) as string, reused: true };
  }
  const baseImage = recipe.assembleBase ? await ensureBaseImage(docker, recipe, options.jobType.version, repository, log, options.noCache ?? false) : undefined;
  const labels = {
    [imageLabels.component]: 'job',
    [imageLabels.kind]: 'job',
    [imageLabels.jobName]: jobName,
    [imageLabels.jobVersion]: version,
    [imageLabels.jobType]: `${options.jobType.name}:${options.jobType.version}`,
    [imageLabels.contentHash]: options.contentHash,
  };
  let dockerfile: string;
  const extra: GeneratedFile[] = [];
  if (recipe.jobTemplatePath && baseImage) {
    const template = await readFile(recipe.jobTemplatePath, 'utf8');
    const racetrackVersion = options.racetrackVersion ?? (await repoVersion(paths.repoRoot));
    const rendered = await renderDockerfileTemplate(template, {
      base_image: baseImage,
      env_vars: {},
      manifest: options.manifest,
      git_version: options.gitVersion ?? 'unknown',
      deployed_by_racetrack_version: racetrackVersion,
      job_type_version: `${options.jobType.name}:${options.jobType.version}`,
    });
    extra.push({ name: renderedDockerfile, content: rendered });
    dockerfile = renderedDockerfile;
  } else {
    dockerfile = await userDockerfile(options.workspaceDir, options.manifest);
  }

  log(`building image ${image}${options.noCache ? ' (no cache)' : ''}`);
  const excluded = new Set(['.git', 'node_modules/@racetrack/job-runner', ...(options.exclude ?? [])]);
  const context = tarContext(options.workspaceDir, extra, (relative) => excluded.has(relative));
  const id = await buildWithBuildKit(docker, context, {
    tag: image,
    dockerfile,
    labels,
    noCache: options.noCache ?? false,
    secrets: { [buildSecretsId]: Buffer.from(renderBuildEnvFile(buildEnv)) },
    mask: Object.values(buildEnv),
    onLog: log,
  });
  return { image, imageId: id, ...(baseImage ? { baseImage } : {}), reused: false };
}

/** The job type's base image: reused when its tag exists, built when missing or when `noCache` (`--no-cache` rebuilds everything). */
async function ensureBaseImage(docker: Dockerode, recipe: ImageRecipe, jobTypeVersion: string, repository: string, log: (line: string) => void, noCache: boolean): Promise<string> {
  const key = `${repository}/${recipe.jobType}:${jobTypeVersion}`;
  const known = baseImages.get(key);
  if (!noCache && known && (await imageId(docker, known))) return known;
  const dir = await mkdtemp(path.join(os.tmpdir(), `racetrack-base-${recipe.jobType}-`));
  try {
    await (recipe.assembleBase as (dir: string) => Promise<void>)(dir);
    // The FROM image's id is part of the hash: a rebuilt node/python image must rebuild the job-type base too.
    const dockerfile = await readFile(path.join(dir, 'Dockerfile'), 'utf8');
    const from = /^FROM\s+(\S+)/m.exec(dockerfile)?.[1] ?? '';
    const fromId = await imageId(docker, from);
    if (!fromId) {
      throw new RacetrackError('BUILD_FAILED', `image ${from} (the ${recipe.jobType} job type's base) is not on this Docker host; run scripts/base-images/build.sh, or pull it`);
    }
    const name = baseImageName(repository, recipe.jobType, jobTypeVersion, await hashDirectory(dir, [fromId]));
    if (noCache || !(await imageId(docker, name))) {
      log(`building base image ${name}${noCache ? ' (no cache)' : ''}`);
      const labels = { [imageLabels.component]: 'job', [imageLabels.kind]: 'base', [imageLabels.jobType]: `${recipe.jobType}:${jobTypeVersion}` };
      await buildWithBuildKit(docker, tarContext(dir, []), { tag: name, dockerfile: 'Dockerfile', labels, noCache, secrets: {}, mask: [], onLog: log });
    } else {
      log(`base image ${name} is up to date`);
    }
    baseImages.set(key, name);
    return name;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function userDockerfile(workspaceDir: string, manifest: Record<string, unknown>): Promise<string> {
  const extra = (manifest.jobtype_extra ?? {}) as Record<string, unknown>;
  const legacy = (manifest.docker ?? {}) as Record<string, unknown>;
  const configured = extra.dockerfile_path ?? legacy.dockerfile_path ?? 'Dockerfile';
  if (typeof configured !== 'string' || path.isAbsolute(configured) || path.normalize(configured).startsWith('..')) {
    throw new RacetrackError('MANIFEST_INVALID', 'jobtype_extra.dockerfile_path must be a relative path inside the job directory', { details: { field: 'jobtype_extra.dockerfile_path' } });
  }
  const exists = await access(path.join(workspaceDir, configured)).then(() => true, () => false);
  if (!exists) {
    throw new RacetrackError('BUILD_CONTEXT_INVALID', `Dockerfile ${configured} not found in the job directory; add it or set jobtype_extra.dockerfile_path`, {
      details: { field: 'jobtype_extra.dockerfile_path' },
    });
  }
  return configured.split(path.sep).join('/');
}

async function imageId(docker: Dockerode, name: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(name).inspect()).Id;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw new RacetrackError('UNAVAILABLE', `cannot build the job image: the Docker Engine does not answer (${(error as Error).message}); start dockerd or set DOCKER_HOST`, { cause: error });
  }
}

function stringField(manifest: Record<string, unknown>, field: string): string {
  const value = manifest[field];
  if (typeof value !== 'string' || value === '') throw new RacetrackError('MANIFEST_INVALID', `manifest field ${field} is required to build an image`, { details: { field } });
  return value;
}

async function repoVersion(repoRoot: string): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}
