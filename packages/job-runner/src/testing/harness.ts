/** @module Test helpers: start a fixture job, call it, and poll for a condition with a deadline. */
import { fileURLToPath } from 'node:url';
import { serveJobFile, type JobServer, type ServeOptions } from '../serve.ts';
import { createLogger } from '@racetrack/core';
import { Writable } from 'node:stream';

/** Absolute path of a fixture job file. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));
}

/** Serves a fixture on a random port with quiet logs unless a logger is given. */
export function startFixture(name: string, options: ServeOptions & { className?: string } = {}): Promise<JobServer> {
  return serveJobFile(fixture(name), { port: 0, host: '127.0.0.1', logger: options.logger ?? captureLogs().logger, env: {}, ...options });
}

/** A logger whose JSON lines are collected in `lines`. */
export function captureLogs(options: { level?: string } = {}): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('job', { level: options.level ?? 'info', destination }), lines };
}

/** POSTs a JSON text (or nothing) and returns status, parsed body and headers. */
export async function post(url: string, body: string | undefined, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: response.headers };
}

/** GETs a URL and returns status and parsed JSON body. */
export async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Polls `check` until it returns a truthy value or `deadlineMs` passes. */
export async function waitFor<T>(check: () => Promise<T> | T, deadlineMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
