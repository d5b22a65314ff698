import { test, after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { JobServer } from '../serve.ts';
import { captureLogs, getJson, post, startFixture, waitFor } from '../testing/harness.ts';

const yaml = 'name: features\nowner_email: sample@example.com\nversion: 0.3.0\njobtype: node:latest\n';

/** A job directory with the files the fixture's staticEndpoints() and static/ name; returns [tmp, root]. */
async function makeRoot(): Promise<[string, string]> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'job-features-'));
  const root = path.join(tmp, 'job');
  await mkdir(path.join(root, 'assets', 'sub'), { recursive: true });
  await mkdir(path.join(root, 'static'), { recursive: true });
  await writeFile(path.join(root, 'job.yaml'), yaml);
  await writeFile(path.join(root, 'README.md'), '# features\n');
  await writeFile(path.join(root, 'assets', 'sub', 'data.json'), '{"a":1}');
  await writeFile(path.join(root, 'static', 'style.css'), 'body { color: red }');
  await writeFile(path.join(tmp, 'outside.txt'), 'secret');
  return [tmp, root];
}

describe('auxiliary, static and webview endpoints, docs, metrics, chain calls and logs', () => {
  let job: JobServer;
  let tmp: string;
  let pub: http.Server;
  const seen: { url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const logs = captureLogs();

  before(async () => {
    const [dir, root] = await makeRoot();
    tmp = dir;
    pub = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ url: request.url ?? '', headers: request.headers, body });
        response.setHeader('content-type', 'application/json');
        response.end('42');
      });
    });
    await new Promise<void>((resolve) => pub.listen(0, '127.0.0.1', resolve));
    process.env['PUB_URL'] = `http://127.0.0.1:${(pub.address() as AddressInfo).port}/pub`;
    process.env['SAMPLE_RUNTIME_SETTING'] = 'from runtime_env';
    job = await startFixture('features', { rootDir: root, logger: logs.logger, env: { LOG_CALLER_NAME: 'true' } });
    await job.started;
    assert.equal(job.state.ready, true, String(job.state.error));
  });
  after(async () => {
    await job.close();
    await new Promise((resolve) => pub.close(resolve));
    await rm(tmp, { recursive: true, force: true });
  });

  test('user code sees the process environment (runtime_env)', async () => {
    assert.equal((await post(`${job.url}/api/v1/env`, '{"name": "SAMPLE_RUNTIME_SETTING"}')).body, 'from runtime_env');
  });

  test('serves auxiliary endpoints with the same parameter mapping and validation', async () => {
    assert.deepEqual((await post(`${job.url}/api/v1/explain`, '{"x": 1, "y": 3}')).body, { x_importance: 0.25, y_importance: 0.75 });
    const missing = await post(`${job.url}/pub/job/features/latest/api/v1/explain`, '{"x": 1}');
    assert.equal(missing.status, 400);
    assert.match((missing.body as { error: string }).error, /missing required parameter "y"/);
  });

  test('documents every endpoint in OpenAPI with examples, and serves Swagger UI under each mount', async () => {
    const spec = (await getJson(`${job.url}/docs/json`)).body as { info: { title: string; version: string }; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { example?: unknown }> } }>> };
    assert.equal(spec.info.title, 'Job - features');
    assert.equal(spec.info.version, '0.3.0');
    assert.ok(spec.paths['/api/v1/perform']?.['post']);
    assert.deepEqual(spec.paths['/api/v1/explain']?.['post']?.requestBody?.content['application/json']?.example, { x: 1, y: 2 });
    assert.ok(!Object.keys(spec.paths).some((p) => p.startsWith('/pub/')), 'mounts under /pub are not listed twice');
    const ui = await fetch(`${job.url}/pub/job/features/latest/docs`);
    assert.equal(ui.url, `${job.url}/pub/job/features/latest/docs/`, 'redirected to the form whose relative asset links work through PUB');
    assert.equal(ui.status, 200);
    const page = await ui.text();
    assert.match(page, /href="\.\/static\/swagger-ui\.css"/);
    assert.match(page, /<title>Job - features<\/title>/);
    for (const base of ['', '/pub/job/features/latest']) {
      const openapi = await getJson(`${job.url}${base}/openapi.json`);
      assert.equal(openapi.status, 200, 'also at FastAPI\'s path');
      assert.deepEqual([(openapi.body['info'] as { title: string }).title, openapi.body['servers']], ['Job - features', [{ url: base || '/' }]]);
    }
    assert.equal((await fetch(`${job.url}/pub/job/features/latest/docs/static/swagger-ui.css`)).status, 200);
    const home = await fetch(`${job.url}/`, { redirect: 'manual' });
    assert.equal(home.status, 307);
    assert.equal(home.headers.get('location'), '/pub/job/features/0.3.0/docs');
  });

  test('serves static files and directories with their mimetype, refusing paths outside the job', async () => {
    const manifest = await fetch(`${job.url}/api/v1/manifest`);
    assert.equal(manifest.headers.get('content-type'), 'application/x-yaml');
    assert.equal(await manifest.text(), yaml);
    const readme = await fetch(`${job.url}/pub/job/features/latest/api/v1/readme`);
    assert.equal(readme.headers.get('content-type'), 'text/markdown');
    const data = await fetch(`${job.url}/api/v1/assets/sub/data.json`);
    assert.equal(data.headers.get('content-type'), 'application/json');
    assert.equal(await data.text(), '{"a":1}');
    assert.equal((await fetch(`${job.url}/api/v1/assets/..%2f..%2foutside.txt`)).status, 404);
    assert.equal((await fetch(`${job.url}/api/v1/escape`)).status, 404);
    const raw = await new Promise<number>((resolve, reject) => {
      http.get(`${job.url}/api/v1/assets/../../outside.txt`, (response) => resolve(response.statusCode ?? 0)).on('error', reject);
    });
    assert.notEqual(raw, 200);
  });

  test('passes webview requests to the webviewApp handler and serves static/', async () => {
    const page = await fetch(`${job.url}/api/v1/webview/`);
    assert.equal(page.headers.get('content-type'), 'text/html');
    assert.match(await page.text(), /href="\/pub\/job\/features\/0\.3\.0\/api\/v1\/webview\/static\/style\.css"/);
    const posted = await post(`${job.url}/pub/job/features/latest/api/v1/webview/postme`, '{"a": 1}');
    assert.deepEqual(posted.body, { hello: { a: 1 }, path: '/pub/job/features/latest/api/v1/webview/postme' });
    const css = await fetch(`${job.url}/api/v1/webview/static/style.css`);
    assert.equal(css.headers.get('content-type'), 'text/css');
    assert.equal(await css.text(), 'body { color: red }');
  });

  test('exports call metrics and the user metrics() at /metrics', async () => {
    await post(`${job.url}/api/v1/explain`, '{"x": 1, "y": 1}');
    const text = await fetch(`${job.url}/metrics`).then((r) => r.text());
    assert.match(text, /^requests_started_total \d+/m);
    assert.match(text, /^endpoint_requests_started_total\{endpoint="\/api\/v1\/explain"\} \d+/m);
    assert.match(text, /^request_duration_count\{endpoint="\/api\/v1\/explain"\} \d+/m);
    assert.match(text, /^last_call_timestamp \d+/m);
    assert.match(text, /^requests_in_flight\{endpoint="\/api\/v1\/explain"\} 0/m);
    assert.match(text, /^# HELP job_is_crazy Whether the job is crazy$/m);
    assert.match(text, /^job_is_crazy\{color="blue"\} 0\.5$/m);
    assert.doesNotMatch(text, /job_skipped/);
  });

  test('callJob goes through PUB_URL with the caller\'s auth and tracing id', async () => {
    const result = await post(`${job.url}/api/v1/chain`, '{"numbers": [1, 2]}', { 'x-racetrack-auth': 'token-1', 'x-request-tracing-id': 'trace-1', 'x-caller-name': 'alice' });
    assert.equal(result.status, 200, JSON.stringify(result.body));
    assert.equal(result.body, 42);
    const call = seen.at(-1);
    assert.equal(call?.url, '/pub/job/adder/1.x/api/v1/perform');
    assert.equal(call?.headers['x-racetrack-auth'], 'token-1');
    assert.equal(call?.headers['x-request-tracing-id'], 'trace-1');
    assert.equal(call?.headers['x-caller-name'], 'alice');
    assert.deepEqual(JSON.parse(call?.body ?? ''), { numbers: [1, 2] });
  });

  test('logs one line per request with id, endpoint, status and duration, and the caller on every line', async () => {
    const response = await post(`${job.url}/api/v1/whoami`, '{}', { 'x-caller-name': 'bob', 'x-request-tracing-id': 'trace-bob' });
    assert.equal(response.body, 'bob');
    assert.equal(response.headers.get('x-request-tracing-id'), 'trace-bob');
    const line: Record<string, unknown> = await waitFor(() => logs.lines.find((l) => l['request_id'] === 'trace-bob' && l['msg'] === 'request done'), 5000, 'log line');
    assert.equal(line['endpoint'], '/api/v1/whoami');
    assert.equal(line['status'], 200);
    assert.equal(typeof line['duration_ms'], 'number');
    assert.ok(logs.lines.filter((l) => l['request_id'] === 'trace-bob').every((l) => l['caller'] === 'bob'));
    await post(`${job.url}/api/v1/explain`, '{"x": "bad"}', { 'x-caller-name': 'carol', 'x-request-tracing-id': 'trace-carol' });
    await waitFor(() => logs.lines.some((l) => l['request_id'] === 'trace-carol' && l['status'] === 400), 5000, 'log line of a 400');
    assert.ok(logs.lines.filter((l) => l['request_id'] === 'trace-carol').every((l) => l['caller'] === 'carol'));
  });
});

