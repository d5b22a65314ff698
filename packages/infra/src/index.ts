/** @module Public surface of @racetrack/infra: the driver interface (drivers are added as siblings). */
export type * from './core/driver.ts';
