/** @module The infrastructure drivers this server offers, by target name (manifest `infrastructure_target`). */
import type { InfraDriver } from '@racetrack/infra';
import { createLocalDriver } from '@racetrack/infra';
import { createDockerTarget } from '@racetrack/builder';
import { describeError, type Logger } from '@racetrack/core';
import type { ServerConfig } from '../config/index.ts';

/** Environment variables a local job inherits from the server (nothing secret of the server's own). */
const inheritedEnv = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'NODE_EXTRA_CA_CERTS'];

/** Drivers by name: `local` always; `docker` when a Docker Engine answers (unless RACETRACK_DOCKER=false). */
export async function createDrivers(
  config: ServerConfig,
  logger: Logger,
  onBuildLog: (jobName: string, version: string, line: string) => void,
): Promise<Map<string, InfraDriver>> {
  const baseEnv: Record<string, string> = {};
  for (const name of inheritedEnv) {
    const value = config.env[name];
    if (value !== undefined) baseEnv[name] = value;
  }
  const drivers = new Map<string, InfraDriver>([
    ['local', createLocalDriver({ dataDir: config.dataDir, host: config.host === '0.0.0.0' ? '127.0.0.1' : config.host, baseEnv, stopGraceMs: 3000 })],
  ]);
  if (config.env['RACETRACK_DOCKER'] !== 'false') {
    try {
      const docker = await createDockerTarget({ onBuildLog, ...(config.dockerRegistry ? { registry: config.dockerRegistry } : {}) });
      if (docker) drivers.set('docker', docker);
    } catch (error) {
      logger.warn({ err: describeError(error) }, 'the docker infrastructure target is not available');
    }
  }
  return drivers;
}
