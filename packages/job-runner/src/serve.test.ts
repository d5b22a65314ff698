import { test, after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { JobServer } from './serve.ts';
import type { JobSchema } from './schema/types.ts';
import { serveJob } from './serve.ts';
import { captureLogs, getJson, post, startFixture, waitFor } from './testing/harness.ts';

const basicSchema: JobSchema = {
  schemaVersion: 1,
  className: 'Basic',
  exportName: 'default',
  methods: {
    perform: {
      name: 'perform',
      description: 'Adds numbers.',
      parameters: [
        { name: 'numbers', type: 'number[]', required: true, description: 'values to add', schema: { type: 'array', items: { type: 'number' } } },
        { name: 'scale', type: 'number', required: false, default: 1, schema: { type: 'number' } },
      ],
      input: {
        type: 'object',
        properties: { numbers: { type: 'array', items: { type: 'number' } }, scale: { type: 'number', default: 1 } },
        required: ['numbers'],
        additionalProperties: false,
      },
      output: { type: 'number' },
    },
  },
};

describe('a job served from a file in a worker thread', () => {
  let job: JobServer;
  const logs = captureLogs();
  before(async () => {
    job = await startFixture('basic', { schema: basicSchema, logger: logs.logger, env: { JOB_NAME: 'adder', JOB_VERSION: '1.2.3', JOB_DEPLOYMENT_TIMESTAMP: '1654779364', GIT_VERSION: 'abc123', DEPLOYED_BY_RACETRACK_VERSION: '2.36.0' }, overrides: { bodyLimitBytes: 1000 } });
    await job.started;
  });
  after(() => job.close());

  test('maps JSON keys to perform parameters, honouring defaults', async () => {
    assert.deepEqual(await post(`${job.url}/api/v1/perform`, '{"numbers": [40, 2]}').then((r) => [r.status, r.body]), [200, 42]);
    assert.deepEqual(await post(`${job.url}/api/v1/perform`, '{"numbers": [1, 2], "scale": 10}').then((r) => r.body), 30);
  });

  test('answers many concurrent calls (batched to the worker) each with its own result', async () => {
    const answers = await Promise.all(Array.from({ length: 64 }, (_, i) => post(`${job.url}/api/v1/perform`, JSON.stringify({ numbers: [i + 100, 1] }))));
    assert.deepEqual(answers.map((a) => a.body), Array.from({ length: 64 }, (_, i) => i + 101));
    const mixed = await Promise.all([post(`${job.url}/api/v1/perform`, '{"numbers": [13]}'), post(`${job.url}/api/v1/perform`, '{"numbers": [2]}')]);
    assert.deepEqual(mixed.map((a) => a.status), [500, 200]);
  });

  test('answers under /pub/job/{name}/{any version} and /pub/fatman/...', async () => {
    for (const base of ['/pub/job/adder/latest', '/pub/job/adder/1.x', '/pub/fatman/adder/1.2.3']) {
      const response = await post(`${job.url}${base}/api/v1/perform`, '{"numbers": [1]}');
      assert.equal(response.status, 200, base);
      assert.equal(response.body, 1);
    }
  });

  test('rejects invalid input with 400 naming the field', async () => {
    const wrongType = await post(`${job.url}/api/v1/perform`, '{"numbers": "many"}');
    assert.equal(wrongType.status, 400);
    assert.deepEqual(wrongType.body, { error: 'parameter "numbers" must be array', type: 'ValidationError' });
    const missing = await post(`${job.url}/api/v1/perform`, '{}');
    assert.match((missing.body as { error: string }).error, /missing required parameter "numbers"/);
    const unknown = await post(`${job.url}/api/v1/perform`, '{"numbers": [], "extra": 1}');
    assert.match((unknown.body as { error: string }).error, /unexpected parameter "extra"/);
    const nested = await post(`${job.url}/api/v1/perform`, '{"numbers": [1, "2"]}');
    assert.match((nested.body as { error: string }).error, /"numbers\/1" must be number/);
    const notObject = await post(`${job.url}/api/v1/perform`, '[1, 2]');
    assert.equal(notObject.status, 400);
  });

  test('answers malformed JSON and oversized bodies with a clear 4xx', async () => {
    const malformed = await post(`${job.url}/api/v1/perform`, '{"numbers": [1,');
    assert.equal(malformed.status, 400);
    assert.match((malformed.body as { error: string }).error, /not valid JSON/);
    for (const poisoned of ['{"numbers": [1], "__proto__": {"x": 1}}', '{"numbers": [1], "\\u005f_proto__": {"x": 1}}']) {
      assert.equal((await post(`${job.url}/api/v1/perform`, poisoned)).status, 400, `refused: ${poisoned}`);
    }
    const big = await post(`${job.url}/api/v1/perform`, JSON.stringify({ numbers: Array.from({ length: 500 }, () => 1) }));
    assert.equal(big.status, 413);
    assert.equal((big.body as { type: string }).type, 'FST_ERR_CTP_BODY_TOO_LARGE');
  });

  test('turns an exception in user code into 500 {error, type}, or the status the error carries', async () => {
    const failed = await post(`${job.url}/api/v1/perform`, '{"numbers": [13]}', { 'x-request-tracing-id': 'trace-13' });
    assert.equal(failed.status, 500);
    assert.deepEqual(failed.body, { error: 'unlucky 13', type: 'LuckError' });
    const logged = await waitFor(() => logs.lines.find((l) => l['request_id'] === 'trace-13' && l['level'] === 50), 5000, 'error log');
    assert.match(String((logged['err'] as { stack?: string }).stack), /unlucky 13[\s\S]*fixtures\/basic\.ts/);
    const rejected = await post(`${job.url}/api/v1/perform`, '{"numbers": [-1]}');
    assert.equal(rejected.status, 422);
    const health = await getJson(`${job.url}/health`);
    assert.equal(health.status, 200, 'a failing call does not make the job unhealthy');
  });

  test('answers another method on a POST endpoint with 405 and Allow: POST', async () => {
    for (const url of [`${job.url}/api/v1/perform`, `${job.url}/pub/job/adder/1.2.3/api/v1/perform`]) {
      const answer = await fetch(url);
      assert.equal(answer.status, 405);
      assert.equal(answer.headers.get('allow'), 'POST');
      assert.equal(((await answer.json()) as { type: string }).type, 'MethodNotAllowed');
    }
    const missing = await fetch(`${job.url}/api/v1/perform`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    assert.deepEqual([missing.status, ((await missing.json()) as { error: string }).error], [400, 'missing required parameter "numbers"'], 'an empty body is {} and validated as such');
  });

  test('lists parameters at /api/v1/parameters and /parameters', async () => {
    const expected = [
      { name: 'numbers', type: 'number[]', required: true, description: 'values to add' },
      { name: 'scale', type: 'number', required: false, default_value: 1 },
    ];
    assert.deepEqual((await fetch(`${job.url}/api/v1/parameters`).then((r) => r.json())), expected);
    assert.deepEqual((await fetch(`${job.url}/pub/job/adder/latest/parameters`).then((r) => r.json())), expected);
  });

  test('reports /live, /ready and /health with the deployment facts from the environment', async () => {
    assert.deepEqual(await getJson(`${job.url}/live`), { status: 200, body: { live: true, status: 'live', deployment_timestamp: 1654779364 } });
    assert.deepEqual((await getJson(`${job.url}/ready`)).body, { ready: true, status: 'ready' });
    assert.equal((await getJson(`${job.url}/live/`)).status, 200, 'a trailing slash is tolerated');
    assert.equal((await fetch(`${job.url}/metrics/`)).status, 200);
    const health = await getJson(`${job.url}/pub/job/adder/latest/health`);
    assert.deepEqual(health.body, {
      service: 'job', job_name: 'adder', live: true, ready: true, status: 'pass', error: null, job_version: '1.2.3',
      git_version: 'abc123', deployed_by_racetrack_version: '2.36.0', deployment_timestamp: 1654779364, job_type_version: '',
    });
  });
});

describe('starting and failing entrypoints', () => {
  const servers: JobServer[] = [];
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'job-runner-'));
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await rm(tmp, { recursive: true, force: true });
  });

  test('answers live but "not ready yet" while async init() runs, then ready', async () => {
    const release = path.join(tmp, 'release');
    process.env['RELEASE_FILE'] = release;
    const job = await startFixture('slow-init');
    servers.push(job);
    const ready = await getJson(`${job.url}/ready`);
    assert.equal(ready.status, 500);
    assert.equal(ready.body['ready'], false);
    assert.equal(ready.body['status'], 'not ready yet');
    assert.equal((await getJson(`${job.url}/live`)).status, 200);
    assert.equal((await post(`${job.url}/api/v1/perform`, '{}')).status, 503);
    await writeFile(release, '');
    await waitFor(async () => (await getJson(`${job.url}/ready`)).status === 200, 10_000, 'ready');
    assert.equal((await post(`${job.url}/api/v1/perform`, undefined)).body, 'initialised');
  });

  test('reports a failing constructor through /live and /health instead of exiting', async () => {
    const logs = captureLogs();
    const job = await startFixture('broken', { logger: logs.logger });
    servers.push(job);
    await job.started;
    const logged = logs.lines.find((l) => l['msg'] === 'job entrypoint failed to start');
    assert.match(JSON.stringify(logged), /model file missing/);
    const live = await getJson(`${job.url}/live`);
    assert.equal(live.status, 500);
    assert.equal(live.body['live'], false);
    assert.match(String(live.body['error']), /model file missing/);
    const health = await getJson(`${job.url}/health`);
    assert.equal(health.body['status'], 'fail');
    assert.match(String(health.body['error']), /model file missing/);
  });

  test('keeps probes answering within 1 s while perform burns the CPU for 3 s', async () => {
    const job = await startFixture('cpu');
    servers.push(job);
    await job.started;
    let done = false;
    const burning = post(`${job.url}/api/v1/perform`, '{"ms": 3000}').then((r) => {
      done = true;
      return r;
    });
    await waitFor(async () => (await fetch(`${job.url}/metrics`).then((r) => r.text())).includes('requests_in_flight{endpoint="/api/v1/perform"} 1'), 5000, 'perform in flight');
    let probes = 0;
    while (!done && probes < 10) {
      const started = performance.now();
      const live = await fetch(`${job.url}/live`, { signal: AbortSignal.timeout(1000) });
      assert.equal(live.status, 200);
      assert.ok(performance.now() - started < 1000);
      probes++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(done, false, 'perform was still running while probes answered');
    assert.equal((await burning).status, 200);
  });

  test('chooses a named class and reads parameter names from the source without a schema', async () => {
    const job = await startFixture('basic', { className: 'Other' });
    servers.push(job);
    await job.started;
    assert.equal((await post(`${job.url}/api/v1/perform`, '{"name": "racetrack"}')).body, 'hello racetrack');
    assert.equal((await post(`${job.url}/api/v1/perform`, '{}')).body, 'hello world');
    const empty = await fetch(`${job.url}/api/v1/perform`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    assert.deepEqual([empty.status, await empty.json()], [200, 'hello world'], 'an empty JSON body is {}');
    assert.deepEqual(await fetch(`${job.url}/parameters`).then((r) => r.json()), [{ name: 'name', type: 'any', required: false, default_value: null }]);
  });

  test('serveJob serves a class in the same thread', async () => {
    class Greeter {
      perform(who: string): string {
        return `hi ${who}`;
      }
    }
    const job = await serveJob(Greeter, { port: 0, host: '127.0.0.1', env: {} , logger: (await import('./testing/harness.ts')).captureLogs().logger });
    servers.push(job);
    await job.started;
    assert.equal((await post(`${job.url}/api/v1/perform`, '{"who": "you"}')).body, 'hi you');
  });
});
