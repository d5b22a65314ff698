/** @module Job images built from the job-type templates and run through the docker driver, on a real Docker Engine. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { buildJobImage } from '@racetrack/builder';
import type { InfraDriver, JobInstance } from '@racetrack/infra';
import { createDockerDriver } from '@racetrack/infra/docker';
import { nodeJobType } from '@racetrack/job-types';
import { waitFor } from '../../../packages/infra/src/core/driver-suite.ts';
import { prepareEngine, repoPath } from './engine.ts';

const engine = await prepareEngine();
if (engine.skip) console.log(`# ${engine.skip}`);

describe('job images on the docker infrastructure', { skip: engine.skip }, () => {
  const docker = engine.docker as NonNullable<typeof engine.docker>;
  let root: string;
  let driver: InfraDriver;
  const deployed: Array<[string, string]> = [];
  const builtImages: string[] = [];
  const proxyJob = `proxy-job-${process.pid}`;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'rt-docker-images-'));
    driver = createDockerDriver({ docker, network: 'racetrack-test' });
  });

  after(async () => {
    for (const [name, version] of deployed) await driver.remove(name, version);
    await driver.close();
    // Only the job images this file built; base images stay for the next run (they are content-tagged).
    for (const image of builtImages) await docker.getImage(image).remove({ force: true });
    // Images the noCache rebuild and the failed build left untagged.
    await docker.pruneImages({ filters: { dangling: ['true'], label: [`racetrack.job-name=${proxyJob}`] } });
    await rm(root, { recursive: true, force: true });
  });

  async function readManifest(dir: string): Promise<Record<string, unknown>> {
    return parse(await readFile(path.join(dir, 'job.yaml'), 'utf8')) as Record<string, unknown>;
  }

  function hashOf(...parts: string[]): string {
    return createHash('sha256').update(parts.join('\0')).digest('hex');
  }

  async function deployImage(image: string, jobName: string, version: string, timestamp: number): Promise<JobInstance> {
    deployed.push([jobName, version]);
    const [instance] = await driver.deploy({
      jobName,
      version,
      replicas: 1,
      artefact: { kind: 'image', image },
      env: { JOB_NAME: jobName, JOB_VERSION: version },
      deploymentTimestamp: timestamp,
    });
    assert.ok(instance);
    await waitFor(`${jobName} /live`, async () => {
      const body = (await (await fetch(`http://${instance.address}/live`, { signal: AbortSignal.timeout(2000) })).json()) as { deployment_timestamp?: unknown };
      return String(body.deployment_timestamp) === String(timestamp);
    }, 120_000);
    await waitFor(`${jobName} /ready`, async () => (await fetch(`http://${instance.address}/ready`, { signal: AbortSignal.timeout(2000) })).status === 200, 60_000);
    return instance;
  }

  async function perform(instance: JobInstance, body: unknown): Promise<unknown> {
    const response = await fetch(`http://${instance.address}/api/v1/perform`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    assert.equal(response.status, 200);
    return response.json();
  }

  it('builds the TypeScript sample adder, serves it, shows its logs, reports a killed container and removes it', async () => {
    const sourceDir = repoPath('samples', 'adder');
    const manifest = await readManifest(sourceDir);
    const workspaceDir = path.join(root, 'adder-ws');
    await mkdir(workspaceDir);
    const log: string[] = [];
    await nodeJobType.buildLocal({ sourceDir, workspaceDir, manifest, buildEnv: {}, log: (line) => log.push(line), noCache: false });
    const built = await buildJobImage({
      workspaceDir,
      manifest,
      jobType: nodeJobType,
      contentHash: hashOf(await readFile(path.join(sourceDir, 'job.ts'), 'utf8'), String(Date.now())),
      onLog: (line) => log.push(line),
    });
    builtImages.push(built.image);
    assert.match(built.image, /^racetrack\/job\/adder:0\.0\.1-[0-9a-f]{12}$/);
    assert.ok(log.some((line) => /^(?:CACHED )?\[(?:\S+ )?\d+\/\d+\] COPY \. \/src\/job\//.test(line)), 'build steps are streamed as log lines');
    assert.ok(log.includes(`built image ${built.image} (${built.imageId.slice(0, 19)})`), 'the build log ends with the image built');
    const labels = (await docker.getImage(built.image).inspect()).Config.Labels;
    assert.equal(labels['racetrack-component'], 'job');
    assert.equal(labels['racetrack.job-name'], 'adder');

    const jobName = `adder-${process.pid}`;
    const instance = await deployImage(built.image, jobName, '0.0.1', 1700000101);
    assert.deepEqual(await perform(instance, { numbers: [40, 2] }), 42);
    const docs = await fetch(`http://${instance.address}/docs`);
    assert.equal(docs.status, 200, 'Swagger UI is served from the image');
    await docs.arrayBuffer();
    await waitFor('job logs', async () => (await driver.readLogs(jobName, '0.0.1', 50)).length > 0, 15_000);

    await docker.getContainer(instance.id).kill();
    const exited = await waitFor('the killed container listed as exited', async () => {
      const found = (await driver.list()).find((i) => i.jobName === jobName);
      return found?.state === 'exited' && found;
    }, 15_000);
    assert.equal(exited.exitCode, 137);

    await driver.remove(jobName, '0.0.1');
    assert.equal((await driver.list()).filter((i) => i.jobName === jobName).length, 0);
  });

  it('builds the Python sample adder with a secret build var that stays out of the image', async () => {
    const sourceDir = repoPath('samples', 'python-adder');
    const manifest = await readManifest(sourceDir);
    const secret = `s3cret-${process.pid}-${Date.now()}`;
    const log: string[] = [];
    const built = await buildJobImage({
      workspaceDir: sourceDir,
      manifest,
      jobType: { name: 'python3', version: '0.1.0' },
      contentHash: hashOf('python-adder', secret),
      buildEnv: { PIP_EXTRA_TOKEN: secret },
      onLog: (line) => log.push(line),
    });
    builtImages.push(built.image);
    assert.ok(!log.some((line) => line.includes(secret)), 'the secret never appears in the build log');
    const history = await docker.getImage(built.image).history();
    assert.ok(!JSON.stringify(history).includes(secret), 'the secret is not in the image history');

    const jobName = `python-adder-${process.pid}`;
    const instance = await deployImage(built.image, jobName, '0.0.2', 1700000102);
    assert.deepEqual(await perform(instance, { numbers: [40, 2] }), 42);
    const swagger = await fetch(`http://${instance.address}/docs/static/swagger-ui-bundle.js`);
    assert.equal(swagger.status, 200, 'Swagger UI assets are in the image');
    await swagger.arrayBuffer();
    const exec = await docker.getContainer(instance.id).exec({ Cmd: ['sh', '-c', 'ls -A /src/job; cat /src/job/* 2>/dev/null'], AttachStdout: true, AttachStderr: true });
    const output = await new Promise<string>((resolve, reject) => {
      exec.start({}, (error, stream) => {
        if (error || !stream) return reject(error ?? new Error('no exec stream'));
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      });
    });
    assert.ok(!output.includes('.racetrack-job.Dockerfile'), 'the rendered Dockerfile is not left in the job directory');
    assert.ok(!output.includes(secret), 'the secret is not in the job files');
  });

  it('reuses the image of unchanged content, rebuilds with noCache, and reports the failing step of a broken Dockerfile', async () => {
    const jobDir = path.join(root, 'proxy-job');
    await mkdir(jobDir);
    const manifest = { name: proxyJob, version: '1.0.0', jobtype: 'docker-proxy:latest' };
    await writeFile(path.join(jobDir, 'Dockerfile'), 'FROM debian:bookworm-slim\nRUN echo building-proxy-job\n');
    const options = { workspaceDir: jobDir, manifest, jobType: { name: 'docker-proxy', version: '0.1.0' }, contentHash: hashOf('proxy', String(Date.now())) };
    const first = await buildJobImage(options);
    assert.equal(first.reused, false);
    assert.equal((await buildJobImage(options)).reused, true);
    const log: string[] = [];
    const rebuilt = await buildJobImage({ ...options, noCache: true, onLog: (line) => log.push(line) });
    assert.equal(rebuilt.reused, false);
    assert.ok(log.includes('  building-proxy-job'), 'with noCache the RUN step runs again');

    await writeFile(path.join(jobDir, 'Dockerfile'), 'FROM debian:bookworm-slim\nRUN echo about-to-fail && exit 3\n');
    await assert.rejects(buildJobImage({ ...options, contentHash: hashOf('broken', String(Date.now())) }), (error: Error) => {
      assert.match(error.message, /RUN echo about-to-fail && exit 3/);
      assert.match(error.message, /exit code: 3/);
      return true;
    });
    builtImages.push(rebuilt.image);
  });

  it('rebuilds the job type\'s base image too with noCache', async () => {
    const sourceDir = repoPath('samples', 'python-adder');
    const options = { workspaceDir: sourceDir, manifest: await readManifest(sourceDir), jobType: { name: 'python3', version: '0.1.0' }, contentHash: hashOf('python-no-cache', String(Date.now())) };
    // A first build leaves the base image in place, so the second finds it and must build it anyway.
    const first = await buildJobImage(options);
    builtImages.push(first.image);
    const log: string[] = [];
    const rebuilt = await buildJobImage({ ...options, noCache: true, onLog: (line) => log.push(line) });
    assert.equal(rebuilt.reused, false);
    assert.ok(log.some((line) => /^building base image racetrack\/job-base\/python3:\S+ \(no cache\)$/.test(line)), `the base was not rebuilt:\n${log.join('\n')}`);
    assert.ok(!log.some((line) => line.endsWith('is up to date')), 'with noCache the base is not reused');
    // A local FROM image always shows as CACHED (nothing to pull); every step after it must run.
    assert.ok(!log.some((line) => line.startsWith('CACHED [') && !/\] FROM /.test(line)), `with noCache no step comes from the build cache:\n${log.join('\n')}`);
  });

  it('runs a docker-proxy job: the user\'s own Dockerfile serving on port 7000', async () => {
    const jobDir = path.join(root, 'own-dockerfile');
    await mkdir(path.join(jobDir, 'app'), { recursive: true });
    await writeFile(path.join(jobDir, 'app', 'Containerfile'), [
      'FROM node:24-bookworm-slim',
      // The original's secret id: build vars reach this step only.
      'RUN --mount=type=secret,id=build_secrets set -a && . /run/secrets/build_secrets && test "$API_TOKEN" = "$EXPECTED" && echo "build secret seen"',
      'COPY app/server.cjs /srv/server.cjs',
      'CMD ["node", "/srv/server.cjs"]',
      '',
    ].join('\n'));
    await writeFile(path.join(jobDir, 'app', 'server.cjs'), `require('node:http').createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  if (req.url === '/live') return res.end(JSON.stringify({ deployment_timestamp: Number(process.env.JOB_DEPLOYMENT_TIMESTAMP) }));
  if (req.url === '/ready') return res.end('{}');
  res.end(JSON.stringify({ job: process.env.JOB_NAME, port: process.env.PORT }));
}).listen(7000);\n`);
    const manifest = { name: 'own-dockerfile', version: '0.1.0', jobtype: 'docker-proxy:latest', jobtype_extra: { dockerfile_path: 'app/Containerfile' } };
    const secret = `t0ken-${Date.now()}`;
    const log: string[] = [];
    const built = await buildJobImage({
      workspaceDir: jobDir, manifest, jobType: { name: 'docker-proxy', version: '0.1.0' }, contentHash: hashOf('own', secret),
      buildEnv: { API_TOKEN: secret, EXPECTED: secret }, onLog: (line) => log.push(line),
    });
    builtImages.push(built.image);
    assert.ok(log.some((line) => line.includes('build secret seen')), 'the RUN step read the build secret');
    assert.ok(!log.some((line) => line.includes(secret)), 'the secret never appears in the build log');
    assert.ok(!JSON.stringify(await docker.getImage(built.image).history()).includes(secret), 'the secret is not in the image history');
    assert.equal((await docker.getImage(built.image).inspect()).Config.Labels['racetrack.job-name'], 'own-dockerfile');
    await assert.rejects(
      buildJobImage({ workspaceDir: jobDir, manifest: { ...manifest, jobtype_extra: { dockerfile_path: 'nope/Dockerfile' } }, jobType: { name: 'docker-proxy', version: '0.1.0' }, contentHash: hashOf('nope') }),
      /Dockerfile nope\/Dockerfile not found in the job directory/,
    );
    const jobName = `own-dockerfile-${process.pid}`;
    const instance = await deployImage(built.image, jobName, '0.1.0', 1700000103);
    const body = (await (await fetch(`http://${instance.address}/anything`)).json()) as Record<string, unknown>;
    assert.deepEqual(body, { job: jobName, port: '7000' });
  });
});
