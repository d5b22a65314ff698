/** @module Server settings: the only place the all-in-one server reads the environment, defaults in one object. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { RacetrackError } from '@racetrack/core';

export type ServerComponent = 'lifecycle' | 'pub' | 'dashboard' | 'supervisor';
export const serverComponents: readonly ServerComponent[] = ['lifecycle', 'pub', 'dashboard', 'supervisor'];

export interface ServerOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  /** PostgreSQL URL; the embedded database under the data dir when absent. */
  databaseUrl?: string;
  /** Run one component only (split shape). */
  only?: ServerComponent;
  /** Lifecycle URL PUB and the supervisor use when lifecycle runs elsewhere (split shape). */
  lifecycleUrl?: string;
  /** Public base URL of this server when it sits behind a proxy (default http://host:port). */
  externalUrl?: string;
  /** Reconcile interval of the supervisor. */
  supervisorIntervalMs?: number;
  /** How often the supervisor prunes build workspaces no registered job uses. */
  buildPruneIntervalMs?: number;
  /** Stop job processes on close (their desired state stays; the next start brings them back). Default: all-in-one only. */
  stopJobsOnClose?: boolean;
  logLevel?: string;
  /** Environment to read (default process.env), e.g. for tests. */
  env?: Record<string, string | undefined>;
}

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  components: ReadonlySet<ServerComponent>;
  lifecycleUrl: string | undefined;
  externalUrl: string | undefined;
  supervisorIntervalMs: number;
  buildPruneIntervalMs: number;
  stopJobsOnClose: boolean;
  logLevel: string;
  /** Key sealing deploy-time secrets; read from a file in the data dir when absent. */
  secretKey: string | undefined;
  /** Registry the docker target pushes job images to after building them; none by default (no push). */
  dockerRegistry: DockerRegistrySettings | undefined;
  /** When and how the `docker` target is offered. */
  docker: DockerTargetSettings;
  env: Record<string, string | undefined>;
}

/** RACETRACK_DOCKER (auto | true | false), RACETRACK_DOCKER_NETWORK, RACETRACK_DOCKER_ADDRESS_MODE. */
export interface DockerTargetSettings {
  /**
   * `auto` (default): offered when an Engine answers at start, or when registered jobs run on it; `true`: always
   * (deploys fail naming the Engine while it is down); `false`: never.
   */
  offer: 'auto' | 'true' | 'false';
  /** User-defined network job containers join. */
  network: string;
  /** `host`: PUB on the host calls published ports (all-in-one); `network`: PUB in a container on the network calls `<container>:7000`. */
  addressMode: 'host' | 'network';
}

/** RACETRACK_DOCKER_REGISTRY (host[:port]), _NAMESPACE, _USERNAME, _PASSWORD. */
export interface DockerRegistrySettings {
  registry: string;
  namespace: string;
  username?: string;
  password?: string;
}

export const serverDefaults = {
  port: 7200,
  host: '127.0.0.1',
  dataDirName: '.racetrack',
  supervisorIntervalMs: 1000,
  buildPruneIntervalMs: 3_600_000,
  stopJobsOnClose: true,
  logLevel: 'info',
  dockerRegistryNamespace: 'racetrack',
  docker: { offer: 'auto', network: 'racetrack', addressMode: 'host' },
} as const;

