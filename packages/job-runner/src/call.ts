/** @module Light entry for job code: chain calls and the current request, without loading the server. */
export { callJob, type CallJobOptions } from './chain/index.ts';
export { getRequestContext } from './context/index.ts';
export type { RequestContextData } from './host/protocol.ts';
