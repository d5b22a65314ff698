/**
 * @module End to end: two replicas both serve; a killed job process comes back; after the server is
 * SIGKILLed and started again on the same data dir the job answers again and no process is orphaned.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { JobDto } from '@racetrack/core';
import { copyJob, isProcessRunning, liveJobProcesses, startTestServer, waitFor, type TestServer } from '@racetrack/testkit';
import { adderDir, callAdder, getJson } from './helpers.ts';

let server: TestServer;
before(async () => { server = await startTestServer(); });
after(async () => { await server?.stop(); });

const getJob = async () => (await getJson<JobDto>(`${server.lifecycleUrl}/api/v1/job/adder/2.0.0`)).body;

/** Calls counted by one replica's own /metrics. */
async function callsServedBy(address: string): Promise<number> {
  const text = await (await fetch(`http://${address}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('requests_started_total'));
  return Number(line?.split(' ')[1] ?? 0);
}

test('replicas, restarts and a server killed with SIGKILL', async (t) => {
  const dir = await copyJob(adderDir, join(server.workDir, 'adder-replicas'), { version: '2.0.0', replicas: 2 });
  const result = await server.cli(['deploy', dir]);
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);

  await t.test('both replicas serve calls through PUB', async () => {
    const job = await getJob();
    assert.equal(job.replica_internal_names.length, 2);
    await waitFor('PUB to route to the job', async () => (await callAdder(server.pubUrl, '2.0.0', [1])).status === 200, 15_000);
    for (let i = 0; i < 8; i++) assert.equal((await callAdder(server.pubUrl, '2.0.0', [i, 1])).body, i + 1);
    for (const address of job.replica_internal_names) assert.ok((await callsServedBy(address)) > 0, `replica ${address} served no call`);
  });

  await t.test('a killed job process is restarted and counted', async () => {
    const [victim] = await liveJobProcesses(server.dataDir);
    assert.ok(victim);
    process.kill(victim, 'SIGKILL');
    const job = await waitFor('the replica to be restarted', async () => {
      const current = await getJob();
      const pids = await liveJobProcesses(server.dataDir);
      // The new process can be up before the supervisor records the restart: wait for both.
      const counted = Number(current.infrastructure_stats['number_of_restarts']) >= 1;
      return current.status === 'running' && pids.length === 2 && !pids.includes(victim) && counted ? current : undefined;
    }, 30_000, 200);
    assert.ok(Number(job.infrastructure_stats['number_of_restarts']) >= 1);
    await waitFor('calls to succeed again', async () => (await callAdder(server.pubUrl, '2.0.0', [2, 2])).status === 200, 15_000);
  });

  await t.test('after SIGKILL of the server and a restart on the same data dir the job answers, with no orphan', async () => {
    const before = (await liveJobProcesses(server.dataDir)).sort();
    await server.kill('SIGKILL');
    await server.restart();
    const call = await waitFor('the job to answer after the restart', async () => {
      const answer = await callAdder(server.pubUrl, 'latest', [20, 22]);
      return answer.status === 200 ? answer : undefined;
    }, 30_000, 200);
    assert.equal(call.body, 42);
    // The surviving processes were adopted, not duplicated.
    assert.deepEqual((await liveJobProcesses(server.dataDir)).sort(), before);
    assert.equal((await getJob()).status, 'running');
  });

  await t.test('a graceful stop leaves no job process behind', async () => {
    const pids = await liveJobProcesses(server.dataDir);
    await server.kill('SIGTERM');
    assert.ok(pids.length > 0);
    const alive = pids.filter((pid) => isProcessRunning(pid));
    assert.deepEqual(alive, [], `job processes left running:\n${server.output().slice(-4000)}`);
  });
});
