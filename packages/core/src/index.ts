/** @module Public surface of @racetrack/core: errors, logging, versions, shared DTOs. */
export * from './errors.ts';
export * from './logger.ts';
export * from './version.ts';
export * from './dto.ts';
