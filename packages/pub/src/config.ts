/** @module PUB configuration: every setting, its environment variable and its default, in one place. */
import { RacetrackError } from '@racetrack/core';

/** Everything PUB needs to run; produced by `resolvePubConfig`. */
export interface PubConfig {
  /** Base URL of lifecycle, whose `GET {lifecycleUrl}/api/v1/job` lists the jobs. */
  lifecycleUrl: string;
  /** Token sent as `X-Racetrack-Auth` to lifecycle when listing jobs (internal token); none when empty. */
  lifecycleToken: string;
  /** How long an upstream job may take to send headers (and between body chunks) before 504. */
  requestTimeoutMs: number;
  /** How often the routing table is refreshed from lifecycle in the background. */
  refreshIntervalMs: number;
  /** Minimum gap between two refreshes triggered by a miss (unknown job or version, job not running). */
  missRefreshMinIntervalMs: number;
  /** Longest a miss waits for that rate limit before answering from the table it has (404/503). */
  missWaitMaxMs: number;
  /** Timeout of one lifecycle listing call. */
  lifecycleTimeoutMs: number;
  /** Request bodies with a Content-Length up to this many bytes are read whole before forwarding; larger or chunked ones stream. 0 streams all. */
  bufferBodyUpTo: number;
  /** HTTP client towards jobs: `lean` (PUB's own HTTP/1.1 client, cheaper per call; http only) or `undici`. */
  upstreamClient: 'undici' | 'lean';
  /** Maximum open keep-alive connections per job instance. */
  upstreamConnections: number;
  /** Time to establish a TCP connection to a job instance before 502. */
  connectTimeoutMs: number;
  /** Protocol used to reach job instances. */
  forwardToProtocol: 'http' | 'https';
  /** Header carrying the request tracing id (lowercase). */
  tracingHeader: string;
  /** Header carrying the caller's name (lowercase), passed through to the job. */
  callerNameHeader: string;
  /** Version reported by `/health`. */
  version: string;
  /** Reported by `/health`; PUB does not check tokens yet. */
  authRequired: boolean;
  logLevel: string;
}

/** Defaults, the only place they are written down. */
export const pubDefaults: PubConfig = {
  lifecycleUrl: 'http://127.0.0.1:7200/lifecycle',
  lifecycleToken: '',
  requestTimeoutMs: 300_000,
  refreshIntervalMs: 1_000,
  missRefreshMinIntervalMs: 250,
  missWaitMaxMs: 1_000,
  lifecycleTimeoutMs: 5_000,
  upstreamConnections: 128,
  upstreamClient: 'lean',
  bufferBodyUpTo: 65_536,
  connectTimeoutMs: 10_000,
  forwardToProtocol: 'http',
  tracingHeader: 'x-request-tracing-id',
  callerNameHeader: 'x-caller-name',
  version: '0.1.0',
  authRequired: false,
  logLevel: 'info',
};

type Env = Record<string, string | undefined>;

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new RacetrackError('BAD_REQUEST', `environment variable ${name} must be a positive integer (milliseconds or a count), got "${raw}"`);
  }
  return value;
}

function nonNegativeInt(env: Env, name: string, fallback: number): number {
  return env[name] === '0' ? 0 : positiveInt(env, name, fallback);
}

/**
 * Reads PUB settings from `env` (e.g. `process.env`), then applies `overrides`.
 * Variables: LIFECYCLE_URL, LIFECYCLE_AUTH_TOKEN, PUB_REQUEST_TIMEOUT_MS, PUB_REFRESH_INTERVAL_MS,
 * PUB_MISS_REFRESH_MIN_INTERVAL_MS, PUB_MISS_WAIT_MAX_MS, PUB_LIFECYCLE_TIMEOUT_MS, PUB_UPSTREAM_CONNECTIONS, PUB_UPSTREAM_CLIENT, PUB_BUFFER_BODY_UP_TO, PUB_CONNECT_TIMEOUT_MS,
 * FORWARD_TO_PROTOCOL, REQUEST_TRACING_HEADER, CALLER_NAME_HEADER, GIT_VERSION, AUTH_REQUIRED, LOG_LEVEL.
 */
export function resolvePubConfig(env: Env = {}, overrides: Partial<PubConfig> = {}): PubConfig {
  const protocol = env['FORWARD_TO_PROTOCOL'] ?? pubDefaults.forwardToProtocol;
  if (protocol !== 'http' && protocol !== 'https') {
    throw new RacetrackError('BAD_REQUEST', `FORWARD_TO_PROTOCOL must be "http" or "https", got "${protocol}"`);
  }
  const client = env['PUB_UPSTREAM_CLIENT'] ?? pubDefaults.upstreamClient;
  if (client !== 'undici' && client !== 'lean') {
    throw new RacetrackError('BAD_REQUEST', `PUB_UPSTREAM_CLIENT must be "lean" or "undici", got "${client}"`);
  }
  const fromEnv: PubConfig = {
    lifecycleUrl: env['LIFECYCLE_URL'] || pubDefaults.lifecycleUrl,
    lifecycleToken: env['LIFECYCLE_AUTH_TOKEN'] ?? pubDefaults.lifecycleToken,
    requestTimeoutMs: positiveInt(env, 'PUB_REQUEST_TIMEOUT_MS', pubDefaults.requestTimeoutMs),
    refreshIntervalMs: positiveInt(env, 'PUB_REFRESH_INTERVAL_MS', pubDefaults.refreshIntervalMs),
    missRefreshMinIntervalMs: positiveInt(env, 'PUB_MISS_REFRESH_MIN_INTERVAL_MS', pubDefaults.missRefreshMinIntervalMs),
    missWaitMaxMs: nonNegativeInt(env, 'PUB_MISS_WAIT_MAX_MS', pubDefaults.missWaitMaxMs),
    lifecycleTimeoutMs: positiveInt(env, 'PUB_LIFECYCLE_TIMEOUT_MS', pubDefaults.lifecycleTimeoutMs),
    upstreamConnections: positiveInt(env, 'PUB_UPSTREAM_CONNECTIONS', pubDefaults.upstreamConnections),
    upstreamClient: client,
    bufferBodyUpTo: nonNegativeInt(env, 'PUB_BUFFER_BODY_UP_TO', pubDefaults.bufferBodyUpTo),
    connectTimeoutMs: positiveInt(env, 'PUB_CONNECT_TIMEOUT_MS', pubDefaults.connectTimeoutMs),
    forwardToProtocol: protocol,
    tracingHeader: (env['REQUEST_TRACING_HEADER'] || pubDefaults.tracingHeader).toLowerCase(),
    callerNameHeader: (env['CALLER_NAME_HEADER'] || pubDefaults.callerNameHeader).toLowerCase(),
    version: env['GIT_VERSION'] || pubDefaults.version,
    authRequired: env['AUTH_REQUIRED'] === 'true',
    logLevel: env['LOG_LEVEL'] || pubDefaults.logLevel,
  };
  const merged = { ...fromEnv, ...overrides };
  merged.lifecycleUrl = merged.lifecycleUrl.replace(/\/+$/, '');
  merged.tracingHeader = merged.tracingHeader.toLowerCase();
  merged.callerNameHeader = merged.callerNameHeader.toLowerCase();
  return merged;
}
