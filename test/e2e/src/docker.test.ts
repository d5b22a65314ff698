/**
 * @module End to end on the `docker` infrastructure target, through `racetrack server` and the CLI: the
 * TypeScript, Python and docker-proxy samples are deployed with two replicas, called through PUB and
 * `racetrack call`, show their logs and image build logs, come back after `docker kill`, and are deleted;
 * a local job moves to docker; docker-proxy is refused on local. Skipped only when no Docker Engine can start.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { JobDto } from '@racetrack/core';
import { copyJob, liveJobProcesses, prepareDockerEngine, repoRoot, startTestServer, waitFor, type TestServer } from '@racetrack/testkit';
import { getJson } from './helpers.ts';

const run = promisify(execFile);

/** Ids of the running containers of one job version (the driver's labels), by replica. */
async function runningContainers(name: string, version: string): Promise<Map<number, string>> {
  const { stdout } = await run('docker', ['ps', '--filter', `label=racetrack.job-name=${name}`, '--filter', `label=racetrack.job-version=${version}`,
    '--format', '{{.ID}} {{.Label "racetrack.replica"}}']);
  const byReplica = new Map<number, string>();
  for (const line of stdout.trim().split('\n').filter(Boolean)) {
    const [id, replica] = line.split(' ');
    byReplica.set(Number(replica), id ?? '');
  }
  return byReplica;
}

/** Ids of the images built for a job (by the builder's label), one a line; empty when none. */
async function jobImages(name: string): Promise<string> {
  return (await run('docker', ['images', '-q', '--filter', `label=racetrack.job-name=${name}`])).stdout.trim();
}

/** Whether a container runs, and when it was last started. */
async function startedAt(id: string): Promise<{ running: boolean; at: string }> {
  const { stdout } = await run('docker', ['inspect', '-f', '{{.State.Running}} {{.State.StartedAt}}', id]);
  const [running, at] = stdout.trim().split(' ');
  return { running: running === 'true', at: at ?? '' };
}

async function perform(url: string, numbers: number[]): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ numbers }) });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as unknown };
  } catch {
    return { status: response.status, body: text };
  }
}

/** Phases a deployment went through, from the `--- <phase> (+N ms)` lines of its build log. */
function phasesIn(buildLog: string): string[] {
  return [...buildLog.matchAll(/^--- (.+) \(\+\d+ ms\)$/gm)].map((match) => match[1] ?? '');
}

/** Spec 8.3 on the docker target without a registry (no push): the image build between the source and the containers. */
const dockerPhases = [
  'fetching the source code', 'preparing job type builder', 'building image (1/1)', 'finalizing the build',
  'creating cluster resources', 'starting Job server', 'initializing Job entrypoint', 'post-deploy hooks',
];

let server: TestServer | undefined;
let skipReason: string | undefined;
before(async () => {
  skipReason = await prepareDockerEngine();
  if (skipReason) {
    console.log(`# docker e2e skipped: ${skipReason}`);
    return;
  }
  server = await startTestServer({ env: { RACETRACK_DOCKER: 'true', ...(process.env['DOCKER_HOST'] ? { DOCKER_HOST: process.env['DOCKER_HOST'] } : {}) } });
  const info = await getJson<{ infrastructure_targets: string[] }>(`${server.lifecycleUrl}/api/v1/info`);
  assert.ok(info.body.infrastructure_targets.includes('docker'), `the server offers no docker target although the engine answers:\n${server.output().slice(-3000)}`);
});
after(async () => { await server?.stop(); });

// Fixed names: a run that fails before its delete leaves images that the next run's delete removes.
const samples = [
  { label: 'TypeScript adder', dir: 'samples/adder', name: 'e2e-dk-ts', logLine: undefined },
  { label: 'Python adder', dir: 'samples/python-adder', name: 'e2e-dk-py', logLine: undefined },
  { label: 'docker-proxy adder', dir: 'samples/docker-proxy', name: 'e2e-dk-proxy', logLine: /listening on 7000/ },
];
const version = '1.0.0';

