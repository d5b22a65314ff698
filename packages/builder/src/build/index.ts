/** @module The builder: fetch the source, pick the job type, reuse a cached workspace or build a new one. */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { RacetrackError, deploymentPhases, describeError, isRacetrackError, type Logger } from '@racetrack/core';
import type { JobArtefact } from '@racetrack/infra';
import { createJobTypeRegistry, type JobType, type JobTypeRegistry } from '@racetrack/job-types';
import { computeContentHash } from '../cache/content-hash.ts';
import { pruneCache } from '../cache/prune.ts';
import { cachePaths, makeTempDir, publishWorkspace, readRecord } from '../cache/workspace.ts';
import { openBuildLog, type BuildLogSink } from '../log/build-log.ts';
import { fetchSource, type BuildSource, type FetchedSource } from '../source/index.ts';
import { createKeyedLock } from './keyed-lock.ts';

/** One build as lifecycle asks for it. */
export interface BuildRequest {
  deploymentId: string;
  /** The validated, merged manifest. */
  manifest: Record<string, unknown>;
  source: BuildSource;
  /** build_env plus secret build vars. */
  buildEnv: Record<string, string>;
  /** Names in `buildEnv` whose values are secret; when omitted, every value is treated as secret in logs. */
  secretKeys?: string[];
  noCache: boolean;
  onLog: (line: string) => void;
  onPhase: (phase: string) => void;
}

/** What a build produced. */
export interface BuildResult {
  artefact: JobArtefact;
  cacheHit: boolean;
  /** `git describe` of the source, or `tar` for an uploaded archive. */
  gitVersion: string;
  /** `<job type>:<exact version>`, e.g. `node:0.1.0`. */
  jobTypeVersion: string;
  contentHash: string;
  warnings: string[];
  workspaceDir: string;
}

export interface BuilderOptions {
  dataDir: string;
  /** The installed job types (a registry, or a list to build one from). */
  jobTypes: JobTypeRegistry | readonly JobType[];
  logger?: Logger;
  /** Environment for git (PATH, HOME...); resolved by the caller's config. */
  gitEnv?: Record<string, string>;
}

export interface Builder {
  /** Builds (or finds in the cache) the artefact of one job version. */
  build(request: BuildRequest): Promise<BuildResult>;
  /**
   * Deletes cached workspaces whose content hash is not in `keep` (the hashes of every job still
   * deployed) and that are older than `minimumAgeMs` (default 1 h). Returns the hashes removed.
   */
  prune(keep: Iterable<string>, minimumAgeMs?: number): Promise<string[]>;
  /** Lets each job type fill the shared cache ahead of the first build (the node runner bundle); never rejects. */
  warmUp(): Promise<void>;
}

/** The phase for building the artefact; the local builder makes one "image" (spec 8.3 numbering). */
export const buildingPhase = `${deploymentPhases.building} (1/1)`;

/** A fetched source with its job type and cache key, ready to be built or found in the cache. */
interface PreparedBuild {
  scratch: string;
  fetched: FetchedSource;
  jobType: JobType;
  jobTypeVersion: string;
  warnings: string[];
  contentHash: string;
  workspaceDir: string;
}

/** Scratch dirs older than this are leftovers of a crashed build. */
const staleTempAgeMs = 60 * 60 * 1000;

/**
 * Creates a builder keeping workspaces under `<dataDir>/builds` and logs under `<dataDir>/build-logs`.
 * @example const { artefact } = await createBuilder({ dataDir, jobTypes: builtinJobTypes() }).build(request)
 */
