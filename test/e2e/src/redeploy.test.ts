/**
 * @module End to end: a forced redeploy of a running version serves every call meanwhile (new instances
 * first, then the switch, then the old ones stop), and a graceful server restart keeps the job's logs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { JobDto } from '@racetrack/core';
import { copyJob, deployAndWait, startTestServer, waitFor, type TestServer } from '@racetrack/testkit';
import { adderDir, callAdder, getJson } from './helpers.ts';

let server: TestServer;
// A short retire delay keeps the test quick; PUB refreshes every 250 ms here.
before(async () => { server = await startTestServer({ env: { RACETRACK_RETIRE_DELAY_MS: '1000', PUB_REFRESH_INTERVAL_MS: '250' } }); });
after(async () => { await server?.stop(); });

const getJob = async () => (await getJson<JobDto>(`${server.lifecycleUrl}/api/v1/job/adder/3.0.0`)).body;

test('a forced redeploy answers every call; a graceful restart keeps the logs', async (t) => {
  const dir = await copyJob(adderDir, join(server.workDir, 'adder-redeploy'), { version: '3.0.0', replicas: 2 });
  const first = await deployAndWait(server.lifecycleUrl, dir);
  assert.equal(first.status, 'done', first.error ?? '');
  await waitFor('PUB to route to the job', async () => (await callAdder(server.pubUrl, '3.0.0', [1])).status === 200, 15_000);

  await t.test('calls made without pause during two redeploys in a row all succeed', async () => {
    const before = (await getJob()).replica_internal_names;
    const failures: string[] = [];
    let calls = 0;
    let stop = false;
    const caller = async () => {
      for (let i = 0; !stop && i < 100_000; i++) {
        const result = await callAdder(server.pubUrl, '3.0.0', [i, 1]);
        calls += 1;
        if (result.status !== 200 || result.body !== i + 1) failures.push(`${result.status} ${JSON.stringify(result.body)}`);
      }
    };
    const callers = [caller(), caller()];
    try {
      const redeployed = await deployAndWait(server.lifecycleUrl, dir, { force: true });
      assert.equal(redeployed.status, 'done', redeployed.error ?? '');
      const middle = (await getJob()).replica_internal_names;
      assert.notDeepEqual(middle, before, 'the redeploy started new instances');
      // A second redeploy at once, while the first one's replaced instances still wait to be stopped.
      const again = await deployAndWait(server.lifecycleUrl, dir, { force: true });
      assert.equal(again.status, 'done', again.error ?? '');
      const replaced = [...before, ...middle];
      // Keep calling until the old instances are gone (the retire delay has passed and they were stopped).
      await waitFor('the replaced instances to stop', async () => {
        const answers = await Promise.all(replaced.map((address) => fetch(`http://${address}/live`).then((r) => r.ok, () => false)));
        return answers.every((up) => !up);
      }, 20_000);
      const current = (await getJob()).replica_internal_names;
      for (const address of current) assert.equal((await fetch(`http://${address}/ready`)).status, 200);
    } finally {
      stop = true;
      await Promise.all(callers);
    }
    assert.ok(calls > 20, `only ${calls} calls were made`);
    assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${calls} calls failed`);
  });

  await t.test('racetrack logs after a graceful server restart still shows what the job wrote before', async () => {
    const marker = (await server.cli(['logs', 'adder', '--version', '3.0.0', '--tail', '0'])).stdout;
    const startLines = (text: string) => text.split('\n').filter((line) => /listening/i.test(line)).length;
    assert.ok(startLines(marker) > 0, `no start line in the logs:\n${marker}`);
    await server.kill('SIGTERM');
    await server.restart();
    await waitFor('the job to run again', async () => (await getJob()).status === 'running', 30_000);
    const logs = await waitFor('the restarted job to log its start', async () => {
      const text = (await server.cli(['logs', 'adder', '--version', '3.0.0', '--tail', '0'])).stdout;
      return startLines(text) > startLines(marker) ? text : undefined;
    }, 30_000);
    assert.ok(logs.includes(marker.split('\n').find((line) => /listening/i.test(line)) ?? '\u0000'), 'the lines from before the restart are still there');
  });
});
