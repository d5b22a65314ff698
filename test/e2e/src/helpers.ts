/** @module Shared bits of the end-to-end suite: which adder to deploy and how to call it through PUB. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@racetrack/testkit';

/** The sample adder of the README, or this suite's own copy while the sample is missing. */
export const adderDir = existsSync(join(repoRoot, 'samples/adder/job.yaml'))
  ? join(repoRoot, 'samples/adder')
  : join(repoRoot, 'test/e2e/fixtures/adder');

export const fixture = (name: string) => join(repoRoot, 'test/e2e/fixtures', name);

/** POSTs numbers to the adder's perform endpoint through PUB; returns status and parsed body. */
export async function callAdder(pubUrl: string, version: string, numbers: number[]): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${pubUrl}/job/adder/${version}/api/v1/perform`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ numbers }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the assertion message
  }
  return { status: response.status, body, headers: response.headers };
}

/** GETs a lifecycle JSON resource. */
export async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}
