/**
 * @module The conformance suite every infrastructure driver passes (style rule 8): each driver's test file
 * calls `driverSuite(harness)` with its own way to build the test job, and names any gap in `skip`.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { InfraDriver, JobArtefact, JobInstance, JobInstanceSpec } from './driver.ts';

/**
 * A tiny job (node, no dependencies): `/live` echoes JOB_DEPLOYMENT_TIMESTAMP, `/ready`, `/env/<NAME>`
 * answers an env var, `/log?line=...` writes a line to stdout. It listens on JOB_HOST:PORT (default 0.0.0.0:7000).
 */
export const testJobSource = `
const http = require('node:http');
const port = Number(process.env.PORT || 7000);
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://job');
  const send = (status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
  if (url.pathname === '/live') return send(200, { status: 'live', deployment_timestamp: Number(process.env.JOB_DEPLOYMENT_TIMESTAMP || 0) });
  if (url.pathname === '/ready') return send(200, { status: 'ready' });
  if (url.pathname.startsWith('/env/')) return send(200, { value: process.env[url.pathname.slice(5)] ?? null });
  if (url.pathname === '/log') { console.log(url.searchParams.get('line')); return send(200, { logged: true }); }
  send(404, { error: 'not found' });
});
server.listen(port, process.env.JOB_HOST || '0.0.0.0', () => console.log('test job listening on port ' + port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/** What a driver's test supplies to the suite. */
export interface DriverHarness {
  makeDriver(): InfraDriver | Promise<InfraDriver>;
  /** An artefact that runs `testJobSource`. */
  artefact(): JobArtefact | Promise<JobArtefact>;
  /** Ends an instance behind the driver's back, as a crash would. */
  killExternally(instance: JobInstance): Promise<void>;
  /** Base URL at which the test process reaches an instance; default `http://<address>`. */
  urlOf?(instance: JobInstance): string;
  /** Suite cases this driver cannot pass yet, each with the reason. */
  skip?: Partial<Record<SuiteCase, string>>;
  /** Longest wait for an instance to answer or change state (default 15 s). */
  timeoutMs?: number;
}

