/** @module The infrastructure drivers this server offers, by target name (manifest `infrastructure_target`). */
import type { InfraDriver } from '@racetrack/infra';
import { createLocalDriver } from '@racetrack/infra';
import { createDockerTarget } from '@racetrack/builder';
import { describeError, type Logger } from '@racetrack/core';
import type { ServerConfig } from '../config/index.ts';

/** Environment variables a local job inherits from the server (nothing secret of the server's own). */
const inheritedEnv = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'NODE_EXTRA_CA_CERTS'];

/**
 * Drivers by name: `local` always; `docker` when a Docker Engine answers, or (the Engine down) when registered jobs
 * run on it or RACETRACK_DOCKER=true, so those jobs show the Engine's outage instead of an unknown target.
 */
export async function createDrivers(
  config: ServerConfig,
  logger: Logger,
  onBuildLog: (jobName: string, version: string, line: string) => void,
  hasJobsOn: (target: string) => Promise<boolean>,
): Promise<Map<string, InfraDriver>> {
  const baseEnv: Record<string, string> = {};
  for (const name of inheritedEnv) {
    const value = config.env[name];
    if (value !== undefined) baseEnv[name] = value;
  }
  const drivers = new Map<string, InfraDriver>([
    ['local', createLocalDriver({ dataDir: config.dataDir, host: config.host === '0.0.0.0' ? '127.0.0.1' : config.host, baseEnv, stopGraceMs: 3000 })],
  ]);
  const settings = config.docker;
  if (settings.offer !== 'false') {
    try {
      const options = {
        onBuildLog, network: settings.network, addressMode: settings.addressMode,
        ...(config.dockerRegistry ? { registry: config.dockerRegistry } : {}),
      };
      let docker = await createDockerTarget(options);
      if (!docker && (settings.offer === 'true' || (await hasJobsOn('docker')))) {
        docker = await createDockerTarget({ ...options, withoutEngine: true });
        logger.warn(`no Docker Engine answers (DOCKER_HOST or the default socket); the docker target is offered anyway (${
          settings.offer === 'true' ? 'RACETRACK_DOCKER=true' : 'jobs are registered on it'}) and its jobs wait for the Engine`);
      }
      if (docker) drivers.set('docker', docker);
    } catch (error) {
      logger.warn({ err: describeError(error) }, 'the docker infrastructure target is not available');
    }
  }
  return drivers;
}
