/** @module JSON over fetch for Racetrack APIs: auth header, timeouts, `{"error"}` bodies turned into RacetrackError. */
import { errorStatus, RacetrackError, type ErrorCode } from '@racetrack/core';

/** How to reach one Racetrack API. */
export interface HttpOptions {
  /** Base URL every path is appended to, e.g. `http://127.0.0.1:7200/lifecycle`. */
  baseUrl: string;
  /** Sent as `X-Racetrack-Auth` when set. */
  authToken?: string | undefined;
  /** Per-request timeout; default 60 s. */
  timeoutMs?: number | undefined;
}

/** One request: method, path under the base URL, optional JSON body and query. */
export interface HttpRequest {
  method?: string;
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
  accept?: string;
}

const statusCodes: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'ALREADY_EXISTS',
  413: 'PAYLOAD_TOO_LARGE', 422: 'BAD_REQUEST', 429: 'TOO_MANY_REQUESTS', 502: 'JOB_UNREACHABLE', 503: 'UNAVAILABLE', 504: 'JOB_TIMEOUT',
};

/** Builds the full URL of a path under the base URL, with query parameters. */
export function buildUrl(baseUrl: string, path: string, query: Record<string, string | number | undefined> = {}): string {
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
  return url.toString();
}

/** Headers every request carries (spec section 4: `Accept`, plus the auth token when configured). */
export function requestHeaders(authToken: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json, */*', 'user-agent': 'racetrack-ts-client', ...extra };
  if (authToken) headers['x-racetrack-auth'] = authToken;
  return headers;
}

/** Sends a request and returns the raw response; network failures become RacetrackError('UNAVAILABLE'). */
export async function send(options: HttpOptions, request: HttpRequest): Promise<Response> {
  const url = buildUrl(options.baseUrl, request.path, request.query);
  const timeout = AbortSignal.timeout(request.timeoutMs ?? options.timeoutMs ?? 60_000);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const extra: Record<string, string> = request.body === undefined ? {} : { 'content-type': 'application/json' };
  if (request.accept) extra['accept'] = request.accept;
  try {
    return await fetch(url, {
      method: request.method ?? 'GET',
      headers: requestHeaders(options.authToken, extra),
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal,
    });
  } catch (error) {
    if (request.signal?.aborted) throw error;
    const reason = timeout.aborted ? 'timed out' : describeFetchFailure(error);
    throw new RacetrackError('UNAVAILABLE', `cannot reach ${url}: ${reason}`, { cause: error });
  }
}

/** Sends a request and parses the JSON answer; non-2xx answers throw RacetrackError with the server's message. */
export async function requestJson<T>(options: HttpOptions, request: HttpRequest): Promise<T> {
  const response = await send(options, request);
  const text = await response.text();
  if (!response.ok) throw errorFromResponse(response, text, request);
  if (text.trim() === '') return null as T;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new RacetrackError('INTERNAL', `${request.method ?? 'GET'} ${request.path}: expected JSON, got ${JSON.stringify(text.slice(0, 80))}`, { cause: error });
  }
}

/** Turns an error answer into a RacetrackError carrying the server's `error` message and code. */
export function errorFromResponse(response: Response, text: string, request: Pick<HttpRequest, 'method' | 'path'>): RacetrackError {
  let message = `${request.method ?? 'GET'} ${request.path} failed with HTTP ${response.status}`;
  let code: ErrorCode = statusCodes[response.status] ?? 'INTERNAL';
  try {
    const body = JSON.parse(text) as { error?: unknown; code?: unknown; detail?: unknown };
    if (typeof body.error === 'string') message = body.error;
    else if (body.detail !== undefined) message = `${message}: ${JSON.stringify(body.detail)}`;
    if (typeof body.code === 'string' && body.code in errorStatus) code = body.code as ErrorCode;
  } catch {
    if (text.trim() !== '') message = `${message}: ${text.trim().slice(0, 200)}`;
  }
  return new RacetrackError(code, message, { details: { httpStatus: response.status } });
}

function describeFetchFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused (is the server running?)';
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