/** Resolves options over env (RACETRACK_PORT, RACETRACK_HOST, RACETRACK_DATA_DIR, RACETRACK_DATABASE_URL, ...) over defaults. */
export function resolveServerConfig(options: ServerOptions = {}): ServerConfig {
  const env = options.env ?? process.env;
  const port = options.port ?? (env['RACETRACK_PORT'] ? Number(env['RACETRACK_PORT']) : serverDefaults.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RacetrackError('BAD_REQUEST', `port must be a number from 0 to 65535, got ${String(port)}`);
  }
  const only = options.only ?? (env['RACETRACK_ONLY'] as ServerComponent | undefined);
  if (only !== undefined && !serverComponents.includes(only)) {
    throw new RacetrackError('BAD_REQUEST', `--only must be one of ${serverComponents.join(', ')}, got "${only}"`);
  }
  const pruneInterval = options.buildPruneIntervalMs ?? Number(env['RACETRACK_BUILD_PRUNE_INTERVAL_MS'] ?? serverDefaults.buildPruneIntervalMs);
  const interval = options.supervisorIntervalMs ?? Number(env['RACETRACK_SUPERVISOR_INTERVAL_MS'] ?? serverDefaults.supervisorIntervalMs);
  return {
    port,
    host: options.host ?? env['RACETRACK_HOST'] ?? serverDefaults.host,
    dataDir: resolve(options.dataDir ?? env['RACETRACK_DATA_DIR'] ?? join(homedir(), serverDefaults.dataDirName)),
    databaseUrl: options.databaseUrl ?? (env['RACETRACK_DATABASE_URL'] || undefined),
    components: new Set(only ? [only] : serverComponents),
    lifecycleUrl: options.lifecycleUrl ?? (env['LIFECYCLE_URL'] || undefined),
    externalUrl: options.externalUrl ?? (env['RACETRACK_EXTERNAL_URL'] || undefined),
    supervisorIntervalMs: interval > 0 ? interval : serverDefaults.supervisorIntervalMs,
    buildPruneIntervalMs: pruneInterval > 0 ? pruneInterval : serverDefaults.buildPruneIntervalMs,
    // Only the all-in-one shape owns its jobs' lifetime; a split lifecycle restarting must never stop production jobs.
    stopJobsOnClose: options.stopJobsOnClose ??
      (env['RACETRACK_STOP_JOBS_ON_CLOSE'] ? env['RACETRACK_STOP_JOBS_ON_CLOSE'] === 'true' : only === undefined && serverDefaults.stopJobsOnClose),
    logLevel: options.logLevel ?? env['LOG_LEVEL'] ?? serverDefaults.logLevel,
    secretKey: env['RACETRACK_SECRET_KEY'] || undefined,
    dockerRegistry: dockerRegistry(env),
    docker: dockerTarget(env),
    env,
  };
}

function dockerTarget(env: Record<string, string | undefined>): DockerTargetSettings {
  const defaults = serverDefaults.docker;
  const offer = env['RACETRACK_DOCKER'] || defaults.offer;
  if (offer !== 'auto' && offer !== 'true' && offer !== 'false') {
    throw new RacetrackError('BAD_REQUEST', `RACETRACK_DOCKER must be auto, true or false, got "${offer}"`);
  }
  const addressMode = env['RACETRACK_DOCKER_ADDRESS_MODE'] || defaults.addressMode;
  if (addressMode !== 'host' && addressMode !== 'network') {
    throw new RacetrackError('BAD_REQUEST', `RACETRACK_DOCKER_ADDRESS_MODE must be host (PUB on the Docker host) or network (PUB in a container on the jobs' network), got "${addressMode}"`);
  }
  const network = env['RACETRACK_DOCKER_NETWORK'] || defaults.network;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(network)) {
    throw new RacetrackError('BAD_REQUEST', `RACETRACK_DOCKER_NETWORK must be a Docker network name (letters, digits, _ . -), got "${network}"`);
  }
  return { offer, network, addressMode };
}

function dockerRegistry(env: Record<string, string | undefined>): DockerRegistrySettings | undefined {
  const registry = env['RACETRACK_DOCKER_REGISTRY'];
  if (!registry) return undefined;
  if (/^[a-z]+:\/\/|\/$/i.test(registry)) {
    throw new RacetrackError('BAD_REQUEST', `RACETRACK_DOCKER_REGISTRY must be host[:port] without a scheme or trailing slash, got "${registry}"`);
  }
  const username = env['RACETRACK_DOCKER_REGISTRY_USERNAME'];
  const password = env['RACETRACK_DOCKER_REGISTRY_PASSWORD'];
  return {
    registry,
    namespace: env['RACETRACK_DOCKER_REGISTRY_NAMESPACE'] || serverDefaults.dockerRegistryNamespace,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
  };
}
