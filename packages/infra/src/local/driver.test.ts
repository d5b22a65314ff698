/** @module Tests of the local driver: the shared conformance suite plus what only local processes do (survive a server restart). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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
    // Whatever a failed test left running is stopped here.
    for (const dir of [dataDir(), path.join(root, 'group'), path.join(root, 'killed-server'), path.join(root, 'set-aside'), path.join(root, 'keep-logs')]) {
      const driver = createLocalDriver({ dataDir: dir, stopGraceMs: 1000 });
      for (const instance of await driver.list()) await driver.remove(instance.jobName, instance.version);
    }
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

  it('finds and removes the jobs of a server that was killed with SIGKILL', async () => {
    const serverDataDir = path.join(root, 'killed-server');
    const serverScript = path.join(root, 'server.mjs');
    const driverModule = pathToFileURL(path.join(import.meta.dirname, 'index.ts')).href;
    await writeFile(
      serverScript,
      `const { createLocalDriver } = await import(${JSON.stringify(driverModule)});
       const driver = createLocalDriver({ dataDir: ${JSON.stringify(serverDataDir)} });
       const spec = JSON.parse(process.argv[2]);
       await driver.deploy(spec);
       console.log('deployed');
       setInterval(() => {}, 1000);`,
    );
    const server = spawn(process.execPath, [serverScript, JSON.stringify({ ...spec(), jobName: 'orphan', replicas: 1 })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor('the server to deploy', () => output.includes('deployed'));
    } finally {
      server.kill('SIGKILL');
    }
    const driver = createLocalDriver({ dataDir: serverDataDir, stopGraceMs: 2000 });
    const [survivor] = await driver.list();
    assert.equal(survivor?.state, 'running');
    await driver.remove('orphan', '1.0.0');
    await waitFor('the orphaned job to be gone', () => !isAlive(Number(survivor?.id)));
    assert.deepEqual(await driver.list(), []);
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

  it('stops the whole process group, helpers the job started included', async () => {
    const pidFile = path.join(root, 'grandchild.pid');
    const parentJob = path.join(root, 'parent-job.cjs');
    await writeFile(
      parentJob,
      `const { spawn } = require('node:child_process');
       const helper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
       require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(helper.pid));
       require(${JSON.stringify(jobFile)});`,
    );
    const driver = createLocalDriver({ dataDir: path.join(root, 'group'), stopGraceMs: 2000 });
    await driver.deploy({ ...spec(), jobName: 'group', replicas: 1, artefact: { kind: 'process', cwd: root, command: process.execPath, args: [parentJob] } });
    const helperPid = Number(await waitFor('the helper pid', () => readFile(pidFile, 'utf8').catch(() => undefined)));
    assert.ok(isAlive(helperPid));
    await driver.remove('group', '1.0.0');
    await waitFor('the helper to be gone', () => !isAlive(helperPid));
  });

  it('starts a replica with a fresh log when the old one grew too big', async () => {
    const driver = createLocalDriver({ dataDir: dataDir(), stopGraceMs: 2000, maxLogBytes: 10 });
    const [instance] = await driver.deploy({ ...spec(), replicas: 1 });
    await waitFor('the start line', async () => (await driver.readLogs('survivor', '1.0.0', 0)).includes('test job listening'));
    process.kill(Number(instance?.id), 'SIGKILL');
    await waitFor('the crash to be seen', async () => (await driver.list()).find((i) => i.jobName === 'survivor')?.state === 'exited');
    await driver.restart('survivor', '1.0.0', 0);
    const logFile = versionPaths(dataDir(), 'survivor', '1.0.0').replicaLog(0);
    assert.match(await readFile(`${logFile}.1`, 'utf8'), /test job listening/);
    await driver.remove('survivor', '1.0.0');
  });

  it('stops instances a dead server set aside and never retired', async () => {
    const dir = path.join(root, 'set-aside');
    const first = createLocalDriver({ dataDir: dir, stopGraceMs: 2000 });
    const [old] = await first.deploy({ ...spec(), replicas: 1 });
    await first.deploy({ ...spec(), replicas: 1, deploymentTimestamp: 43 }, { keepPrevious: true });
    // A new driver (the server restarted before retiring) stops the set-aside process on its first look.
    const second = createLocalDriver({ dataDir: dir, stopGraceMs: 2000 });
    assert.equal((await second.list()).length, 1);
    await waitFor('the set-aside process to be gone', () => !isAlive(Number(old?.id)));
    await second.close();
    await second.remove('survivor', '1.0.0');
  });

  it('keeps the logs when removing with keepLogs (graceful server stop) and appends after the restart', async () => {
    const dir = path.join(root, 'keep-logs');
    const driver = createLocalDriver({ dataDir: dir, stopGraceMs: 2000 });
    await driver.deploy({ ...spec(), replicas: 1 });
    await waitFor('the start line', async () => (await driver.readLogs('survivor', '1.0.0', 0)).includes('test job listening'));
    await driver.remove('survivor', '1.0.0', { keepLogs: true });
    assert.deepEqual(await driver.list(), []);
    await driver.deploy({ ...spec(), replicas: 1 });
    await waitFor('two start lines', async () => (await driver.readLogs('survivor', '1.0.0', 0)).match(/test job listening/g)?.length === 2);
    await driver.remove('survivor', '1.0.0');
    assert.equal(await driver.readLogs('survivor', '1.0.0', 0), '');
  });

  it('refuses an image artefact with a message naming the fix', async () => {
    await assert.rejects(
      createLocalDriver({ dataDir: dataDir() }).deploy({ ...spec(), artefact: { kind: 'image', image: 'x:1' } }),
      /not images/,
    );
  });
});

/** Alive and not a zombie (an orphan's zombie may linger where PID 1 does not reap). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? '');
  } catch {
    return false;
  }
}
