/** @module The environment of a job container: the spec's env, the deployment timestamp, PORT, host-local URLs made reachable. */
import type { JobInstanceSpec } from '../core/driver.ts';
import { jobPort } from './naming.ts';

/** Env vars holding URLs of Racetrack itself, which a job calls back (chain calls through PUB). */
const callbackUrlVars = ['PUB_URL', 'LIFECYCLE_URL'];

/**
 * The container's env. Inside a container 127.0.0.1 is the container itself, so loopback URLs of the
 * server (all-in-one on the host) become `host.docker.internal` (mapped to the host by the driver);
 * the server must then listen where the Docker bridge reaches it (e.g. 0.0.0.0).
 */
export function containerEnv(spec: JobInstanceSpec): Record<string, string> {
  const env: Record<string, string> = { JOB_DEPLOYMENT_TIMESTAMP: String(spec.deploymentTimestamp), ...spec.env, PORT: String(jobPort) };
  for (const name of callbackUrlVars) {
    const value = env[name];
    if (value) env[name] = value.replace(/^(https?:\/\/)(127\.0\.0\.1|localhost|0\.0\.0\.0|\[::1\])(?=[:/]|$)/, '$1host.docker.internal');
  }
  return env;
}
