/**
 * @module Runs the server without the CLI: `npx node packages/server/src/main.ts [--port N] [--host H]
 * [--data-dir DIR] [--database-url URL] [--only lifecycle|pub|dashboard|supervisor]`; env RACETRACK_* works too.
 */
import { parseArgs } from 'node:util';
import { describeError } from '@racetrack/core';
import { startServer } from './compose/index.ts';
import type { ServerComponent } from './config/index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    'database-url': { type: 'string' },
    only: { type: 'string' },
  },
});

try {
  const server = await startServer({
    ...(values.port !== undefined ? { port: Number(values.port) } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    ...(values['database-url'] !== undefined ? { databaseUrl: values['database-url'] } : {}),
    ...(values.only !== undefined ? { only: values.only as ServerComponent } : {}),
  });
  // One machine-readable line for whoever started us (the testkit waits for it).
  process.stdout.write(`racetrack server listening on ${server.url}\n`);
} catch (error) {
  process.stderr.write(`racetrack server failed to start: ${describeError(error)}\n`);
  process.exit(1);
}