export function createBuilder(options: BuilderOptions): Builder {
  const registry = 'resolve' in options.jobTypes ? options.jobTypes : createJobTypeRegistry(options.jobTypes);
  const gitEnv = options.gitEnv ?? defaultGitEnv();
  const sameContentLock = createKeyedLock();
  removeStaleTemps(cachePaths(options.dataDir, 'x').tempRoot).catch((error: unknown) =>
    options.logger?.warn({ err: describeError(error) }, 'could not remove scratch dirs of earlier builds'),
  );

  async function build(request: BuildRequest): Promise<BuildResult> {
    const secrets = Object.entries(request.buildEnv)
      .filter(([key]) => request.secretKeys === undefined || request.secretKeys.includes(key))
      .map(([, value]) => value);
    if (request.source.kind === 'git' && request.source.credentials) secrets.push(request.source.credentials.password);
    const log = openBuildLog(options.dataDir, request.deploymentId, secrets, request.onLog);
    const started = Date.now();
    try {
      const result = await buildLogged(request, log);
      log(`build ${result.cacheHit ? 'reused' : 'done'} in ${Date.now() - started} ms: ${result.workspaceDir}`);
      options.logger?.info({ deploymentId: request.deploymentId, contentHash: result.contentHash, cacheHit: result.cacheHit }, 'build finished');
      return result;
    } catch (error) {
      // Tool output quoted in an error (npm, git) may echo a secret: the message is masked like the log.
      const message = log.mask(describeError(error));
      log(`build failed: ${message}`);
      options.logger?.warn({ deploymentId: request.deploymentId, err: message }, 'build failed');
      if (isRacetrackError(error)) {
        throw message === error.message ? error : new RacetrackError(error.code, message, error.details ? { details: error.details } : undefined);
      }
      throw new RacetrackError('BUILD_FAILED', `build failed: ${message}`);
    }
  }

  async function buildLogged(request: BuildRequest, log: BuildLogSink): Promise<BuildResult> {
    const { tempRoot } = cachePaths(options.dataDir, 'x');
    const scratch = await makeTempDir(tempRoot, request.deploymentId.replace(/[^A-Za-z0-9-]/g, '_'));
    try {
      request.onPhase(deploymentPhases.fetching);
      log(describeSource(request.source));
      const fetched = await fetchSource(request.source, path.join(scratch, 'source'), gitEnv);
      log(`source version: ${fetched.gitVersion}`);

      request.onPhase(deploymentPhases.preparing);
      const jobType = registry.resolve(jobTypeReference(request.manifest));
      const jobTypeVersion = `${jobType.name}:${jobType.version}`;
      const warnings = jobType.validate(request.manifest);
      for (const warning of warnings) log(`warning: ${warning}`);
      const contentHash = await computeContentHash(fetched.contextDir, {
        jobType,
        cacheKeyExtras: jobType.cacheKeyExtras(request.manifest),
        buildEnv: request.buildEnv,
        manifest: request.manifest,
      });
      const { workspaceDir } = cachePaths(options.dataDir, contentHash);
      // Concurrent deployments of the same content take turns: the second finds the first's result in the cache.
      const release = await sameContentLock(contentHash, () => log(`the same build (${contentHash.slice(0, 12)}) is already running: waiting for it`));
      try {
        return await buildOrReuse(request, log, { scratch, fetched, jobType, jobTypeVersion, warnings, contentHash, workspaceDir });
      } finally {
        release();
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  async function buildOrReuse(request: BuildRequest, log: BuildLogSink, job: PreparedBuild): Promise<BuildResult> {
    const { fetched, jobType, jobTypeVersion, warnings, contentHash, workspaceDir } = job;
    const result = { gitVersion: fetched.gitVersion, jobTypeVersion, contentHash, warnings, workspaceDir };
    const stored = request.noCache ? undefined : await readRecord(workspaceDir);
    const missing = stored ? await missingFiles(stored.artefact) : [];
    // A cached build whose artefact names files that are gone (a deleted shared cache, a reinstalled Node) is rebuilt.
    if (missing.length > 0) log(`the cached build (${contentHash.slice(0, 12)}) refers to ${missing.join(', ')}, which no longer exists: building again`);
    const cached = missing.length === 0 ? stored : undefined;
    if (cached) {
      log(`job type ${jobTypeVersion}; unchanged since the last build (${contentHash.slice(0, 12)}): reusing it`);
      request.onPhase(deploymentPhases.finalizing);
      return { ...result, artefact: cached.artefact, cacheHit: true };
    }
    request.onPhase(buildingPhase);
    log(`building with job type ${jobTypeVersion}${request.noCache ? ' (no cache)' : ''}`);
    const tempWorkspace = path.join(job.scratch, 'workspace');
    await mkdir(tempWorkspace, { recursive: true });
    const artefact = await jobType.buildLocal({
      sourceDir: fetched.contextDir,
      workspaceDir: tempWorkspace,
      manifest: request.manifest,
      buildEnv: request.buildEnv,
      log,
      noCache: request.noCache,
      sharedCacheDir: sharedCacheDir(options.dataDir),
    });
    request.onPhase(deploymentPhases.finalizing);
    const record = await publishWorkspace(tempWorkspace, workspaceDir, { artefact, jobTypeVersion, warnings, builtAt: new Date().toISOString() });
    return { ...result, artefact: record.artefact, cacheHit: false };
  }

  async function prune(keep: Iterable<string>, minimumAgeMs?: number): Promise<string[]> {
    const withLock = async (hash: string, work: () => Promise<void>): Promise<void> => {
      const release = await sameContentLock(hash);
      try {
        await work();
      } finally {
        release();
      }
    };
    const removed = await pruneCache(path.join(options.dataDir, 'builds'), new Set(keep), withLock, minimumAgeMs);
    if (removed.length > 0) options.logger?.info({ removed: removed.length }, 'pruned unused build workspaces');
    return removed;
  }

  async function warmUp(): Promise<void> {
    for (const jobType of registry.list()) {
      if (!jobType.warmUp) continue;
      const started = Date.now();
      try {
        await jobType.warmUp(sharedCacheDir(options.dataDir));
        options.logger?.debug({ jobType: jobType.name, ms: Date.now() - started }, 'job type warmed up');
      } catch (error) {
        // The first build of that type does the same work again and reports its failure where a user sees it.
        options.logger?.warn({ jobType: jobType.name, err: describeError(error) }, 'warming up a job type failed; its first build will try again');
      }
    }
  }

  return { build, prune, warmUp };
}

/** The directory job types share between builds (LocalBuildContext.sharedCacheDir). */
function sharedCacheDir(dataDir: string): string {
  return path.join(dataDir, 'job-type-cache');
}

/** Absolute paths a process artefact runs (its command and file arguments) that do not exist any more. */
async function missingFiles(artefact: JobArtefact): Promise<string[]> {
  if (artefact.kind !== 'process') return [];
  const paths = [artefact.command, ...artefact.args].filter((part) => path.isAbsolute(part));
  const exists = await Promise.all(paths.map((file) => stat(file).then(() => true, () => false)));
  return paths.filter((_, index) => !exists[index]);
}

/** git needs PATH and HOME; nothing else of the server's environment (which may hold secrets) is passed on. */
function defaultGitEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

function jobTypeReference(manifest: Record<string, unknown>): string {
  const reference = manifest['jobtype'] ?? manifest['lang'];
  if (typeof reference !== 'string' || reference === '') {
    throw new RacetrackError('MANIFEST_INVALID', 'jobtype is required, e.g. jobtype: node:latest', { details: { field: 'jobtype' } });
  }
  return reference;
}

function describeSource(source: BuildSource): string {
  if (source.kind === 'archive') return `unpacking the uploaded build context${source.directory ? `, directory ${source.directory}` : ''}`;
  const branch = source.branch ? ` branch ${source.branch}` : '';
  return `cloning ${source.remote}${branch}${source.directory ? `, directory ${source.directory}` : ''}`;
}

async function removeStaleTemps(tempRoot: string): Promise<void> {
  const names = await readdir(tempRoot).catch(() => [] as string[]);
  for (const name of names) {
    const dir = path.join(tempRoot, name);
    const info = await stat(dir).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > staleTempAgeMs) await rm(dir, { recursive: true, force: true });
  }
}
