/** @module Pushing a job image to the registry of the server config (a fake registry here: none is reachable). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildJobImage, pushJobImage } from '@racetrack/builder';
import { startFakeRegistry, type FakeRegistry } from './fake-registry.ts';
import { prepareEngine } from './engine.ts';

const engine = await prepareEngine();
if (engine.skip) console.log(`# ${engine.skip}`);

describe('image push', { skip: engine.skip }, () => {
  const docker = engine.docker as NonNullable<typeof engine.docker>;
  let root: string;
  let registry: FakeRegistry;
  const images: string[] = [];

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'rt-docker-push-'));
    registry = await startFakeRegistry();
  });

  after(async () => {
    for (const image of images) await docker.getImage(image).remove({ force: true });
    await registry.close();
    await rm(root, { recursive: true, force: true });
  });

  it('tags the job image under the registry namespace and pushes its layers and manifest', async () => {
    await writeFile(path.join(root, 'Dockerfile'), `FROM debian:bookworm-slim\nRUN echo pushed-${process.pid}-${Date.now()} > /marker\n`);
    const manifest = { name: `pushed-${process.pid}`, version: '1.0.0', jobtype: 'docker-proxy:latest' };
    const built = await buildJobImage({ workspaceDir: root, manifest, jobType: { name: 'docker-proxy', version: '0.1.0' }, contentHash: `${Date.now()}abcdef` });
    images.push(built.image);
    const log: string[] = [];
    const pushed = await pushJobImage(docker, built.image, { registry: registry.address }, (line) => log.push(line));
    images.push(pushed);
    const tag = built.image.split(':')[1] as string;
    assert.equal(pushed, `${registry.address}/racetrack/job/${manifest.name}:${tag}`);
    assert.ok(registry.manifests.has(`racetrack/job/${manifest.name}:${tag}`), 'the manifest reached the registry');
    assert.ok(registry.blobs.size >= 2, 'layers and config reached the registry');
    assert.ok(log.some((line) => /Pushed|digest/.test(line)), `push progress is logged: ${log.join(' | ')}`);
  });

  it('names the registry problem when the push fails', async () => {
    images.push('127.0.0.1:1/racetrack/debian:bookworm-slim');
    await assert.rejects(pushJobImage(docker, 'debian:bookworm-slim', { registry: '127.0.0.1:1' }), /pushing 127\.0\.0\.1:1\/racetrack\/debian:bookworm-slim failed: .*check the registry address and credentials \(RACETRACK_DOCKER_REGISTRY/s);
  });
});
