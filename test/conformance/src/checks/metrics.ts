/** @module Metrics checks: Prometheus text with the original runner's metric names and the job's own metrics. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { send } from '../http.ts';
import type { CheckContext } from './context.ts';

/** Names as exposed by the original (prometheus_client adds `_total` to counters). */
const GENERIC_METRICS = [
  'request_internal_errors_total',
  'request_duration',
  'requests_started_total',
  'requests_done_total',
  'endpoint_requests_started_total',
  'last_call_timestamp',
  'commons_internal_server_errors_total',
  'commons_request_duration',
  'commons_requests_started_total',
  'commons_requests_done_total',
];

/** Registers the metrics checks. */
export function metricsChecks(ctx: CheckContext): void {
  test('GET /metrics has the generic metric names in Prometheus text format', async () => {
    await send(ctx.baseUrl(), 'POST', '/api/v1/perform', ctx.sample.perform.input);
    const answer = await send(ctx.baseUrl(), 'GET', '/metrics');
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /text\/plain/);
    for (const name of GENERIC_METRICS) {
      assert.match(answer.text, new RegExp(`^# TYPE ${name} `, 'm'), `metric ${name} missing`);
    }
    const started = /^requests_started_total(?:\{[^}]*\})? (\d+(?:\.\d+)?)/m.exec(answer.text);
    assert.ok(started && Number(started[1]) >= 1, 'requests_started did not count the perform call');
    assert.match(answer.text, /^request_duration_bucket\{[^}]*endpoint="\/api\/v1\/perform"/m);
  });

  const custom = ctx.sample.customMetrics ?? [];
  if (custom.length > 0) {
    test('GET /metrics includes the job\'s own metrics', async () => {
      const answer = await send(ctx.baseUrl(), 'GET', '/metrics');
      for (const name of custom) assert.match(answer.text, new RegExp(`^${name}(\\{| )`, 'm'), `custom metric ${name} missing`);
    });
  }
}
