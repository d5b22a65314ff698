/** @module Public surface of @racetrack/server: start the all-in-one (or one-component) Racetrack server. */
export { startServer, type RunningServer } from './compose/index.ts';
export { resolveServerConfig, serverDefaults, serverComponents, type ServerOptions, type ServerConfig, type ServerComponent } from './config/index.ts';
