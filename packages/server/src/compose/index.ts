/** @module The composition root: lifecycle, PUB and the supervisor on one fastify server, one port, path prefixes. */
import Fastify, { LogController } from 'fastify';
import { createLogger, describeError } from '@racetrack/core';
import { jobRepository, openDatabase, type Database } from '@racetrack/db';
import { createLifecycle, createSecretBox, resolveLifecycleConfig, type Lifecycle } from '@racetrack/lifecycle';
import { createPub, pubPlugin, resolvePubConfig, type Pub } from '@racetrack/pub';
import { createSupervisor, type Supervisor } from '@racetrack/supervisor';
import { resolveServerConfig, type ServerConfig, type ServerOptions } from '../config/index.ts';
import { lockDataDir } from '../lock/index.ts';
import { createDrivers } from './drivers.ts';
import { freePort } from './free-port.ts';
import { loadSecretKey } from './secret-key.ts';
import { createJobTypeRegistry, builtinJobTypes } from '@racetrack/job-types';
import { createBuilder } from '@racetrack/builder';

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:7200 (lifecycle at /lifecycle, PUB at /pub). */
  url: string;
  config: ServerConfig;
  /** Present when lifecycle or the supervisor runs in this process. */
  lifecycle: Lifecycle | undefined;
  /** Stops accepting requests, stops the supervisor, waits briefly for deployments, releases the data dir. Idempotent. */
  close(): Promise<void>;
}

