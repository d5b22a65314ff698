/** @module Tests of the local driver: the shared conformance suite plus what only local processes do (survive a server restart). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { driverSuite, testJobSource, waitFor } from '../core/driver-suite.ts';
import type { JobArtefact, JobInstanceSpec } from '../core/driver.ts';
import { createLocalDriver } from './index.ts';
import { versionPaths } from './state.ts';

let root: string;
let jobFile: string;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'rt-local-driver-'));
  jobFile = path.join(root, 'job.cjs');
  await writeFile(jobFile, testJobSource);
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

function artefact(): JobArtefact {
  return { kind: 'process', cwd: root, command: process.execPath, args: [jobFile] };
}

driverSuite({
  makeDriver: () => createLocalDriver({ dataDir: path.join(root, 'suite'), stopGraceMs: 2000 }),
  artefact,
  killExternally: async (instance) => {
    process.kill(Number(instance.id), 'SIGKILL');
  },
});

describe('local driver', () => {
  const dataDir = () => path.join(root, 'restart');
  const spec = (): JobInstanceSpec => ({ jobName: 'survivor', version: '1.0.0', replicas: 2, artefact: artefact(), env: {}, deploymentTimestamp: 42 });

  after(async () => {
    await createLocalDriver({ dataDir: dataDir() }).remove('survivor', '1.0.0');
  });

  it('finds its running jobs again from a new driver on the same data dir (server restart)', async () => {
    const first = createLocalDriver({ dataDir: dataDir(), stopGraceMs: 2000 });
    const instances = await first.deploy(spec());
    await first.close();
    const second = createLocalDriver({ dataDir: dataDir(), stopGraceMs: 2000 });
    const listed = (await second.list()).filter((i) => i.jobName === 'survivor');
    assert.deepEqual(listed.map((i) => [i.id, i.state]), instances.map((i) => [i.id, 'running']));
    await second.remove('survivor', '1.0.0');
    for (const instance of instances) {
      await waitFor('the adopted process to be gone', () => !isAlive(Number(instance.id)));
    }
    assert.deepEqual(await second.list(), []);
  });

  it('does not mistake a reused pid for its job', async () => {
    const driver = createLocalDriver({ dataDir: dataDir(), stopGraceMs: 2000 });
    const [instance] = await driver.deploy({ ...spec(), replicas: 1 });
    const stateFile = versionPaths(dataDir(), 'survivor', '1.0.0').replicaState(0);
    const state = JSON.parse(await readFile(stateFile, 'utf8')) as Record<string, unknown>;
    // Pretend the saved pid now belongs to another process: this test process.
    await writeFile(stateFile, JSON.stringify({ ...state, pid: process.pid }));
    const listed = (await driver.list()).find((i) => i.jobName === 'survivor');
    assert.equal(listed?.state, 'exited');
    // Removing must not signal the unrelated process (this test would die); then clean up the real one.
    await driver.remove('survivor', '1.0.0');
    process.kill(Number(instance?.id), 'SIGKILL');
  });

  it('refuses an image artefact with a message naming the fix', async () => {
    await assert.rejects(
      createLocalDriver({ dataDir: dataDir() }).deploy({ ...spec(), artefact: { kind: 'image', image: 'x:1' } }),
      /not images/,
    );
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
