/** @module Pruning job images on a real Docker Engine: unused builds go; registered, young and running ones stay. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pack } from 'tar-stream';
import type Dockerode from 'dockerode';
import { pruneJobImages } from '../../../packages/builder/src/image/prune-images.ts';
import { prepareEngine } from './engine.ts';

const engine = await prepareEngine();
if (engine.skip) console.log(`# ${engine.skip}`);

/** A job-labelled image (as the image builder labels them) with a given content hash. */
async function jobImage(docker: Dockerode, tag: string, contentHash: string): Promise<string> {
  const tar = pack();
  tar.entry({ name: 'Dockerfile' }, `FROM debian:bookworm-slim\nLABEL prune-test=${contentHash}\n`);
  tar.finalize();
  const labels = { 'racetrack-component': 'job', 'racetrack.image-kind': 'job', 'racetrack.job-name': 'prune-test', 'racetrack.content-hash': contentHash };
  const stream = await docker.buildImage(tar, { t: tag, labels, rm: true, forcerm: true });
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, events: Array<{ error?: string }>) => {
      const failed = events?.find((event) => event.error);
      if (error || failed) reject(error ?? new Error(failed?.error));
      else resolve();
    });
  });
  return tag;
}

describe('job image pruning', { skip: engine.skip }, () => {
  if (!engine.docker) return;
  const docker = engine.docker;
  const suffix = `${process.pid}`;
  const tags = { registered: `racetrack/job/prune-test:registered-${suffix}`, unused: `racetrack/job/prune-test:unused-${suffix}`, running: `racetrack/job/prune-test:running-${suffix}` };
  const containers: Dockerode.Container[] = [];
  after(async () => {
    for (const container of containers) await container.remove({ force: true });
    for (const tag of Object.values(tags)) await docker.getImage(tag).remove({ force: true }).catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 404) throw error;
    });
  });

  it('removes images of builds no job uses, keeps registered, young and running ones', async () => {
    await jobImage(docker, tags.registered, `registered-${suffix}`);
    await jobImage(docker, tags.unused, `unused-${suffix}`);
    await jobImage(docker, tags.running, `running-${suffix}`);
    const container = await docker.createContainer({ Image: tags.running, Cmd: ['sleep', '600'] });
    containers.push(container);
    await container.start();
    const keep = new Set([`registered-${suffix}`]);

    // Just built: too young to go at the default minimum age.
    assert.ok(!(await pruneJobImages(docker, keep, { buildCacheHours: 0 })).includes(tags.unused));
    // An hour later (the clock moved on), the unused build goes; the others stay.
    const removed = await pruneJobImages(docker, keep, { buildCacheHours: 0, now: Date.now() + 2 * 3_600_000 });
    assert.ok(removed.includes(tags.unused), `removed: ${removed.join(', ')}`);
    assert.ok(!removed.includes(tags.registered) && !removed.includes(tags.running), `removed: ${removed.join(', ')}`);
    const left = (await docker.listImages({ filters: { label: ['racetrack.job-name=prune-test'] } })).flatMap((image) => image.RepoTags ?? []);
    assert.ok(left.includes(tags.registered) && left.includes(tags.running) && !left.includes(tags.unused), `left: ${left.join(', ')}`);
  });
});
