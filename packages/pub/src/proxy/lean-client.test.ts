/** @module The lean upstream client against raw sockets: keep-alive reuse, and a resend when a reused connection was closed. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import { LeanPool } from './lean-client.ts';

const servers: Server[] = [];
after(() => {
  for (const server of servers) server.close();
});

/** A raw HTTP server: answers each request with `answer(n)` where n counts requests on that connection. */
async function rawServer(answer: (socket: Socket, requestOnConnection: number) => void) {
  const stats = { connections: 0 };
  const server = createServer((socket) => {
    stats.connections++;
    let seen = 0;
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
        answer(socket, ++seen);
      }
    });
    socket.on('error', () => socket.destroy());
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { stats, hostPort: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function call(pool: LeanPool): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let body = '';
    const handler: Dispatcher.DispatchHandler = {
      onResponseStart: (_c, code) => void (status = code),
      onResponseData: (_c, chunk) => void (body += chunk.toString()),
      onResponseEnd: () => resolve({ status, body }),
      onResponseError: (_c, error) => reject(error),
    };
    pool.dispatch({ path: '/x', method: 'GET', headers: [], body: null, headersTimeout: 5000 }, handler);
  });
}

const ok = (socket: Socket, text: string) => socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${text.length}\r\n\r\n${text}`);

test('calls reuse one keep-alive connection', async () => {
  const server = await rawServer((socket, n) => ok(socket, `answer ${n}`));
  const pool = new LeanPool(server.hostPort, { connections: 4, connectTimeoutMs: 1000 });
  assert.deepEqual(await call(pool), { status: 200, body: 'answer 1' });
  assert.deepEqual(await call(pool), { status: 200, body: 'answer 2' });
  assert.equal(server.stats.connections, 1);
  await pool.destroy();
});

test('a reused connection closed by the job is replaced and the call resent once', async () => {
  // Second request on any connection: the job drops the connection without answering.
  const server = await rawServer((socket, n) => (n === 1 ? ok(socket, 'fresh') : socket.destroy()));
  const pool = new LeanPool(server.hostPort, { connections: 4, connectTimeoutMs: 1000 });
  assert.deepEqual(await call(pool), { status: 200, body: 'fresh' });
  assert.deepEqual(await call(pool), { status: 200, body: 'fresh' });
  assert.equal(server.stats.connections, 2);
  await pool.destroy();
});

test('a fresh connection closed without an answer is an error, not a loop', async () => {
  const server = await rawServer((socket) => socket.destroy());
  const pool = new LeanPool(server.hostPort, { connections: 4, connectTimeoutMs: 1000 });
  await assert.rejects(call(pool), (error: Error & { code?: string }) => ['UND_ERR_SOCKET', 'ECONNRESET'].includes(error.code ?? ''));
  assert.equal(server.stats.connections, 1);
  await pool.destroy();
});
