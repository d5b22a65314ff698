/** @module Lifecycle settings: one resolver, defaults in one place. */

export interface LifecycleConfig {
  /** Base URL of PUB as users reach it, e.g. http://127.0.0.1:7200/pub (a job's pub_url = this + /job/name/version). */
  externalPubUrl: string;
  /** Base URL of PUB as jobs reach it (incl. /pub), given to jobs as PUB_URL for chain calls. */
  internalPubUrl: string;
  /** Base URL of lifecycle itself as users reach it (reported by /info). */
  lifecycleUrl: string;
  /** Infrastructure target used when the manifest names none. */
  defaultInfrastructureTarget: string;
  /** How long a new instance may take to answer /live with its deployment timestamp. */
  jobAliveTimeoutMs: number;
  /** How long an alive instance may take to answer /ready. */
  jobReadyTimeoutMs: number;
  /** Redeploying an existing name+version without force is refused unless this is true. */
  allowJobOverwrite: boolean;
  /** An in-progress deployment updated within this window blocks another of the same name+version. */
  deploymentLockWindowMs: number;
  /** Version of this Racetrack build, reported by /info and given to jobs. */
  racetrackVersion: string;
  gitVersion: string;
  /** Lines of job output quoted in a failed deployment's error. */
  errorLogLines: number;
  /**
   * How long the old instances of a redeployed version keep serving after the new ones took their place
   * in the registry: PUB (refreshing every second by default) must see the new addresses first.
   */
  retireDelayMs: number;
}

export const lifecycleDefaults: LifecycleConfig = {
  externalPubUrl: 'http://127.0.0.1:7200/pub',
  internalPubUrl: 'http://127.0.0.1:7200/pub',
  lifecycleUrl: 'http://127.0.0.1:7200/lifecycle',
  defaultInfrastructureTarget: 'local',
  jobAliveTimeoutMs: 120_000,
  jobReadyTimeoutMs: 120_000,
  allowJobOverwrite: false,
  deploymentLockWindowMs: 30 * 60_000,
  racetrackVersion: '0.1.0',
  gitVersion: 'unknown',
  errorLogLines: 20,
  retireDelayMs: 3000,
};

/** Lifecycle config from env (EXTERNAL_PUB_URL, RACETRACK_JOB_ALIVE_TIMEOUT seconds, ...) and explicit overrides. */
export function resolveLifecycleConfig(env: Record<string, string | undefined>, overrides: Partial<LifecycleConfig> = {}): LifecycleConfig {
  const fromEnv: Partial<LifecycleConfig> = {};
  if (env['EXTERNAL_PUB_URL']) fromEnv.externalPubUrl = env['EXTERNAL_PUB_URL'];
  if (env['INTERNAL_PUB_URL']) fromEnv.internalPubUrl = env['INTERNAL_PUB_URL'];
  if (env['EXTERNAL_LIFECYCLE_URL']) fromEnv.lifecycleUrl = env['EXTERNAL_LIFECYCLE_URL'];
  if (env['RACETRACK_INFRASTRUCTURE_TARGET']) fromEnv.defaultInfrastructureTarget = env['RACETRACK_INFRASTRUCTURE_TARGET'];
  const seconds = (name: string): number | undefined => (env[name] && Number(env[name]) > 0 ? Number(env[name]) * 1000 : undefined);
  const alive = seconds('RACETRACK_JOB_ALIVE_TIMEOUT');
  if (alive) fromEnv.jobAliveTimeoutMs = alive;
  const ready = seconds('RACETRACK_JOB_READY_TIMEOUT');
  if (ready) fromEnv.jobReadyTimeoutMs = ready;
  if (env['RACETRACK_ALLOW_JOB_OVERWRITE']) fromEnv.allowJobOverwrite = env['RACETRACK_ALLOW_JOB_OVERWRITE'] === 'true';
  if (env['GIT_VERSION']) fromEnv.gitVersion = env['GIT_VERSION'];
  if (env['RACETRACK_RETIRE_DELAY_MS'] && Number(env['RACETRACK_RETIRE_DELAY_MS']) >= 0) fromEnv.retireDelayMs = Number(env['RACETRACK_RETIRE_DELAY_MS']);
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...lifecycleDefaults, ...fromEnv, ...defined };
}
