/** @module Opens the registry database: embedded PGlite under a data dir, or PostgreSQL by URL. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { RacetrackError, describeError } from '@racetrack/core';
import { schema } from '../schema/index.ts';
import { applyMigrations } from './migrate.ts';

/** Drizzle over either engine; every query in this package is written once against it. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  /** `pglite` (embedded) or `postgres`. */
  engine: 'pglite' | 'postgres';
  /** True when a trivial query succeeds (for `/health`). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export type OpenDatabaseOptions = { dataDir: string } | { url: string };

/** Opens the database and applies pending migrations. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  try {
    return 'url' in options ? await openPostgres(options.url) : await openPglite(options.dataDir);
  } catch (error) {
    if (error instanceof RacetrackError) throw error;
    throw new RacetrackError('UNAVAILABLE', `cannot open the database: ${describeError(error)}`, { cause: error });
  }
}

async function openPglite(dataDir: string): Promise<Database> {
  const dir = join(dataDir, 'db');
  await mkdir(dir, { recursive: true });
  const client = await PGlite.create(dir);
  await applyMigrations({
    exec: async (script) => { await client.exec(script); },
    query: async (text, params) => (await client.query<Record<string, unknown>>(text, params)).rows,
  });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  let closed = false;
  return {
    db,
    engine: 'pglite',
    ping: async () => !closed && (await client.query('SELECT 1')).rows.length === 1,
    close: async () => {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const conn = await pool.connect();
  try {
    // Several split-shape processes may start together; one migrates, the others wait.
    await conn.query('SELECT pg_advisory_lock(720072)');
    await applyMigrations({
      exec: async (script) => { await conn.query(script); },
      query: async (text, params) => (await conn.query(text, params)).rows as Record<string, unknown>[],
    });
  } finally {
    await conn.query('SELECT pg_advisory_unlock(720072)').catch(() => undefined);
    conn.release();
  }
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    engine: 'postgres',
    ping: async () => {
      try {
        return (await pool.query('SELECT 1')).rowCount === 1;
      } catch {
        return false;
      }
    },
    close: () => pool.end(),
  };
}
