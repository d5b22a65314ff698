/** @module Public surface of @racetrack/client: typed HTTP clients of lifecycle and PUB. */
export { LifecycleClient, type BuildLogChunk, type LifecycleInfo } from './lifecycle/index.ts';
export { buildUrl, errorFromResponse, requestHeaders, requestJson, send, type HttpOptions, type HttpRequest } from './http/index.ts';
export { callJobEndpoint, jobEndpointUrl, type JobCallResult } from './pub/index.ts';
export { readSseData, SseParser } from './sse/index.ts';
