/** @module `racetrack call NAME ENDPOINT PAYLOAD`: call a job through PUB, or print the equivalent curl. */
import { callJobEndpoint, jobEndpointUrl } from '@racetrack/client';
import { RacetrackError } from '@racetrack/core';
import { parse } from 'yaml';
import { connect, explainAuthFailure, type CliContext } from './context.ts';

/** Parses a payload given as JSON or YAML (JSON is YAML); it must be a mapping. */
export function parsePayload(text: string): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = parse(text);
  } catch (error) {
    throw new RacetrackError('BAD_REQUEST', `PAYLOAD must be JSON or YAML: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new RacetrackError('BAD_REQUEST', `PAYLOAD must be a JSON or YAML mapping such as '{"numbers": [40, 2]}', got ${JSON.stringify(text)}`);
  }
  return payload as Record<string, unknown>;
}

/** Quotes a string for a POSIX shell. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The curl command equivalent to a job call. */
export function curlCommand(url: string, payload: unknown, authToken: string | undefined): string {
  const parts = ['curl', '-X', 'POST', shellQuote(url), '-H', shellQuote('Content-Type: application/json'), '-H', shellQuote('Accept: application/json, */*')];
  if (authToken) parts.push('-H', shellQuote(`X-Racetrack-Auth: ${authToken}`));
  parts.push('-d', shellQuote(JSON.stringify(payload)));
  return parts.join(' ');
}

/** Calls the job (or prints `--curl`), pretty-printing a JSON answer. */
export async function callCommand(context: CliContext, name: string, endpoint: string, payloadText: string, options: { remote?: string; version: string; curl?: boolean }): Promise<void> {
  const payload = parsePayload(payloadText);
  const connection = await connect(context, options.remote);
  let pubUrl: string;
  try {
    pubUrl = (await connection.client.getJob(name, options.version)).pub_url;
  } catch (error) {
    throw explainAuthFailure(error, connection);
  }
  if (options.curl) {
    context.out(`${curlCommand(jobEndpointUrl(pubUrl, endpoint), payload, connection.authToken)}\n`);
    return;
  }
  const result = await callJobEndpoint({ pubUrl, endpoint, payload, authToken: connection.authToken });
  const shown = typeof result.body === 'string' ? result.body : JSON.stringify(result.body, null, 2);
  if (!result.ok) {
    const message = typeof result.body === 'object' && result.body !== null && 'error' in result.body ? String((result.body as { error: unknown }).error) : shown.slice(0, 300);
    throw new RacetrackError(result.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST', `${name} answered HTTP ${result.status}: ${message}`);
  }
  context.out(`${shown}\n`);
}
