/** @module Calling a job endpoint through PUB (what `racetrack call` does). */
import { requestHeaders } from '../http/index.ts';

/** The answer of a job call: HTTP status and the body, parsed when it is JSON. */
export interface JobCallResult {
  status: number;
  ok: boolean;
  body: unknown;
  text: string;
}

/** Full URL of an endpoint of a job, from its `pub_url` (`.../pub/job/<name>/<version>`). */
export function jobEndpointUrl(pubUrl: string, endpoint: string): string {
  return `${pubUrl.replace(/\/+$/, '')}/${endpoint.replace(/^\/+/, '')}`;
}

/** POSTs a JSON payload to a job endpoint with the auth header. */
export async function callJobEndpoint(options: { pubUrl: string; endpoint: string; payload: unknown; authToken?: string | undefined; timeoutMs?: number }): Promise<JobCallResult> {
  const response = await fetch(jobEndpointUrl(options.pubUrl, options.endpoint), {
    method: 'POST',
    headers: requestHeaders(options.authToken, { 'content-type': 'application/json' }),
    body: JSON.stringify(options.payload),
    signal: AbortSignal.timeout(options.timeoutMs ?? 10 * 60_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the caller prints the text as it came.
  }
  return { status: response.status, ok: response.ok, body, text };
}
