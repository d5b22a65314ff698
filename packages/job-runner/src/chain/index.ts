/**
 * @module callJob: call another job through PUB from inside a job, passing on the current
 * request's auth and tracing id (spec 7.7). Works in the worker thread that runs user code.
 */
import { RacetrackError, headers as racetrackHeaders } from '@racetrack/core';
import { getRequestContext } from '../context/index.ts';

/** Options of callJob. */
export interface CallJobOptions {
  /** Version or alias of the called job; default `latest`. */
  version?: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Default 10 s, as in the original. */
  timeoutMs?: number;
  /** Overrides env PUB_URL (the internal PUB base including `/pub`). */
  pubUrl?: string;
  /** Overrides the auth token (default: the caller's X-Racetrack-Auth, else env AUTH_TOKEN). */
  authToken?: string;
}

/** The chain-call settings, read from the environment of the thread running user code. */
export function resolveChainConfig(env: Record<string, string | undefined>): { pubUrl: string | undefined; authToken: string | undefined; tracingHeader: string; callerHeader: string } {
  return {
    pubUrl: env['PUB_URL'],
    authToken: env['AUTH_TOKEN'],
    tracingHeader: (env['REQUEST_TRACING_HEADER'] ?? 'x-request-tracing-id').toLowerCase(),
    callerHeader: (env['CALLER_NAME_HEADER'] ?? 'x-caller-name').toLowerCase(),
  };
}

/**
 * Calls `path` of job `jobName` through PUB and returns the parsed JSON answer.
 * @example const sum = await callJob('adder', '/api/v1/perform', { numbers: [40, 2] })
 */
export async function callJob(jobName: string, path = '/api/v1/perform', payload: unknown = undefined, options: CallJobOptions = {}): Promise<unknown> {
  const config = resolveChainConfig(process.env);
  const pubUrl = options.pubUrl ?? config.pubUrl;
  const version = options.version ?? 'latest';
  if (!pubUrl) throw new RacetrackError('BAD_REQUEST', `cannot call job "${jobName}": PUB_URL is not set (the platform sets it; set it by hand when running locally)`);
  const context = getRequestContext();
  const incoming = context?.headers ?? {};
  const outgoing: Record<string, string> = { accept: 'application/json' };
  const auth = options.authToken ?? incoming[racetrackHeaders.auth] ?? config.authToken;
  if (auth) outgoing[racetrackHeaders.auth] = auth;
  const tracing = incoming[config.tracingHeader] ?? context?.requestId;
  if (tracing) outgoing[config.tracingHeader] = tracing;
  const caller = incoming[config.callerHeader];
  if (caller) outgoing[config.callerHeader] = caller;
  const predecessor = incoming['x-recordkeeper-predecessor-id'];
  if (predecessor) outgoing['x-recordkeeper-predecessor-id'] = predecessor;
  const method = options.method ?? 'POST';
  if (payload !== undefined) outgoing['content-type'] = 'application/json';
  const url = `${pubUrl.replace(/\/+$/, '')}/job/${encodeURIComponent(jobName)}/${encodeURIComponent(version)}${path.startsWith('/') ? path : `/${path}`}`;
  const where = `job "${jobName} ${version}"`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: outgoing,
      ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new RacetrackError('JOB_UNREACHABLE', `failed to call ${where}: ${(error as Error).message}`, { cause: error });
  }
  const text = await response.text();
  if (!response.ok) throw new RacetrackError('JOB_UNREACHABLE', `failed to call ${where}: HTTP ${response.status}: ${text.slice(0, 1000)}`, { details: { upstream_status: response.status } });
  try {
    return text === '' ? null : JSON.parse(text);
  } catch (error) {
    throw new RacetrackError('JOB_UNREACHABLE', `failed to call ${where}: answer is not JSON: ${text.slice(0, 200)}`, { cause: error });
  }
}
