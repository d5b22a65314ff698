/** @module The job-type plugin API: how a language's jobs are validated, built and run. */
import type { JobArtefact } from '@racetrack/infra';

/** A line-oriented build log sink; every builder step writes here so CLI and dashboard can show it live. */
export type BuildLog = (line: string) => void;

/** What a job type gets to prepare one job version for local processes. */
export interface LocalBuildContext {
  /** The job's source (already fetched, `git.directory` applied), read-only for the job type. */
  sourceDir: string;
  /** An empty directory owned by this build; the artefact must live here. */
  workspaceDir: string;
  /** The validated, merged manifest. */
  manifest: Record<string, unknown>;
  /** build_env plus secret build vars. Never log the values. */
  buildEnv: Record<string, string>;
  log: BuildLog;
  /** True when `--no-cache` was asked for. */
  noCache: boolean;
  /**
   * A directory kept between builds and shared by every job, where a job type may keep what does not
   * depend on one job (the `node` type's bundled runner). Optional: without it, such things go in the workspace.
   */
  sharedCacheDir?: string;
}

/** A built-in or plugin job type, e.g. `node:latest`, `python3:latest`. */
export interface JobType {
  /** Name as written before the colon in `jobtype:` (`node`, `python3`). */
  readonly name: string;
  /** This job type's own version (written into `job_type_version` as `name:version`). */
  readonly version: string;
  /** Checks `jobtype_extra` and related fields; returns warnings, throws RacetrackError('MANIFEST_INVALID') on errors. */
  validate(manifest: Record<string, unknown>): string[];
  /** Inputs that decide the build result besides the source files (e.g. lockfiles, runtime version), for the cache key. */
  cacheKeyExtras(manifest: Record<string, unknown>): string[];
  /** Prepares the workspace and returns how to start one instance of the job as a local process. */
  buildLocal(context: LocalBuildContext): Promise<Extract<JobArtefact, { kind: 'process' }>>;
  /**
   * Prepares, before any build asks for it, what the job type keeps in the shared cache (the `node` type's bundled
   * runner), so the first deployment does not wait for it. Optional; the server calls it in the background at start.
   */
  warmUp?(sharedCacheDir: string): Promise<void>;
}
