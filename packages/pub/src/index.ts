/** @module Public surface of @racetrack/pub: the gateway plugin, its config and the framework-free core. */
export { pubPlugin, type PubPluginOptions } from './plugin.ts';
export { resolvePubConfig, pubDefaults, type PubConfig } from './config.ts';
export { createPub, parseJobUrl, type Pub, type JobUrl } from './gateway.ts';
export { RoutingTable, type RouteTarget, type RouteFailure, type Resolution } from './routing/table.ts';
export { hostRelativeLocation } from './proxy/headers.ts';
