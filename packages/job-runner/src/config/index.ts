/** @module resolveConfig: the runner's settings from env, the manifest and explicit overrides, defaults in one place. */
import { RacetrackError } from '@racetrack/core';
import type { JobManifest } from './manifest.ts';

/** Everything the runner reads from outside, resolved once at start. */
export interface RunnerConfig {
  host: string;
  port: number;
  jobName: string;
  jobVersion: string;
  gitVersion: string;
  deployedByRacetrackVersion: string;
  jobTypeVersion: string;
  /** Unix seconds from JOB_DEPLOYMENT_TIMESTAMP; 0 when unset. */
  deploymentTimestamp: number;
  /** Path appended to `/pub/job/{name}/{version}` by the `/` redirect (jobtype_extra.home_page). */
  homePage: string;
  /** 0 means unlimited (jobtype_extra.max_concurrency). */
  maxConcurrency: number;
  /** Waiting requests allowed beyond maxConcurrency; undefined means unlimited (jobtype_extra.max_concurrency_queue). */
  maxConcurrencyQueue: number | undefined;
  logLevel: string;
  logCallerName: boolean;
  bodyLimitBytes: number;
  pubUrl: string | undefined;
  authToken: string | undefined;
  tracingHeader: string;
  callerHeader: string;
  /** Run user code in a worker thread (default) or in the server's thread. */
  isolation: 'worker' | 'none';
}

export const defaults = {
  host: '0.0.0.0',
  port: 7000,
  jobVersion: '0.0.0',
  homePage: '/docs',
  logLevel: 'info',
  bodyLimitBytes: 10 * 1024 * 1024,
  tracingHeader: 'x-request-tracing-id',
  callerHeader: 'x-caller-name',
  isolation: 'worker',
} as const satisfies Partial<RunnerConfig>;

type Env = Record<string, string | undefined>;

/** Resolves the runner config: overrides win over env, env over the manifest, the manifest over defaults. */
export function resolveConfig(env: Env, manifest: JobManifest | undefined, overrides: Partial<RunnerConfig> = {}): RunnerConfig {
  const extra = manifest?.jobtype_extra ?? {};
  const resolved: RunnerConfig = {
    host: env['JOB_HOST'] ?? defaults.host,
    port: intOr(env['PORT'], defaults.port, 'PORT'),
    jobName: env['JOB_NAME'] ?? manifest?.name ?? 'job',
    jobVersion: env['JOB_VERSION'] ?? manifest?.version ?? defaults.jobVersion,
    gitVersion: env['GIT_VERSION'] ?? '',
    deployedByRacetrackVersion: env['DEPLOYED_BY_RACETRACK_VERSION'] ?? '',
    jobTypeVersion: env['JOB_TYPE_VERSION'] ?? '',
    deploymentTimestamp: intOr(env['JOB_DEPLOYMENT_TIMESTAMP'], 0, 'JOB_DEPLOYMENT_TIMESTAMP'),
    homePage: typeof extra['home_page'] === 'string' ? extra['home_page'] : defaults.homePage,
    maxConcurrency: intOr(textOf(extra['max_concurrency']), 0, 'jobtype_extra.max_concurrency'),
    maxConcurrencyQueue: extra['max_concurrency_queue'] === undefined ? undefined : intOr(textOf(extra['max_concurrency_queue']), 0, 'jobtype_extra.max_concurrency_queue'),
    logLevel: env['LOG_LEVEL'] ?? defaults.logLevel,
    logCallerName: (env['LOG_CALLER_NAME'] ?? '').toLowerCase() === 'true',
    bodyLimitBytes: intOr(env['JOB_BODY_LIMIT_BYTES'], defaults.bodyLimitBytes, 'JOB_BODY_LIMIT_BYTES'),
    pubUrl: env['PUB_URL'],
    authToken: env['AUTH_TOKEN'],
    tracingHeader: (env['REQUEST_TRACING_HEADER'] ?? defaults.tracingHeader).toLowerCase(),
    callerHeader: (env['CALLER_NAME_HEADER'] ?? defaults.callerHeader).toLowerCase(),
    isolation: env['JOB_ISOLATION'] === 'none' ? 'none' : defaults.isolation,
  };
  return { ...resolved, ...withoutUndefined(overrides) };
}

function textOf(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

function intOr(text: string | undefined, fallback: number, field: string): number {
  if (text === undefined || text.trim() === '') return fallback;
  if (!/^\d+$/.test(text.trim())) throw new RacetrackError('MANIFEST_INVALID', `${field} must be a whole number, got "${text}"`);
  return Number(text.trim());
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