describe('the samples on the docker target', () => {
  test('deploy, call, replicas, logs, build logs, a killed container returns, delete', { timeout: 240_000 }, async (t) => {
    if (!server) {
      t.skip(skipReason);
      return;
    }
    const srv = server;
    // Deployed side by side: the builds overlap and the file stays well inside its time budget.
    const deployed = await Promise.all(samples.map(async (sample) => {
      const dir = await copyJob(join(repoRoot, sample.dir), join(srv.workDir, sample.name), { name: sample.name, version, replicas: 2 });
      return { sample, result: await srv.cli(['deploy', dir, '-e', 'infrastructure_target=docker', '--force'], { timeoutMs: 200_000 }) };
    }));
    for (const { sample, result } of deployed) assert.equal(result.code, 0, `${sample.label}: ${result.stdout}\n${result.stderr}`);

    for (const { sample, result: deployment } of deployed) {
      await t.test(sample.label, async () => {
        const pubUrl = `${srv.pubUrl}/job/${sample.name}/${version}/api/v1/perform`;
        const job = (await getJson<JobDto>(`${srv.lifecycleUrl}/api/v1/job/${sample.name}/${version}`)).body;
        assert.equal(job.infrastructure_target, 'docker');
        assert.equal(job.status, 'running');

        // Through PUB and through `racetrack call`.
        const viaPub = await waitFor('PUB to route to the job', async () => {
          const answer = await perform(pubUrl, [40, 2]);
          return answer.status === 200 ? answer : undefined;
        }, 15_000);
        assert.equal(viaPub.body, 42);
        const called = await srv.cli(['call', sample.name, '/api/v1/perform', '{"numbers": [1, 2]}', '--version', version]);
        assert.equal(called.code, 0, called.stderr);
        assert.match(called.stdout, /\b3\b/);

        // Two replicas, two containers, each serving.
        assert.equal(job.replica_internal_names.length, 2);
        assert.equal((await runningContainers(sample.name, version)).size, 2);
        for (const address of job.replica_internal_names) assert.equal((await perform(`http://${address}/api/v1/perform`, [5, 5])).body, 10, `replica ${address}`);

        // Job logs and the image build lines in the deployment's build logs.
        const logs = await srv.cli(['logs', sample.name, '--version', version, '--tail', '50']);
        assert.equal(logs.code, 0, logs.stderr);
        assert.ok(logs.stdout.trim().length > 0, 'racetrack logs printed nothing');
        if (sample.logLine) assert.match(logs.stdout, sample.logLine);
        const imageLine = new RegExp(`image racetrack/job/${sample.name}:${version.replace(/\./g, '\\.')}-`);
        const buildLogs = await srv.cli(['build-logs', sample.name, '--version', version]);
        assert.equal(buildLogs.code, 0, buildLogs.stderr);
        assert.match(buildLogs.stdout, imageLine, buildLogs.stdout);
        // ...and the deploy command showed them while it followed the deployment.
        assert.match(`${deployment.stdout}\n${deployment.stderr}`, imageLine, deployment.stdout);
        // The image is built in the build phases (spec 8.3), before any container is created.
        assert.deepEqual(phasesIn(buildLogs.stdout), dockerPhases, buildLogs.stdout);

        // docker kill one container: the supervisor starts it again (same container, a new start time).
        const victim = (await runningContainers(sample.name, version)).get(0);
        assert.ok(victim, 'no container for replica 0');
        const startedBefore = await startedAt(victim);
        await run('docker', ['kill', victim]);
        await waitFor('the killed container to run again', async () => {
          const state = await startedAt(victim);
          return state.running && state.at !== startedBefore.at;
        }, 30_000, 200);
        const healed = await waitFor('the job to count the restart and answer again', async () => {
          const current = (await getJson<JobDto>(`${srv.lifecycleUrl}/api/v1/job/${sample.name}/${version}`)).body;
          const answer = await perform(pubUrl, [2, 2]);
          return current.status === 'running' && answer.status === 200 && Number(current.infrastructure_stats['number_of_restarts']) >= 1 ? current : undefined;
        }, 30_000, 200);
        assert.equal(healed.replica_internal_names.length, 2);
        assert.equal((await runningContainers(sample.name, version)).size, 2);

        // Delete: PUB answers 404 and no container and no job image is left.
        const deleted = await srv.cli(['delete', sample.name, '--version', version]);
        assert.equal(deleted.code, 0, deleted.stderr);
        await waitFor('PUB to answer 404', async () => (await perform(pubUrl, [1])).status === 404, 15_000);
        assert.equal((await run('docker', ['ps', '-a', '-q', '--filter', `label=racetrack.job-name=${sample.name}`])).stdout.trim(), '');
        assert.equal(await jobImages(sample.name), '', 'the job images were left after the delete');
      });
    }
  });

  test('docker-proxy deployed to local is refused with a message naming infrastructure_target: docker', async (t) => {
    if (!server) {
      t.skip(skipReason);
      return;
    }
    const dir = await copyJob(join(repoRoot, 'samples/docker-proxy'), join(server.workDir, 'proxy-on-local'), { name: 'e2e-dk-proxy-local', version });
    const result = await server.cli(['deploy', dir, '-e', 'infrastructure_target=local']);
    assert.notEqual(result.code, 0);
    assert.match(`${result.stdout}\n${result.stderr}`, /infrastructure_target: docker/);
    const job = await fetch(`${server.lifecycleUrl}/api/v1/job/e2e-dk-proxy-local/${version}`);
    assert.equal(job.status, 404);
  });

  test('a docker-proxy Dockerfile that fails to build shows the failing step and its output', async (t) => {
    if (!server) {
      t.skip(skipReason);
      return;
    }
    const dir = await copyJob(join(repoRoot, 'samples/docker-proxy'), join(server.workDir, 'broken-proxy'), { name: 'e2e-dk-broken', version });
    await writeFile(join(dir, 'Dockerfile'), 'FROM python:3.11-slim-bookworm\nRUN echo about to fail && exit 3\n');
    const result = await server.cli(['deploy', dir, '--force']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /failed.*RUN echo about to fail && exit 3.*exit code: 3/);
    assert.match(result.stderr, /^ {2}about to fail$/m);
    assert.equal((await fetch(`${server.lifecycleUrl}/api/v1/job/e2e-dk-broken/${version}`)).status, 404);
  });

  test('deploy --no-cache rebuilds the docker image instead of reusing it', { timeout: 120_000 }, async (t) => {
    if (!server) {
      t.skip(skipReason);
      return;
    }
    const name = 'e2e-dk-nocache';
    const dir = await copyJob(join(repoRoot, 'samples/docker-proxy'), join(server.workDir, name), { name, version });
    const first = await server.cli(['deploy', dir, '-e', 'infrastructure_target=docker', '--force'], { timeoutMs: 100_000 });
    assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
    const image = /image (racetrack\/job\/\S+)/.exec(`${first.stdout}\n${first.stderr}`)?.[1];
    assert.ok(image, `the deploy output names no job image:\n${first.stdout}\n${first.stderr}`);
    const imageIdOf = async () => (await run('docker', ['image', 'inspect', '-f', '{{.Id}}', image])).stdout.trim();
    const before = await imageIdOf();

    const again = await server.cli(['deploy', dir, '-e', 'infrastructure_target=docker', '--force', '--no-cache'], { timeoutMs: 100_000 });
    const output = `${again.stdout}\n${again.stderr}`;
    assert.equal(again.code, 0, output);
    assert.ok(output.includes(`building image ${image} (no cache)`), `the image was not rebuilt without cache:\n${output}`);
    assert.doesNotMatch(output, /already built for this content/);
    assert.notEqual(await imageIdOf(), before, 'the image id did not change after a --no-cache build');

    const deleted = await server.cli(['delete', name, '--version', version]);
    assert.equal(deleted.code, 0, deleted.stderr);
  });

  test('a container that exits at start fails the deploy with its last log lines', { timeout: 120_000 }, async (t) => {
    if (!server) {
      t.skip(skipReason);
      return;
    }
    const name = 'e2e-dk-exits';
    const dir = await copyJob(join(repoRoot, 'test/e2e/fixtures/exits-at-start'), join(server.workDir, name), { name, version });
    const result = await server.cli(['deploy', dir, '--force'], { timeoutMs: 100_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    assert.notEqual(result.code, 0, output);
    assert.match(output, /exited with code 3/);
    assert.match(output, /exits-at-start: DATABASE_URL is not set, giving up/);
    assert.equal((await fetch(`${server.lifecycleUrl}/api/v1/job/${name}/${version}`)).status, 404);
    assert.equal((await run('docker', ['ps', '-a', '-q', '--filter', `label=racetrack.job-name=${name}`])).stdout.trim(), '');
  });

  test('racetrack move takes a local job to docker', { timeout: 120_000 }, async (t) => {
    if (!server) {
      t.skip(skipReason);
      return;
    }
    const name = 'e2e-dk-move';
    const dir = await copyJob(join(repoRoot, 'samples/adder'), join(server.workDir, name), { name, version });
    const deployed = await server.cli(['deploy', dir, '--force']);
    assert.equal(deployed.code, 0, `${deployed.stdout}\n${deployed.stderr}`);
    assert.equal((await liveJobProcesses(server.dataDir)).length, 1);

    const moved = await server.cli(['move', name, '--version', version, '--infrastructure', 'docker'], { timeoutMs: 150_000 });
    assert.equal(moved.code, 0, `${moved.stdout}\n${moved.stderr}\n${server.output().slice(-3000)}`);
    const job = (await getJson<JobDto>(`${server.lifecycleUrl}/api/v1/job/${name}/${version}`)).body;
    assert.equal(job.infrastructure_target, 'docker');
    assert.equal((await runningContainers(name, version)).size, 1);
    assert.deepEqual(await liveJobProcesses(server.dataDir), [], 'the local process was left running');
    const answer = await waitFor('the moved job to answer through PUB', async () => {
      const result = await perform(`${server?.pubUrl}/job/${name}/${version}/api/v1/perform`, [40, 2]);
      return result.status === 200 ? result : undefined;
    }, 15_000);
    assert.equal(answer.body, 42);

    const deleted = await server.cli(['delete', name, '--version', version]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal((await runningContainers(name, version)).size, 0);
    assert.equal(await jobImages(name), '', 'the job images were left after the delete');
  });
});
