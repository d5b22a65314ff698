/** @module Names and labels of the images Racetrack builds, so they can be found, listed and pruned. */

/** Label keys put on every image (and, by the docker driver, on every container) Racetrack makes. */
export const imageLabels = {
  component: 'racetrack-component',
  kind: 'racetrack.image-kind',
  jobName: 'racetrack.job-name',
  jobVersion: 'racetrack.job-version',
  jobType: 'racetrack.job-type',
  contentHash: 'racetrack.content-hash',
} as const;

/** Docker tags allow `[A-Za-z0-9_.-]`, up to 128 characters; semver build metadata (`+`) is not allowed. */
export function tagSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 100);
}

/** `racetrack/job/<name>:<version>-<hash12>`: one image per job version and content. */
export function jobImageName(repository: string, jobName: string, version: string, contentHash: string): string {
  return `${repository}/job/${jobName.toLowerCase()}:${tagSafe(version)}-${contentHash.slice(0, 12)}`;
}

/** `racetrack/job-base/<type>:<type version>-<hash12>`: one base per job-type version and wrapper content. */
export function baseImageName(repository: string, jobType: string, jobTypeVersion: string, contentHash: string): string {
  return `${repository}/job-base/${jobType.toLowerCase()}:${tagSafe(jobTypeVersion)}-${contentHash.slice(0, 12)}`;
}
