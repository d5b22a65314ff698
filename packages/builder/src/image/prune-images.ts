/** @module Periodic pruning of job images: those of builds no registered job runs go, so a Docker host stops filling up. */
import type Dockerode from 'dockerode';
import type { RegisteredBuild } from '@racetrack/infra';
import { listRacetrackImages, pruneBuildCache, pruneRacetrackImages, removeImages } from './images.ts';

/** What one prune pass may remove. */
export interface PruneJobImagesOptions {
  /** Images younger than this stay (a deployment may be about to register them). Default 1 h. */
  minimumAgeMs?: number;
  /** BuildKit cache entries unused for this long are freed too; 0 leaves the cache alone. Default 168 h (a week). */
  buildCacheHours?: number;
  /** Clock, for tests. */
  now?: number;
}

/**
 * Removes the job images (label `racetrack.image-kind=job`) of registered job versions whose content is not the one
 * the version runs now (a redeploy's previous build), older than `minimumAgeMs` and used by no container; then
 * dangling Racetrack images and old build cache. Images of job versions not registered here are left alone (a
 * delete removes this installation's; on a shared engine the rest may be another's), and so are job-type bases.
 * Returns the removed image tags or ids.
 */
export async function pruneJobImages(docker: Dockerode, registered: readonly RegisteredBuild[], options: PruneJobImagesOptions = {}): Promise<string[]> {
  const cutoff = (options.now ?? Date.now()) - (options.minimumAgeMs ?? 3_600_000);
  const running = new Map(registered.map((build) => [`${build.jobName}\u0000${build.version}`, build.contentHash]));
  const inUse = new Set((await docker.listContainers({ all: true })).map((container) => container.ImageID));
  const outdated = (await listRacetrackImages(docker)).filter((image) => {
    const key = `${image.jobName}\u0000${image.jobVersion}`;
    return image.kind === 'job' && running.has(key) && running.get(key) !== image.contentHash && image.created * 1000 <= cutoff && !inUse.has(image.id);
  });
  const removed = [...await removeImages(docker, outdated), ...await pruneRacetrackImages(docker)];
  const cacheHours = options.buildCacheHours ?? 168;
  if (cacheHours > 0) await pruneBuildCache(docker, cacheHours);
  return removed;
}
