/** @module Pure helpers of the proxy: Location rewriting, job URL parsing, config resolution. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostRelativeLocation } from './headers.ts';
import { parseJobUrl } from '../gateway.ts';
import { resolvePubConfig } from '../config.ts';

test('absolute Location URLs lose scheme and host; relative ones are kept', () => {
  assert.equal(hostRelativeLocation('http://10.0.0.5:7000/pub/job/a/1.0.0/docs?x=1#h'), '/pub/job/a/1.0.0/docs?x=1#h');
  assert.equal(hostRelativeLocation('https://job.internal'), '/');
  assert.equal(hostRelativeLocation('/already/relative'), '/already/relative');
  assert.equal(hostRelativeLocation('docs/'), 'docs/');
});

test('job URLs split into name, version and the untouched rest', () => {
  const offset = '/pub/job/'.length;
  assert.deepEqual(parseJobUrl('/pub/job/adder/latest/api/v1/perform?a=%20', offset), { name: 'adder', version: 'latest', rest: '/api/v1/perform?a=%20' });
  assert.deepEqual(parseJobUrl('/pub/job/adder/1.x?q', offset), { name: 'adder', version: '1.x', rest: '?q' });
  assert.deepEqual(parseJobUrl('/pub/job/adder/1.0.0', offset), { name: 'adder', version: '1.0.0', rest: '' });
  assert.equal(parseJobUrl('/pub/job/adder/', offset), undefined);
  assert.equal(parseJobUrl('/pub/job/%E0%A4%A/1.0.0', offset), undefined);
});

test('config comes from the environment with defaults, and rejects nonsense with the variable name', () => {
  const config = resolvePubConfig({ LIFECYCLE_URL: 'http://lc:1/lifecycle/', PUB_REQUEST_TIMEOUT_MS: '1500', REQUEST_TRACING_HEADER: 'Traceparent' });
  assert.equal(config.lifecycleUrl, 'http://lc:1/lifecycle');
  assert.equal(config.requestTimeoutMs, 1500);
  assert.equal(config.refreshIntervalMs, 1000);
  assert.equal(config.tracingHeader, 'traceparent');
  assert.throws(() => resolvePubConfig({ PUB_REFRESH_INTERVAL_MS: 'soon' }), /PUB_REFRESH_INTERVAL_MS must be a positive integer/);
  assert.equal(resolvePubConfig({}, { refreshIntervalMs: 5 }).refreshIntervalMs, 5);
});
