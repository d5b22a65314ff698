/** @module Probe checks: /live, /ready, /health shapes and the PUB mount. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { send } from '../http.ts';
import type { CheckContext } from './context.ts';

/** Registers the probe checks. */
export function probeChecks(ctx: CheckContext): void {
  test('GET /live answers 200 {live: true, deployment_timestamp}', async () => {
    const answer = await send(ctx.baseUrl(), 'GET', '/live');
    assert.equal(answer.status, 200, answer.text);
    const body = answer.json as Record<string, unknown>;
    assert.equal(body['live'], true);
    const timestamp = body['deployment_timestamp'];
    assert.ok(timestamp === null || typeof timestamp === 'number', `deployment_timestamp must be a number (unix seconds) or null, got ${JSON.stringify(timestamp)}`);
  });

  test('GET /ready answers 200 {ready: true} once loaded', async () => {
    const answer = await send(ctx.baseUrl(), 'GET', '/ready');
    assert.equal(answer.status, 200, answer.text);
    assert.equal((answer.json as Record<string, unknown>)['ready'], true);
  });

  test('GET /health reports service, name, versions and status pass', async () => {
    const answer = await send(ctx.baseUrl(), 'GET', '/health');
    assert.equal(answer.status, 200, answer.text);
    const body = answer.json as Record<string, unknown>;
    assert.equal(body['service'], 'job');
    assert.equal(body['job_name'], ctx.sample.jobName);
    assert.equal(body['status'], 'pass');
    assert.equal(body['live'], true);
    assert.equal(body['ready'], true);
    for (const field of ['job_version', 'git_version', 'deployed_by_racetrack_version', 'deployment_timestamp']) {
      assert.ok(field in body, `/health lacks ${field}`);
    }
  });

  test('probes and perform also answer under /pub/job/{name}/{any version}', { skip: ctx.viaPub && 'already called through PUB' }, async () => {
    for (const version of ['latest', '0.0.1', '9.9.9-beta']) {
      const mount = `/pub/job/${ctx.sample.jobName}/${version}`;
      const health = await send(ctx.baseUrl(), 'GET', `${mount}/health`);
      assert.equal(health.status, 200, `${mount}/health: ${health.text}`);
      const perform = await send(ctx.baseUrl(), 'POST', `${mount}/api/v1/perform`, ctx.sample.perform.input);
      assert.equal(perform.status, 200, `${mount}/api/v1/perform: ${perform.text}`);
      assert.deepEqual(perform.json, ctx.sample.perform.output);
    }
  });

  test('GET / redirects to the home page under the PUB mount', async () => {
    const answer = await send(ctx.baseUrl(), 'GET', '/');
    assert.ok([301, 302, 303, 307, 308].includes(answer.status), `expected a redirect, got ${answer.status}`);
    const location = String(answer.headers['location'] ?? '');
    assert.ok(location.startsWith(`/pub/job/${ctx.sample.jobName}/`), `redirect target ${location}`);
  });
}

/** Registers the check that probes stay responsive while perform burns CPU. */
export function cpuBoundProbeChecks(ctx: CheckContext): void {
  const input = ctx.sample.cpuBoundInput;
  if (!input) return;
  test('/live answers within 1 s while perform keeps a CPU busy', async () => {
    const busy = send(ctx.baseUrl(), 'POST', '/api/v1/perform', input);
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the call start burning
    const latencies: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const live = await send(ctx.baseUrl(), 'GET', '/live');
      latencies.push(performance.now() - started);
      assert.equal(live.status, 200);
    }
    const answer = await busy;
    assert.equal(answer.status, 200, answer.text);
    assert.ok(Math.max(...latencies) < 1000, `/live took ${latencies.map((l) => l.toFixed(0)).join(', ')} ms`);
  });
}