export type SuiteCase = 'deploy' | 'replicas' | 'crash-restart' | 'logs' | 'follow-restart' | 'remove' | 'redeploy' | 'keep-previous';

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** Registers the conformance tests for one driver. */
export function driverSuite(harness: DriverHarness): void {
  const timeoutMs = harness.timeoutMs ?? 15_000;
  const urlOf = harness.urlOf ?? ((instance: JobInstance) => `http://${instance.address}`);
  /** Has the test job log `line` until the follower (which may attach a little late) has seen it. */
  const logUntilSeen = (instance: JobInstance, line: string, seen: readonly string[]): Promise<boolean> =>
    waitFor(`the followed log line ${line}`, async () => {
      await getJson(`${urlOf(instance)}/log?line=${line}`);
      return seen.some((seenLine) => seenLine.includes(line));
    }, timeoutMs);
  const deployed: { driver: InfraDriver; jobName: string; version: string }[] = [];
  let counter = 0;

  async function deployTestJob(options: { replicas?: number; env?: Record<string, string> } = {}) {
    const driver = await harness.makeDriver();
    counter += 1;
    const spec: JobInstanceSpec = {
      jobName: `suite-job-${process.pid}-${counter}`,
      version: '1.0.0',
      replicas: options.replicas ?? 1,
      artefact: await harness.artefact(),
      env: { JOB_NAME: `suite-job-${counter}`, ...options.env },
      deploymentTimestamp: 1700000000 + counter,
    };
    deployed.push({ driver, jobName: spec.jobName, version: spec.version });
    const instances = await driver.deploy(spec);
    for (const instance of instances) await waitLive(instance, spec.deploymentTimestamp);
    return { driver, spec, instances };
  }

  async function getJson(url: string): Promise<Record<string, unknown>> {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return (await response.json()) as Record<string, unknown>;
  }

  async function waitLive(instance: JobInstance, timestamp: number): Promise<void> {
    await waitFor(`${instance.jobName} replica ${instance.replica} /live`, async () => (await getJson(`${urlOf(instance)}/live`))['deployment_timestamp'] === timestamp, timeoutMs);
  }

  async function stateOf(driver: InfraDriver, spec: JobInstanceSpec, replica: number): Promise<JobInstance | undefined> {
    return (await driver.list()).find((i) => i.jobName === spec.jobName && i.version === spec.version && i.replica === replica);
  }

  describe(`infrastructure driver conformance`, () => {
    after(async () => {
      for (const { driver, jobName, version } of deployed) await driver.remove(jobName, version);
      for (const driver of new Set(deployed.map((d) => d.driver))) await driver.close();
    });

    it('deploys a job that answers /live with its deployment timestamp and sees its env', { skip: harness.skip?.deploy }, async () => {
      const { driver, spec, instances } = await deployTestJob({ env: { GREETING: 'hello' } });
      assert.equal(instances.length, 1);
      assert.equal((await getJson(`${urlOf(instances[0] as JobInstance)}/env/GREETING`))['value'], 'hello');
      const listed = await stateOf(driver, spec, 0);
      assert.equal(listed?.state, 'running');
      assert.equal(listed?.address, instances[0]?.address);
    });

    it('starts one instance per replica, each at its own address', { skip: harness.skip?.replicas }, async () => {
      const { instances } = await deployTestJob({ replicas: 2 });
      assert.deepEqual(instances.map((i) => i.replica), [0, 1]);
      assert.notEqual(instances[0]?.address, instances[1]?.address);
    });

    it('reports a crashed instance as exited and restarts it from the saved spec', { skip: harness.skip?.['crash-restart'] }, async () => {
      const { driver, spec, instances } = await deployTestJob();
      await harness.killExternally(instances[0] as JobInstance);
      const exited = await waitFor('the instance to be seen as exited', async () => (await stateOf(driver, spec, 0))?.state === 'exited' && stateOf(driver, spec, 0), timeoutMs);
      assert.equal(exited?.restarts, 0);
      const restarted = await driver.restart(spec.jobName, spec.version, 0);
      assert.equal(restarted.restarts, 1);
      await waitLive(restarted, spec.deploymentTimestamp);
      assert.equal((await stateOf(driver, spec, 0))?.state, 'running');
    });

    it('reads and follows the logs of a job', { skip: harness.skip?.logs }, async () => {
      const { driver, spec, instances } = await deployTestJob();
      await waitFor('the start line in the logs', async () => (await driver.readLogs(spec.jobName, spec.version, 10)).includes('test job listening'), timeoutMs);
      const seen: string[] = [];
      const stop = driver.followLogs(spec.jobName, spec.version, (line) => seen.push(line));
      try {
        await logUntilSeen(instances[0] as JobInstance, 'followed-line', seen);
      } finally {
        stop();
      }
      const tail = await driver.readLogs(spec.jobName, spec.version, 1);
      assert.equal(tail.split('\n').length, 1);
      assert.match(tail, /followed-line/);
    });

    it('keeps following the logs across a restart of a crashed instance, without repeating lines', { skip: harness.skip?.['follow-restart'] }, async () => {
      const { driver, spec, instances } = await deployTestJob();
      await waitFor('the start line in the logs', async () => (await driver.readLogs(spec.jobName, spec.version, 10)).includes('test job listening'), timeoutMs);
      const seen: string[] = [];
      const stop = driver.followLogs(spec.jobName, spec.version, (line) => seen.push(line));
      try {
        await logUntilSeen(instances[0] as JobInstance, 'before-crash', seen);
        await harness.killExternally(instances[0] as JobInstance);
        await waitFor('the instance to be seen as exited', async () => (await stateOf(driver, spec, 0))?.state === 'exited', timeoutMs);
        const restarted = await driver.restart(spec.jobName, spec.version, 0);
        await waitLive(restarted, spec.deploymentTimestamp);
        await logUntilSeen(restarted, 'after-restart', seen);
      } finally {
        stop();
      }
      // The restarted run's start line arrives once; the first run's (before following began) never does.
      assert.equal(seen.filter((line) => line.includes('test job listening')).length, 1, seen.join('\n'));
      const firstAfter = seen.findIndex((line) => line.includes('after-restart'));
      assert.ok(seen.findIndex((line) => line.includes('test job listening')) < firstAfter, seen.join('\n'));
    });

    it('removes every instance of a version, idempotently', { skip: harness.skip?.remove }, async () => {
      const { driver, spec, instances } = await deployTestJob({ replicas: 2 });
      await driver.remove(spec.jobName, spec.version);
      assert.equal((await driver.list()).filter((i) => i.jobName === spec.jobName).length, 0);
      for (const instance of instances) {
        await assert.rejects(fetch(`${urlOf(instance)}/live`, { signal: AbortSignal.timeout(2000) }));
      }
      await driver.remove(spec.jobName, spec.version);
    });

    it('replaces the instances when the same version is deployed again', { skip: harness.skip?.redeploy }, async () => {
      const { driver, spec, instances } = await deployTestJob();
      const again = await driver.deploy({ ...spec, deploymentTimestamp: spec.deploymentTimestamp + 1 });
      await waitLive(again[0] as JobInstance, spec.deploymentTimestamp + 1);
      const listed = (await driver.list()).filter((i) => i.jobName === spec.jobName);
      assert.equal(listed.length, 1);
      assert.notEqual(listed[0]?.id, instances[0]?.id);
    });

    it('keeps the previous instances serving until retirePrevious (zero-downtime redeploy)', { skip: harness.skip?.['keep-previous'] }, async (t) => {
      const { driver, spec, instances } = await deployTestJob();
      if (!driver.retirePrevious) {
        t.skip('this driver replaces instances at once (no retirePrevious)');
        return;
      }
      const old = instances[0] as JobInstance;
      const again = await driver.deploy({ ...spec, deploymentTimestamp: spec.deploymentTimestamp + 1 }, { keepPrevious: true });
      await waitLive(again[0] as JobInstance, spec.deploymentTimestamp + 1);
      assert.equal((await getJson(`${urlOf(old)}/live`))['deployment_timestamp'], spec.deploymentTimestamp);
      const listed = (await driver.list()).filter((i) => i.jobName === spec.jobName);
      assert.deepEqual(listed.map((i) => i.id), [again[0]?.id]);
      await driver.retirePrevious(spec.jobName, spec.version);
      await assert.rejects(fetch(`${urlOf(old)}/live`, { signal: AbortSignal.timeout(2000) }));
      assert.equal((await getJson(`${urlOf(again[0] as JobInstance)}/live`))['deployment_timestamp'], spec.deploymentTimestamp + 1);
      await driver.retirePrevious(spec.jobName, spec.version);
    });
  });
}
