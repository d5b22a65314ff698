/** @module For lifecycle's own tests: a real lifecycle (PGlite, builder, local driver) mounted on a fastify app under /lifecycle. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { createLogger } from '@racetrack/core';
import { createBuilder } from '@racetrack/builder';
import { openDatabase, type Database } from '@racetrack/db';
import { createLocalDriver } from '@racetrack/infra';
import { builtinJobTypes, createJobTypeRegistry } from '@racetrack/job-types';
import { resolveLifecycleConfig } from '../config/index.ts';
import { createSecretBox } from '../secrets/secret-box.ts';
import { createLifecycle } from './index.ts';

export interface LifecycleTestApp {
  app: FastifyInstance;
  database: Database;
  close(): Promise<void>;
}

/** Starts a lifecycle on a temp data dir; `close()` stops it and removes the dir. */
export async function startLifecycleTestApp(): Promise<LifecycleTestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'rt-lifecycle-'));
  const database = await openDatabase({ dataDir });
  const jobTypes = createJobTypeRegistry(builtinJobTypes());
  const lifecycle = createLifecycle({
    database,
    builder: createBuilder({ dataDir, jobTypes }),
    jobTypes,
    drivers: new Map([['local', createLocalDriver({ dataDir })]]),
    config: resolveLifecycleConfig({}, { externalPubUrl: 'http://pub.example/pub' }),
    secretBox: createSecretBox('test-key'),
    logger: createLogger('lifecycle-test', { level: 'silent' }),
  });
  const app = Fastify();
  await app.register(lifecycle.plugin, { prefix: '/lifecycle' });
  return {
    app,
    database,
    async close() {
      await app.close();
      await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
