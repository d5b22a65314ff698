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
  startServer(options: Partial<StartServerOptions>): Promise<{ url: string }>;
}

/** Imports the server lazily, so every other command starts without loading it. */
export async function serverCommand(context: CliContext, options: { port: number; host: string; dataDir: string; databaseUrl?: string; only?: StartServerOptions['only'] }): Promise<void> {
  // A non-literal specifier keeps the CLI type-checkable while the server package evolves separately.
  const specifier = '@racetrack/server';
  const server = (await import(specifier)) as Partial<ServerModule>;
  if (typeof server.startServer !== 'function') throw new RacetrackError('INTERNAL', '@racetrack/server does not export startServer');
  const running = await server.startServer({
    port: options.port,
    host: options.host,
    dataDir: options.dataDir,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.only ? { only: options.only } : {}),
  });
  // The same machine-readable line as packages/server/src/main.ts: whoever started us can wait for it.
  context.out(`racetrack server listening on ${running.url}\n`);
}
