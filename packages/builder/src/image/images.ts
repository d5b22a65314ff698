/** @module Lists and prunes the images Racetrack built (found by label, never by name). */
import type Dockerode from 'dockerode';
import { imageLabels } from './labels.ts';

/** One Racetrack image as listed by the Engine. */
export interface RacetrackImage {
  id: string;
  tags: string[];
  kind: 'base' | 'job';
  jobName?: string;
  jobVersion?: string;
  /** Content hash of the build the image was made from (job images). */
  contentHash?: string;
  created: number;
  size: number;
}

/** Every image labelled `racetrack-component=job` (bases and jobs). */
export async function listRacetrackImages(docker: Dockerode): Promise<RacetrackImage[]> {
  const images = await docker.listImages({ filters: { label: [`${imageLabels.component}=job`] } });
  return images.map((info) => {
    const labels = info.Labels ?? {};
    return {
      id: info.Id,
      tags: (info.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>'),
      kind: labels[imageLabels.kind] === 'base' ? 'base' : 'job',
      ...(labels[imageLabels.jobName] ? { jobName: labels[imageLabels.jobName] } : {}),
      ...(labels[imageLabels.jobVersion] ? { jobVersion: labels[imageLabels.jobVersion] } : {}),
      ...(labels[imageLabels.contentHash] ? { contentHash: labels[imageLabels.contentHash] } : {}),
      created: info.Created,
      size: info.Size,
    };
  });
}

/** Removes job images of `jobName` (all versions, or one) that no container uses; returns the removed tags. */
export async function removeJobImages(docker: Dockerode, jobName: string, version?: string): Promise<string[]> {
  const images = (await listRacetrackImages(docker))
    .filter((image) => image.kind === 'job' && image.jobName === jobName && (version === undefined || image.jobVersion === version));
  return removeImages(docker, images);
}

/** Removes each image by its tags (its id when untagged); one a container uses stays. Returns the names removed. */
export async function removeImages(docker: Dockerode, images: readonly RacetrackImage[]): Promise<string[]> {
  const removed: string[] = [];
  for (const image of images) {
    for (const name of image.tags.length > 0 ? image.tags : [image.id]) {
      try {
        await docker.getImage(name).remove();
        removed.push(name);
      } catch (error) {
        // 409: a container uses it (it goes with a later prune); 404: already gone (another tag of the same id).
        const status = (error as { statusCode?: number }).statusCode;
        if (status !== 409 && status !== 404) throw error;
      }
    }
  }
  return removed;
}

/** Removes untagged Racetrack images older than `olderThanHours` (what `docker image prune` would, limited to ours); returns their ids. */
export async function pruneRacetrackImages(docker: Dockerode, olderThanHours = 0): Promise<string[]> {
  const result = await docker.pruneImages({
    filters: { dangling: ['true'], label: [`${imageLabels.component}=job`], ...(olderThanHours > 0 ? { until: [`${olderThanHours}h`] } : {}) },
  });
  return (result.ImagesDeleted ?? []).flatMap((entry) => (entry.Deleted ? [entry.Deleted] : []));
}

/** Frees BuildKit's build cache (layers of RUN steps, downloaded requirements) older than `olderThanHours`; returns bytes freed. */
export async function pruneBuildCache(docker: Dockerode, olderThanHours = 0): Promise<number> {
  // The typings omit `filters`, which the Engine's POST /build/prune accepts.
  const options = (olderThanHours > 0 ? { filters: { until: [`${olderThanHours}h`] } } : {}) as Dockerode.PruneBuilderOptions;
  return (await docker.pruneBuilder(options)).SpaceReclaimed ?? 0;
}
