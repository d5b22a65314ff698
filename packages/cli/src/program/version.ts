/** @module The CLI's version, read from its package.json. */
import { readFileSync } from 'node:fs';

/** Version of @racetrack/cli. */
export const cliVersion: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