/** Starts the server; with no options: all components, port 7200, data in ~/.racetrack, embedded database. */
export async function startServer(options: ServerOptions & { handleSignals?: boolean } = {}): Promise<RunningServer> {
  const config = resolveServerConfig(options);
  const logger = createLogger('server', { level: config.logLevel });
  const has = (c: 'lifecycle' | 'pub' | 'supervisor') => config.components.has(c);
  const needsState = has('lifecycle') || has('supervisor');
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  // Bound to every interface: components and jobs still reach this server over loopback.
  const reachableHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${reachableHost.includes(':') ? `[${reachableHost}]` : reachableHost}:${port}`;
  const publicUrl = (config.externalUrl ?? url).replace(/\/$/, '');
  const cleanups: (() => Promise<void>)[] = [];
  const runCleanups = async () => {
    // Last acquired, first released.
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => logger.error({ err: describeError(error) }, 'shutdown step failed'));
    }
  };
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= runCleanups().then(() => logger.info('racetrack server stopped')));
  // From the start: a SIGTERM while the supervisor's first pass still runs must stop the jobs started so far too.
  if (options.handleSignals !== false) installSignalHandlers(close);

  try {
    let database: Database | undefined;
    let lifecycle: Lifecycle | undefined;
    let supervisor: Supervisor | undefined;
    let pub: Pub | undefined;
    let builder: ReturnType<typeof createBuilder> | undefined;
    if (needsState) {
      // The embedded database allows one process per data dir; with PostgreSQL, split processes may share it.
      if (!config.databaseUrl) {
        const lock = await lockDataDir(config.dataDir);
        cleanups.push(() => lock.release());
      }
      const opened = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
      database = opened;
      cleanups.push(() => opened.close());
      // Image build lines of the docker driver go to the deployment's build logs (lifecycle is created below).
      const buildLogSink: { append?: Lifecycle['appendBuildLog'] } = {};
      const registered = jobRepository(opened.db);
      const drivers = await createDrivers(config, logger, (jobName, version, line) => buildLogSink.append?.(jobName, version, line),
        async (target) => (await registered.list()).some((row) => row.infrastructureTarget === target));
      cleanups.push(async () => { for (const driver of drivers.values()) await driver.close(); });
      const jobTypes = createJobTypeRegistry(builtinJobTypes());
      builder = createBuilder({ dataDir: config.dataDir, jobTypes, logger: logger.child({ component: 'builder' }) });
      lifecycle = createLifecycle({
        database: opened,
        builder,
        jobTypes,
        drivers,
        // This server's own URLs unless the environment says where PUB and lifecycle are (split shape).
        config: resolveLifecycleConfig(config.env, {
          externalPubUrl: config.env['EXTERNAL_PUB_URL'] || `${publicUrl}/pub`,
          internalPubUrl: config.env['INTERNAL_PUB_URL'] || `${url}/pub`,
          lifecycleUrl: config.env['EXTERNAL_LIFECYCLE_URL'] || `${publicUrl}/lifecycle`,
        }),
        secretBox: createSecretBox(await loadSecretKey(config.dataDir, config.secretKey)),
        logger: logger.child({ component: 'lifecycle' }),
      });
      const service = lifecycle;
      buildLogSink.append = service.appendBuildLog;
      if (config.stopJobsOnClose) cleanups.push(() => stopJobs(service));
      cleanups.push(() => service.drain(5000));
    }
    const app = Fastify({ loggerInstance: logger, logController: new LogController({ disableRequestLogging: true }), forceCloseConnections: true });
    cleanups.push(() => app.close());
    if (lifecycle && has('lifecycle')) {
      await app.register(lifecycle.plugin, { prefix: '/lifecycle' });
      // A lifecycle-only process also answers at the root, as the original does (`/api/v1/...`).
      if (config.components.size === 1) await app.register(lifecycle.plugin);
    }
    if (has('pub')) {
      const lifecycleUrl = config.lifecycleUrl ?? `${url}/lifecycle`;
      pub = createPub(resolvePubConfig(config.env, { lifecycleUrl, logLevel: config.logLevel }), { logger: logger.child({ component: 'pub' }) });
      const gateway = pub;
      cleanups.push(() => gateway.close());
      await app.register(pubPlugin, { prefix: '/pub', pub: gateway });
    }
    if (config.components.size > 1 || !has('lifecycle')) app.get('/', async () => ({
      service: 'racetrack', lifecycle: has('lifecycle') ? `${publicUrl}/lifecycle` : null, pub: has('pub') ? `${publicUrl}/pub` : null,
    }));

    await app.listen({ port, host: config.host });
    pub?.start();
    // In the background: the first deployment of a node job then finds the runner bundle made.
    if (builder && has('lifecycle')) void builder.warmUp();
    if (has('supervisor') && database && lifecycle) {
      const service = lifecycle;
      supervisor = createSupervisor({
        database,
        drivers: lifecycle.context.drivers,
        intervalMs: config.supervisorIntervalMs,
        respawn: lifecycle.respawn,
        skip: (row) => service.isDeploying(row.name, row.version),
        // Workspaces of jobs no longer registered go; those of registered jobs (and fresh ones) stay.
        ...(builder ? { pruneBuilds: builder.prune, pruneIntervalMs: config.buildPruneIntervalMs } : {}),
        // With lifecycle in this process, nothing else can be deploying: every in-progress deployment was cut off.
        staleDeploymentAgeMs: has('lifecycle') ? 0 : 3_600_000,
        logger: logger.child({ component: 'supervisor' }),
      });
      const running = supervisor;
      cleanups.push(() => running.stop());
      await supervisor.start();
    }
    logger.info({ url, dataDir: needsState ? config.dataDir : undefined, components: [...config.components] }, 'racetrack server listening');

    return { url, config, lifecycle, close };
  } catch (error) {
    await runCleanups();
    throw error;
  }
}

/** Stops every job process; desired state stays in the database so the next start brings them back. */
async function stopJobs(lifecycle: Lifecycle): Promise<void> {
  const { jobs, drivers } = lifecycle.context;
  // Their logs stay: `racetrack logs` after the restart shows what they wrote before it.
  await Promise.all((await jobs.list()).map((row) => drivers.get(row.infrastructureTarget)?.remove(row.name, row.version, { keepLogs: true })));
}

function installSignalHandlers(close: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void close().then(() => process.exit(0), () => process.exit(1));
    });
  }
}
