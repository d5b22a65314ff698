/** @module Tests of LifecycleClient against a real HTTP server answering canned JSON. */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { isRacetrackError } from '@racetrack/core';
import { LifecycleClient } from './index.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('LifecycleClient', () => {
  let server: Server;
  let baseUrl = '';
  const seen: Seen[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        const json = (status: number, value: unknown): void => {
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
        };
        const url = req.url ?? '';
        if (url === '/lifecycle/api/v1/info') return json(200, { external_pub_url: 'http://x/pub', auth_required: false });
        if (url === '/lifecycle/api/v1/deploy' && req.method === 'POST') return json(200, { id: 'dep-1' });
        if (url.startsWith('/lifecycle/api/v1/deploy/dep-1/build-logs')) return json(200, { logs: 'line\n', offset: 5 });
        if (url === '/lifecycle/api/v1/job/adder/latest') return json(200, { name: 'adder', version: '1.0.0' });
        if (url === '/lifecycle/api/v1/job/adder/1.0.0/logs?tail=5') return json(200, { logs: 'hello' });
        if (url === '/lifecycle/api/v1/job/adder/1.0.0' && req.method === 'DELETE') return json(200, null);
        if (url === '/lifecycle/api/v1/job/ghost/latest') return json(404, { error: 'job "ghost" not found', type: 'RacetrackError', code: 'JOB_NOT_FOUND' });
        if (url === '/lifecycle/api/v1/job/adder/1.0.0/move') return json(500, { error: 'infrastructure target "nope" is not installed' });
        if (url.startsWith('/lifecycle/api/v1/job/adder/1.0.0/logs/stream')) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write(': keepalive\n\ndata: first line\n\n');
          res.end('data: second\r\ndata: part\r\n\r\n');
          return;
        }
        if (url === '/lifecycle/api/v1/job') return res.writeHead(502).end('Bad gateway');
        return json(404, { error: `no route ${url}` });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/lifecycle`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the auth token and Accept header, and parses JSON', async () => {
    const client = new LifecycleClient({ baseUrl, authToken: 'tok' });
    assert.deepEqual(await client.info(), { external_pub_url: 'http://x/pub', auth_required: false });
    const request = seen.at(-1);
    assert.equal(request?.headers['x-racetrack-auth'], 'tok');
    assert.equal(request?.headers['accept'], 'application/json, */*');
  });

  it('omits the auth header without a token', async () => {
    await new LifecycleClient({ baseUrl }).info();
    assert.equal(seen.at(-1)?.headers['x-racetrack-auth'], undefined);
  });

  it('posts a deploy payload and reads build-log chunks', async () => {
    const client = new LifecycleClient({ baseUrl: `${baseUrl}/` });
    assert.deepEqual(await client.deploy({ manifest: { name: 'adder' }, force: true }), { id: 'dep-1' });
    assert.deepEqual(JSON.parse(seen.at(-1)?.body ?? ''), { manifest: { name: 'adder' }, force: true });
    assert.deepEqual(await client.deploymentBuildLogs('dep-1', 3), { logs: 'line\n', offset: 5 });
    assert.equal(seen.at(-1)?.url, '/lifecycle/api/v1/deploy/dep-1/build-logs?offset=3');
  });

  it('gets, logs and deletes a job', async () => {
    const client = new LifecycleClient({ baseUrl });
    assert.equal((await client.getJob('adder')).version, '1.0.0');
    assert.equal(await client.jobLogs('adder', '1.0.0', 5), 'hello');
    await client.deleteJob('adder', '1.0.0');
    assert.equal(seen.at(-1)?.method, 'DELETE');
  });

  it('turns {"error"} answers into RacetrackError with the server message and code', async () => {
    const client = new LifecycleClient({ baseUrl });
    await assert.rejects(client.getJob('ghost'), (error: unknown) => {
      assert.ok(isRacetrackError(error));
      assert.equal(error.code, 'JOB_NOT_FOUND');
      assert.equal(error.message, 'job "ghost" not found');
      return true;
    });
    await assert.rejects(client.moveJob('adder', '1.0.0', 'nope'), /^RacetrackError: infrastructure target "nope" is not installed$/);
    await assert.rejects(client.listJobs(), /GET \/api\/v1\/job failed with HTTP 502: Bad gateway/);
  });

  it('reports an unreachable server as UNAVAILABLE', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(new LifecycleClient({ baseUrl: `http://127.0.0.1:${port}/lifecycle` }).info(), (error: unknown) => {
      assert.ok(isRacetrackError(error));
      assert.equal(error.code, 'UNAVAILABLE');
      assert.match(error.message, /cannot reach http:\/\/127\.0\.0\.1:\d+\/lifecycle\/api\/v1\/info: connection refused/);
      return true;
    });
  });

  it('streams log lines from Server-Sent Events', async () => {
    const lines: string[] = [];
    for await (const line of new LifecycleClient({ baseUrl }).streamLogs('adder', '1.0.0', { tail: 2 })) lines.push(line);
    assert.deepEqual(lines, ['first line', 'second\npart']);
    assert.equal(seen.at(-1)?.headers['accept'], 'text/event-stream');
  });
});
