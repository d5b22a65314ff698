/** @module Names and labels of the Docker resources the docker driver creates. */

/** Label keys on job containers; `list()` finds containers by these, never by name. */
export const containerLabels = {
  component: 'racetrack-component',
  infrastructure: 'racetrack.infrastructure',
  jobName: 'racetrack.job-name',
  jobVersion: 'racetrack.job-version',
  replica: 'racetrack.replica',
  hostPort: 'racetrack.host-port',
  deploymentTimestamp: 'racetrack.deployment-timestamp',
} as const;

/** The port every job listens on inside its container (wrapper rule). */
export const jobPort = 7000;

/** `job-<name>-v-<version>` with dots (and anything not DNS-safe) as dashes: the in-network alias of all replicas. */
export function resourceName(jobName: string, version: string): string {
  return `job-${jobName}-v-${version}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
}

/** Container name of one replica: `<resource name>-<replica>`. */
export function containerName(jobName: string, version: string, replica: number): string {
  return `${resourceName(jobName, version)}-${replica}`;
}
