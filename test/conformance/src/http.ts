/** @module Minimal HTTP client for the suite: raw paths (no URL normalisation of `..`) and parsed bodies. */
import { request } from 'node:http';

/** A received answer with its body as text and, when JSON, parsed. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** Sends one request to `baseUrl` + `path` exactly as written (so `%2e%2e` reaches the server untouched). */
export function send(baseUrl: string, method: string, path: string, body?: unknown, rawBody?: string): Promise<Answer> {
  const url = new URL(baseUrl);
  const payload = rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  const basePath = url.pathname.replace(/\/$/, '');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: basePath + path,
        headers: {
          accept: 'application/json, text/html, */*',
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined; // not every answer is JSON (docs, metrics, static files)
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Polls `path` until it answers 200 or the deadline passes; throws with the last answer. */
export async function waitFor200(baseUrl: string, path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const answer = await send(baseUrl, 'GET', path);
      if (answer.status === 200) return;
      last = `${answer.status} ${answer.text.slice(0, 300)}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${baseUrl}${path} not 200 within ${timeoutMs} ms; last: ${last}`);
}

/** The `error` string of a JSON error body (fails when the body is not one). */
export function errorMessage(answer: Answer): string {
  const body = answer.json as { error?: unknown } | undefined;
  if (typeof body?.error !== 'string') throw new Error(`expected a JSON body with an "error" string, got: ${answer.text.slice(0, 300)}`);
  return body.error;
}