describe('concurrency cap from jobtype_extra', () => {
  let job: JobServer;
  let gate: string;
  let tmp: string;
  before(async () => {
    const [dir, root] = await makeRoot();
    tmp = dir;
    gate = await mkdtemp(path.join(os.tmpdir(), 'job-gate-'));
    await writeFile(path.join(gate, 'order'), '');
    const manifest = { name: 'features', version: '0.3.0', jobtype_extra: { max_concurrency: 1, max_concurrency_queue: 2, home_page: '/api/v1/webview/' } };
    job = await startFixture('features', { rootDir: root, manifest });
    await job.started;
  });
  after(async () => {
    await job.close();
    await rm(gate, { recursive: true, force: true });
    await rm(tmp, { recursive: true, force: true });
  });

  async function metric(name: string): Promise<number> {
    const text = await fetch(`${job.url}/metrics`).then((r) => r.text());
    return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 'NaN');
  }

  test('runs one call at a time, queues the next ones in order and answers 429 beyond the queue', async () => {
    const body = (id: string) => JSON.stringify({ id, gateDir: gate });
    const first = post(`${job.url}/api/v1/perform`, body('a'));
    await waitFor(async () => (await metric('requests_in_flight{endpoint="/api/v1/perform"}')) === 1, 5000, 'a running');
    const second = post(`${job.url}/api/v1/perform`, body('b'));
    await waitFor(async () => (await metric('requests_waiting_in_queue')) === 1, 5000, 'b queued');
    const third = post(`${job.url}/api/v1/perform`, body('c'));
    await waitFor(async () => (await metric('requests_waiting_in_queue')) === 2, 5000, 'c queued');
    const rejected = await post(`${job.url}/api/v1/perform`, body('d'));
    assert.equal(rejected.status, 429);
    assert.match((rejected.body as { error: string }).error, /too many requests waiting in a queue/);
    assert.equal(await readFile(path.join(gate, 'order'), 'utf8'), 'a\n', 'only one call runs');
    await writeFile(path.join(gate, 'release'), '');
    assert.deepEqual(await Promise.all([first, second, third]).then((all) => all.map((r) => r.body)), ['a', 'b', 'c']);
    assert.equal(await readFile(path.join(gate, 'order'), 'utf8'), 'a\nb\nc\n');
  });

  test('redirects / to the home page set by jobtype_extra.home_page', async () => {
    const home = await fetch(`${job.url}/pub/job/features/latest/`, { redirect: 'manual' });
    assert.equal(home.headers.get('location'), '/pub/job/features/latest/api/v1/webview/');
  });
});
