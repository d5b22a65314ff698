/** @module Public surface of @racetrack/infra: the driver interface and the drivers chosen at the composition root. */
export type * from './core/driver.ts';
export { createLocalDriver, LocalDriver, localDriverDefaults, type LocalDriverOptions } from './local/index.ts';
