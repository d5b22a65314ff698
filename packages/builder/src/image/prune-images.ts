/** @module Periodic pruning of job images: those of builds no registered job runs go, so a Docker host stops filling up. */
import type Dockerode from 'dockerode';
import type { RegisteredBuild } from '@racetrack/infra';
import { imageLabels } from './labels.ts';

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
  const images = await docker.listImages({ filters: { label: [`${imageLabels.component}=job`, `${imageLabels.kind}=job`] } });
  const removed: string[] = [];
  for (const image of images) {
    const labels = image.Labels ?? {};
    const key = `${labels[imageLabels.jobName]}\u0000${labels[imageLabels.jobVersion]}`;
    const outdated = running.has(key) && running.get(key) !== labels[imageLabels.contentHash];
    if (!outdated || image.Created * 1000 > cutoff || inUse.has(image.Id)) continue;
    const tags = (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>');
    for (const name of tags.length > 0 ? tags : [image.Id]) {
      try {
        await docker.getImage(name).remove();
        removed.push(name);
      } catch (error) {
        // 409: a container started from it since the listing; 404: removed meanwhile (another tag of the same id).
        const status = (error as { statusCode?: number }).statusCode;
        if (status !== 409 && status !== 404) throw error;
      }
    }
  }
  const dangling = await docker.pruneImages({ filters: { dangling: ['true'], label: [`${imageLabels.component}=job`] } });
  for (const entry of dangling.ImagesDeleted ?? []) if (entry.Deleted) removed.push(entry.Deleted);
  const cacheHours = options.buildCacheHours ?? 168;
  // The typings omit `filters`, which the Engine's POST /build/prune accepts.
  if (cacheHours > 0) await docker.pruneBuilder({ filters: { until: [`${cacheHours}h`] } } as Dockerode.PruneBuilderOptions);
  return removed;
}
