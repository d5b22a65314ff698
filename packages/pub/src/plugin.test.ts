/** @module PUB end to end over real sockets: a lifecycle stand-in, real job instances, the fastify plugin. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { request } from 'undici';
import { resolvePubConfig, type PubConfig } from './config.ts';
import { pubPlugin } from './plugin.ts';
import { jobDto, startFakeJob, startFakeLifecycle } from './test-support/servers.ts';

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function startPub(lifecycleUrl: string, overrides: Partial<PubConfig> = {}, fastPath = true) {
  const app = Fastify();
  const config = resolvePubConfig({}, { lifecycleUrl, logLevel: 'silent', ...overrides });
  await app.register(pubPlugin, { prefix: '/pub', config, fastPath });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

async function getJson(url: string, options: Parameters<typeof request>[1] = {}) {
  const response = await request(url, options);
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

/** Polls `check` until it holds or the deadline passes. */
async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const variants = [
  { fastPath: true, upstreamClient: 'undici' },
  { fastPath: false, upstreamClient: 'undici' },
  { fastPath: true, upstreamClient: 'lean' },
] as const;

for (const { fastPath, upstreamClient } of variants) describe(`PUB proxy (${fastPath ? 'fast path' : 'through fastify routing'}, ${upstreamClient} client)`, () => {
  let lifecycle: Awaited<ReturnType<typeof startFakeLifecycle>>;
  let replicaA: Awaited<ReturnType<typeof startFakeJob>>;
  let replicaB: Awaited<ReturnType<typeof startFakeJob>>;
  let old: Awaited<ReturnType<typeof startFakeJob>>;
  let pub: Awaited<ReturnType<typeof startPub>>;
  let release: () => void = () => {};
  const hanging: import('node:http').ServerResponse[] = [];

  before(async () => {
    lifecycle = await startFakeLifecycle();
    const routes = {
      '/redirect': (_req: unknown, res: import('node:http').ServerResponse) => {
        res.writeHead(302, { location: `http://${replicaA.address}/pub/job/adder/1.2.0/docs?x=1` }).end();
      },
      '/download': (_req: unknown, res: import('node:http').ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        let sent = 0;
        const chunk = Buffer.alloc(64 * 1024, 7);
        const pump = () => {
          while (sent < 32 * 1024 * 1024) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      },
      '/hang': (_req: unknown, res: import('node:http').ServerResponse) => {
        hanging.push(res);
      },
      '/held': (_req: unknown, res: import('node:http').ServerResponse) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first;');
        release = () => res.end('second');
      },
    };
    replicaA = await startFakeJob('A', routes);
    replicaB = await startFakeJob('B', routes);
    old = await startFakeJob('old');
    lifecycle.state.jobs = [
      jobDto('adder', '1.0.0', 'running', [old.address]),
      jobDto('adder', '1.2.0', 'running', [replicaA.address, replicaB.address]),
      jobDto('adder', '1.3.0', 'error', [old.address]),
      jobDto('sleepy', '1.0.0', 'starting', []),
    ];
    pub = await startPub(lifecycle.url, { refreshIntervalMs: 60_000, missRefreshMinIntervalMs: 60_000, upstreamClient }, fastPath);
    await eventually(async () => (await getJson(`${pub.base}/pub/ready`)).status === 200, 'PUB ready');
  });

  after(async () => {
    await pub.app.close();
    await Promise.all([lifecycle.close(), replicaA.close(), replicaB.close(), old.close()]);
  });

  test('latest goes to the highest running version, with path, query, tracing id and X-Forwarded-Host', async () => {
    const { status, headers, body } = await getJson(`${pub.base}/pub/job/adder/latest/api/v1/perform?a=1&b=%20x`);
    assert.equal(status, 200);
    assert.equal(body?.['url'], '/pub/job/adder/1.2.0/api/v1/perform?a=1&b=%20x');
    const tracingId = headers['x-request-tracing-id'];
    assert.match(String(tracingId), uuidV4);
    const seen = body?.['headers'] as Record<string, string>;
    assert.equal(seen['x-request-tracing-id'], tracingId);
    assert.equal(seen['x-forwarded-host'], new URL(pub.base).host);
  });

  test('an incoming tracing id and caller name are passed on unchanged', async () => {
    const { headers, body } = await getJson(`${pub.base}/pub/job/adder/1.0.0/x`, {
      headers: { 'x-request-tracing-id': 'trace-123', 'x-caller-name': 'tester' },
    });
    assert.equal(headers['x-request-tracing-id'], 'trace-123');
    const seen = body?.['headers'] as Record<string, string>;
    assert.equal(seen['x-request-tracing-id'], 'trace-123');
    assert.equal(seen['x-caller-name'], 'tester');
    const behindIngress = await getJson(`${pub.base}/pub/job/adder/1.0.0/x`, { headers: { 'x-forwarded-host': 'racetrack.example.com' } });
    assert.equal((behindIngress.body?.['headers'] as Record<string, string>)['x-forwarded-host'], 'racetrack.example.com');
    assert.equal(body?.['instance'], 'old');
  });

  test('wildcards and the bare job URL resolve too', async () => {
    assert.equal((await getJson(`${pub.base}/pub/job/adder/1.0.x/`)).body?.['url'], '/pub/job/adder/1.0.0/');
    assert.equal((await getJson(`${pub.base}/pub/job/adder/1.x`)).body?.['url'], '/pub/job/adder/1.2.0');
  });

  test('every method is forwarded', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const) {
      const hasBody = method !== 'GET' && method !== 'OPTIONS';
      const { status, body } = await getJson(`${pub.base}/pub/job/adder/1.2.0/api/v1/thing`, {
        method,
        ...(hasBody ? { body: '{"numbers":[40,2]}', headers: { 'content-type': 'application/json' } } : {}),
      });
      assert.equal(status, 200, method);
      assert.equal(body?.['method'], method);
      assert.equal(body?.['bodyBytes'], hasBody ? 18 : 0, method);
    }
    const head = await request(`${pub.base}/pub/job/adder/1.2.0/api/v1/thing`, { method: 'HEAD' });
    await head.body.dump();
    assert.equal(head.statusCode, 200);
  });

  test('the legacy /pub/fatman route works like /pub/job', async () => {
    const { status, body } = await getJson(`${pub.base}/pub/fatman/adder/latest/api/v1/perform`, { method: 'POST', body: '{}' });
    assert.equal(status, 200);
    assert.equal(body?.['url'], '/pub/job/adder/1.2.0/api/v1/perform');
  });

  test('calls alternate between replicas', async () => {
    const instances = [];
    for (let i = 0; i < 4; i++) instances.push((await getJson(`${pub.base}/pub/job/adder/1.2.0/`)).body?.['instance']);
    assert.deepEqual(instances.sort(), ['A', 'A', 'B', 'B']);
  });

  test('a large request body streams to the job and arrives intact', async () => {
    const payload = randomBytes(24 * 1024 * 1024);
    const { status, body } = await getJson(`${pub.base}/pub/job/adder/1.0.0/upload`, { method: 'PUT', body: payload });
    assert.equal(status, 200);
    assert.equal(body?.['bodyBytes'], payload.length);
    assert.equal(body?.['bodySha256'], createHash('sha256').update(payload).digest('hex'));
  });

  test('the request body reaches the job before the client has finished sending it', async () => {
    const before = old.seen.length;
    const req = httpRequest(`${pub.base}/pub/job/adder/1.0.0/upload`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } });
    const answer = new Promise<string>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
    });
    req.write(Buffer.alloc(1000, 1));
    await eventually(() => old.seen.length > before, 'the job to see the request while its body is still open');
    req.end(Buffer.alloc(500, 2));
    assert.equal(JSON.parse(await answer).bodyBytes, 1500);
  });

  test('a client sending Expect: 100-continue gets its body through', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${pub.base}/pub/job/adder/1.0.0/upload`, { method: 'POST', headers: { expect: '100-continue', 'content-length': '5' } });
      req.on('continue', () => req.end('hello'));
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
    });
    assert.equal(JSON.parse(answer).bodyBytes, 5);
  });

  test('a client that disconnects aborts the call to the job', async () => {
    let jobSawClose = false;
    const req = httpRequest(`${pub.base}/pub/job/adder/1.2.0/hang`);
    req.on('error', () => undefined); // the abort below makes the client side fail, as intended
    req.end();
    await eventually(() => hanging.length > 0, 'the job to receive the call');
    hanging[0]?.once('close', () => (jobSawClose = true));
    req.destroy();
    await eventually(() => jobSawClose, 'the job to see its connection closed');
    hanging.length = 0;
  });

  test('a large response streams back intact', async () => {
    const response = await request(`${pub.base}/pub/job/adder/1.2.0/download`);
    let bytes = 0;
    for await (const chunk of response.body) bytes += (chunk as Buffer).length;
    assert.equal(response.statusCode, 200);
    assert.equal(bytes, 32 * 1024 * 1024);
  });

  test('the response reaches the client before the job has finished it', async () => {
    const response = await request(`${pub.base}/pub/job/adder/1.2.0/held`);
    const reader = response.body[Symbol.asyncIterator]();
    const first = await reader.next();
    assert.equal(String(first.value), 'first;');
    release();
    let rest = '';
    for (let next = await reader.next(); !next.done; next = await reader.next()) rest += String(next.value);
    assert.equal(rest, 'second');
  });

  test('absolute Location headers become host-relative', async () => {
    const response = await request(`${pub.base}/pub/job/adder/1.2.0/redirect`);
    await response.body.dump();
    assert.equal(response.statusCode, 302);
    assert.equal(response.headers['location'], '/pub/job/adder/1.2.0/docs?x=1');
  });

  test('unknown job and unknown version are 404 with a JSON message that names the versions', async () => {
    const job = await getJson(`${pub.base}/pub/job/nope/latest/x`);
    assert.equal(job.status, 404);
    assert.match(String(job.body?.['error']), /job "nope" is not deployed/);
    assert.equal(job.body?.['jobName'], 'nope');
    assert.equal(job.body?.['requestId'], job.headers['x-request-tracing-id']);
    const version = await getJson(`${pub.base}/pub/job/adder/9.0.0/x`);
    assert.equal(version.status, 404);
    assert.match(String(version.body?.['error']), /1\.2\.0 \(running\)/);
    assert.equal(version.body?.['jobVersion'], '9.0.0');
  });

  test('a job that is not running is 503', async () => {
    const errored = await getJson(`${pub.base}/pub/job/adder/1.3.0/x`);
    assert.equal(errored.status, 503);
    assert.match(String(errored.body?.['error']), /error, not running/);
    assert.equal(errored.body?.['jobStatus'], 'error');
    assert.equal((await getJson(`${pub.base}/pub/job/sleepy/latest/x`)).status, 503);
  });

  test('probes, health and metrics', async () => {
    assert.deepEqual((await getJson(`${pub.base}/pub/live`)).body, { live: true });
    assert.deepEqual((await getJson(`${pub.base}/pub/ready`)).body, { ready: true });
    assert.deepEqual((await getJson(`${pub.base}/pub/health`)).body, { service: 'pub', version: '0.1.0', status: 'pass', auth_required: false });
    await getJson(`${pub.base}/pub/job/adder/1.2.0/`);
    const metrics = await (await request(`${pub.base}/pub/metrics`)).body.text();
    assert.match(metrics, /pub_job_proxy_requests\{job_name="adder",job_version="1.2.0"\} \d+/);
    assert.match(metrics, /pub_job_proxy_response_codes\{job_name="adder",job_version="1.2.0",status_code="200"\} \d+/);
    assert.match(metrics, /pub_job_call_response_time_histogram_bucket\{le="0.001",job_name="adder",job_version="1.2.0"\}/);
  });

  test('requests never call lifecycle: the table is refreshed in the background only', async () => {
    const callsBefore = lifecycle.state.calls;
    for (let i = 0; i < 30; i++) assert.equal((await getJson(`${pub.base}/pub/job/adder/latest/`)).status, 200);
    assert.equal(lifecycle.state.calls, callsBefore);
  });
});

for (const upstreamClient of ['undici', 'lean'] as const) describe(`PUB routing refresh and failures (${upstreamClient} client)`, () => {
  let lifecycle: Awaited<ReturnType<typeof startFakeLifecycle>>;
  let job: Awaited<ReturnType<typeof startFakeJob>>;
  const pubs: FastifyInstance[] = [];
  const start = async (overrides: Partial<PubConfig>) => {
    const started = await startPub(lifecycle.url, { upstreamClient, ...overrides });
    pubs.push(started.app);
    return started.base;
  };

  before(async () => {
    lifecycle = await startFakeLifecycle();
    job = await startFakeJob('J', {
      '/slow': () => {
        // Never answers: the request timeout must turn this into a 504.
      },
    });
  });

  after(async () => {
    await Promise.all(pubs.map((app) => app.close()));
    await Promise.all([lifecycle.close(), job.close()]);
  });

  test('a job deployed after the last refresh is found at once by a refresh on the miss', async () => {
    lifecycle.state.jobs = [];
    const base = await start({ refreshIntervalMs: 60_000, missRefreshMinIntervalMs: 1 });
    await eventually(async () => (await getJson(`${base}/pub/ready`)).status === 200, 'first table');
    lifecycle.state.jobs = [jobDto('fresh', '1.0.0', 'running', [job.address])];
    const { status, body } = await getJson(`${base}/pub/job/fresh/latest/x`);
    assert.equal(status, 200);
    assert.equal(body?.['instance'], 'J');
  });

  test('a call made just after the version turned running is routed, though a refresh in flight still saw it starting', async () => {
    lifecycle.state.jobs = [jobDto('warming', '1.0.0', 'starting', [job.address])];
    const base = await start({ refreshIntervalMs: 60_000, missRefreshMinIntervalMs: 1 });
    await eventually(async () => (await getJson(`${base}/pub/ready`)).status === 200, 'first table');
    // A miss starts a refresh; lifecycle takes its listing (still `starting`) and answers it late.
    lifecycle.state.delayMs = 300;
    const callsBefore = lifecycle.state.calls;
    const ghost = getJson(`${base}/pub/job/ghost/latest/x`);
    await eventually(() => lifecycle.state.calls > callsBefore, 'the refresh to reach lifecycle');
    // The deploy finishes now, while that refresh is in flight; the client calls at once.
    lifecycle.state.jobs = [jobDto('warming', '1.0.0', 'running', [job.address])];
    lifecycle.state.delayMs = 0;
    const exact = getJson(`${base}/pub/job/warming/1.0.0/x`);
    const latest = getJson(`${base}/pub/job/warming/latest/x`);
    assert.equal((await exact).status, 200);
    assert.equal((await latest).status, 200);
    assert.equal((await ghost).status, 404);
  });

  test('a call made just after the version turned running is routed within the miss rate limit', async () => {
    lifecycle.state.jobs = [jobDto('rising', '1.0.0', 'starting', [job.address])];
    const base = await start({ refreshIntervalMs: 60_000, missRefreshMinIntervalMs: 400 });
    await eventually(async () => (await getJson(`${base}/pub/ready`)).status === 200, 'first table');
    lifecycle.state.jobs = [jobDto('rising', '1.0.0', 'running', [job.address])];
    const callsBefore = lifecycle.state.calls;
    const answers = await Promise.all(Array.from({ length: 20 }, () => getJson(`${base}/pub/job/rising/1.0.0/x`)));
    assert.deepEqual(answers.map((a) => a.status), Array.from({ length: 20 }, () => 200));
    assert.equal(lifecycle.state.calls - callsBefore, 1, 'the waiting calls share one refresh');
    for (let i = 0; i < 10; i++) assert.equal((await getJson(`${base}/pub/job/rising/1.0.0/x`)).status, 200);
    assert.equal(lifecycle.state.calls - callsBefore, 1, 'routed calls do not call lifecycle');
  });

  test('a version that stays starting is 503 after one fresh look', async () => {
    lifecycle.state.jobs = [jobDto('stuck', '1.0.0', 'starting', [])];
    const base = await start({ refreshIntervalMs: 60_000, missRefreshMinIntervalMs: 1 });
    await eventually(async () => (await getJson(`${base}/pub/ready`)).status === 200, 'first table');
    const { status, body } = await getJson(`${base}/pub/job/stuck/1.0.0/x`);
    assert.equal(status, 503);
    assert.equal(body?.['jobStatus'], 'starting');
  });

  test('a flood of misses costs lifecycle at most one call per rate-limit interval', async () => {
    lifecycle.state.jobs = [jobDto('known', '1.0.0', 'running', [job.address])];
    const base = await start({ refreshIntervalMs: 60_000, missRefreshMinIntervalMs: 60_000 });
    await eventually(async () => (await getJson(`${base}/pub/ready`)).status === 200, 'first table');
    const callsBefore = lifecycle.state.calls;
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => getJson(`${base}/pub/job/ghost-${i}/latest/x`)));
    assert.ok(answers.every((a) => a.status === 404));
    assert.ok(lifecycle.state.calls - callsBefore <= 1, `lifecycle was called ${lifecycle.state.calls - callsBefore} times`);
  });

  test('the background refresh picks up removals and status changes', async () => {
    lifecycle.state.jobs = [jobDto('moving', '1.0.0', 'running', [job.address])];
    const base = await start({ refreshIntervalMs: 20, missRefreshMinIntervalMs: 60_000 });
    await eventually(async () => (await getJson(`${base}/pub/job/moving/latest/`)).status === 200, 'job routable');
    lifecycle.state.jobs = [jobDto('moving', '1.0.0', 'error', [job.address])];
    await eventually(async () => (await getJson(`${base}/pub/job/moving/latest/`)).status === 503, 'job marked not running');
    lifecycle.state.jobs = [];
    await eventually(async () => (await getJson(`${base}/pub/job/moving/latest/`)).status === 404, 'job gone');
  });

  test('with an ETag from lifecycle, unchanged listings come back as 304 and the table stays', async () => {
    lifecycle.state.useEtag = true;
    lifecycle.state.jobs = [jobDto('tagged', '1.0.0', 'running', [job.address])];
    const base = await start({ refreshIntervalMs: 10, missRefreshMinIntervalMs: 60_000 });
    await eventually(() => lifecycle.state.notModified >= 2, 'conditional refreshes answered 304');
    assert.equal((await getJson(`${base}/pub/job/tagged/latest/`)).status, 200);
    lifecycle.state.jobs = [jobDto('tagged', '2.0.0', 'running', [job.address])];
    await eventually(async () => (await getJson(`${base}/pub/job/tagged/latest/`)).body?.['url'] === '/pub/job/tagged/2.0.0/', 'the new listing to apply');
    lifecycle.state.useEtag = false;
  });

  test('an instance that refuses connections is 502', async () => {
    const dead = await startFakeJob('dead');
    await dead.close();
    lifecycle.state.jobs = [jobDto('gone', '1.0.0', 'running', [dead.address])];
    const base = await start({ refreshIntervalMs: 60_000, missRefreshMinIntervalMs: 1 });
    const { status, body, headers } = await getJson(`${base}/pub/job/gone/1.0.0/x`);
    assert.equal(status, 502);
    assert.match(String(body?.['error']), /connection refused/);
    assert.equal(body?.['jobVersion'], '1.0.0');
    assert.equal(body?.['requestId'], headers['x-request-tracing-id']);
  });

  test('a job slower than the request timeout is 504', async () => {
    lifecycle.state.jobs = [jobDto('slow', '1.0.0', 'running', [job.address])];
    const base = await start({ refreshIntervalMs: 60_000, missRefreshMinIntervalMs: 1, requestTimeoutMs: 200 });
    const { status, body } = await getJson(`${base}/pub/job/slow/1.0.0/slow`);
    assert.equal(status, 504);
    assert.match(String(body?.['error']), /did not answer within the request timeout/);
  });

  test('with lifecycle unreachable and no table, calls are 503 saying so, and ready is 503', async () => {
    const base = await start({ lifecycleUrl: 'http://127.0.0.1:9/lifecycle', refreshIntervalMs: 60_000, missRefreshMinIntervalMs: 1 });
    const { status, body } = await getJson(`${base}/pub/job/adder/latest/x`);
    assert.equal(status, 503);
    assert.match(String(body?.['error']), /lifecycle at http:\/\/127\.0\.0\.1:9\/lifecycle is unreachable/);
    assert.equal((await getJson(`${base}/pub/ready`)).status, 503);
  });
});
