/** @module The infrastructure drivers this server offers, by target name (manifest `infrastructure_target`). */
import type { InfraDriver } from '@racetrack/infra';
import { createLocalDriver } from '@racetrack/infra';
import type { ServerConfig } from '../config/index.ts';

/** Environment variables a local job inherits from the server (nothing secret of the server's own). */
const inheritedEnv = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'NODE_EXTRA_CA_CERTS'];

/** Drivers by name; `local` always, others as they become available. */
export function createDrivers(config: ServerConfig): Map<string, InfraDriver> {
  const baseEnv: Record<string, string> = {};
  for (const name of inheritedEnv) {
    const value = config.env[name];
    if (value !== undefined) baseEnv[name] = value;
  }
  return new Map<string, InfraDriver>([
    ['local', createLocalDriver({ dataDir: config.dataDir, host: config.host === '0.0.0.0' ? '127.0.0.1' : config.host, baseEnv, stopGraceMs: 3000 })],
  ]);
}
