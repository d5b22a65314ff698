import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from './index.ts';

const dirs: string[] = [];
const servers: RunningServer[] = [];
after(async () => {
  for (const server of servers) await server.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

test('one port serves lifecycle and PUB; a second server on the same data dir is refused', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'rt-server-'));
  dirs.push(dataDir);
  const server = await startServer({ port: 0, dataDir, handleSignals: false, logLevel: 'silent', env: { RACETRACK_DOCKER: 'false' } });
  servers.push(server);
  const info = (await (await fetch(`${server.url}/lifecycle/api/v1/info`)).json()) as Record<string, unknown>;
  assert.equal(info['external_pub_url'], `${server.url}/pub`);
  assert.equal((await fetch(`${server.url}/pub/live`)).status, 200);
  assert.deepEqual(await (await fetch(`${server.url}/lifecycle/api/v1/job`)).json(), []);
  const unknown = await fetch(`${server.url}/lifecycle/api/v1/nothing`);
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as Record<string, unknown>)['code'], 'NOT_FOUND');
  await assert.rejects(startServer({ port: 0, dataDir, handleSignals: false, logLevel: 'silent', env: { RACETRACK_DOCKER: 'false' } }), /another racetrack server/);
  await server.close();
  assert.equal(await fetch(`${server.url}/lifecycle/live`).then(() => 'answered', () => 'closed'), 'closed');
});
