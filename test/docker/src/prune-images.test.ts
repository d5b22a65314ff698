/**
 * @module Pruning job images on a real Docker Engine: a registered version's images of content it no longer runs go;
 * its current image, images a container uses, young images and other job versions' images stay.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Dockerode from 'dockerode';
import { pruneJobImages } from '@racetrack/builder';
import { buildImageFromFiles, prepareEngine } from './engine.ts';

const engine = await prepareEngine();
if (engine.skip) console.log(`# ${engine.skip}`);

describe('job image pruning', { skip: engine.skip }, () => {
  if (!engine.docker) return;
  const docker = engine.docker;
  const jobName = `prune-test-${process.pid}`;
  const repository = `racetrack/job/${jobName}`;
  const images = [
    { tag: `${repository}:1.0.0-current`, version: '1.0.0', hash: 'current' },
    { tag: `${repository}:1.0.0-previous`, version: '1.0.0', hash: 'previous' },
    { tag: `${repository}:1.0.0-running`, version: '1.0.0', hash: 'running' },
    { tag: `${repository}:2.0.0-unregistered`, version: '2.0.0', hash: 'unregistered' },
  ];
  const containers: Dockerode.Container[] = [];
  after(async () => {
    for (const container of containers) await container.remove({ force: true });
    for (const info of await docker.listImages({ filters: { label: [`racetrack.job-name=${jobName}`] } })) await docker.getImage(info.Id).remove({ force: true });
  });

  it('removes a registered version\'s images of builds it no longer runs, and nothing else', async () => {
    for (const image of images) {
      await buildImageFromFiles(docker, image.tag, { Dockerfile: `FROM debian:bookworm-slim\nLABEL prune-test=${image.hash}\n` }, {
        'racetrack-component': 'job', 'racetrack.image-kind': 'job', 'racetrack.job-name': jobName, 'racetrack.job-version': image.version,
        'racetrack.content-hash': image.hash,
      });
    }
    const container = await docker.createContainer({ Image: `${repository}:1.0.0-running`, Cmd: ['sleep', '600'] });
    containers.push(container);
    await container.start();
    const registered = [{ jobName, version: '1.0.0', contentHash: 'current' }];

    // Just built: too young to go at the default minimum age.
    assert.deepEqual((await pruneJobImages(docker, registered, { buildCacheHours: 0 })).filter((name) => name.startsWith(repository)), []);
    // Later (the clock moved on two hours), the previous build goes; the others stay.
    const removed = await pruneJobImages(docker, registered, { buildCacheHours: 0, now: Date.now() + 2 * 3_600_000 });
    assert.deepEqual(removed.filter((name) => name.startsWith(repository)), [`${repository}:1.0.0-previous`]);
    const left = (await docker.listImages({ filters: { label: [`racetrack.job-name=${jobName}`] } })).flatMap((image) => image.RepoTags ?? []).sort();
    assert.deepEqual(left, [`${repository}:1.0.0-current`, `${repository}:1.0.0-running`, `${repository}:2.0.0-unregistered`]);
  });
});
