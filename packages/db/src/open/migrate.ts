/** @module A tiny migration runner: applies migrations/*.sql in name order, once each, on either engine. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The one thing the runner needs from an engine: run a multi-statement script, and a query returning rows. */
export interface ScriptRunner {
  exec(script: string): Promise<void>;
  query(text: string, params: unknown[]): Promise<Record<string, unknown>[]>;
}

export const migrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Applies every migration not yet recorded in `racetrack_migrations`; returns the names applied now. */
export async function applyMigrations(runner: ScriptRunner, dir = migrationsDir): Promise<string[]> {
  await runner.exec(
    'CREATE TABLE IF NOT EXISTS racetrack_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const done = new Set((await runner.query('SELECT name FROM racetrack_migrations', [])).map((r) => String(r['name'])));
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const applied: string[] = [];
  for (const file of files) {
    if (done.has(file)) continue;
    const script = await readFile(join(dir, file), 'utf8');
    // Each migration commits with its record, so a crash never leaves one half-applied.
    await runner.exec(`BEGIN;\n${script}\nINSERT INTO racetrack_migrations (name) VALUES ('${file.replace(/'/g, "''")}');\nCOMMIT;`);
    applied.push(file);
  }
  return applied;
}
