/** @module `racetrack server`: starts the all-in-one server (or one of its modules) from @racetrack/server. */
import { RacetrackError } from '@racetrack/core';
import type { CliContext } from './context.ts';

/** Modules `--only` can pick. */
export const serverModules = ['lifecycle', 'pub', 'dashboard', 'supervisor'] as const;

/** What `startServer` of @racetrack/server receives. */
export interface StartServerOptions {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  only: (typeof serverModules)[number] | undefined;
}

interface ServerModule {
  startServer(options: StartServerOptions): Promise<unknown>;
}

/** Imports the server lazily, so every other command starts without loading it. */
export async function serverCommand(context: CliContext, options: { port: number; host: string; dataDir: string; databaseUrl?: string; only?: StartServerOptions['only'] }): Promise<void> {
  // A non-literal specifier keeps the CLI type-checkable while the server package evolves separately.
  const specifier = '@racetrack/server';
  const server = (await import(specifier)) as Partial<ServerModule>;
  if (typeof server.startServer !== 'function') throw new RacetrackError('INTERNAL', '@racetrack/server does not export startServer');
  await server.startServer({ port: options.port, host: options.host, dataDir: options.dataDir, databaseUrl: options.databaseUrl, only: options.only });
  context.err(`racetrack server listening on http://${options.host}:${options.port}${options.only ? ` (${options.only} only)` : ''}\n`);
}
