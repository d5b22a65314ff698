/** @module Real HTTP servers for PUB's tests: a lifecycle stand-in serving a job list, and job instances. */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JobDto, JobStatus } from '@racetrack/core';

/** Listens on a random loopback port; resolves to `host:port`. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes a server and every connection it still holds. */
export async function shutdown(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A minimal JobDto for tests. */
export function jobDto(name: string, version: string, status: JobStatus, replicas: string[], internalName?: string | null): JobDto {
  return {
    id: `${name}-${version}`,
    name,
    version,
    status,
    create_time: 0,
    update_time: 0,
    manifest: null,
    manifest_yaml: null,
    internal_name: internalName === undefined ? (replicas[0] ?? null) : internalName,
    pub_url: `/pub/job/${name}/${version}`,
    error: null,
    notice: null,
    image_tag: null,
    deployed_by: null,
    last_call_time: null,
    infrastructure_target: 'local',
    replica_internal_names: replicas,
    job_type_version: null,
    infrastructure_stats: {},
  };
}

/**
 * A lifecycle stand-in: `GET /lifecycle/api/v1/job` answers `jobs` (with an ETag and 304s when `useEtag`);
 * every call is counted. With `delayMs`, the listing is taken when the call arrives and sent that much later
 * (a slow lifecycle whose answer is stale by the time it lands).
 */
export async function startFakeLifecycle() {
  const state = { jobs: [] as JobDto[], calls: 0, notModified: 0, useEtag: false, delayMs: 0 };
  const server = createServer((req, res) => {
    if (req.url === '/lifecycle/api/v1/job') {
      state.calls++;
      const body = JSON.stringify(state.jobs);
      if (state.delayMs > 0) {
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(body), state.delayMs);
        return;
      }
      const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
      if (state.useEtag && req.headers['if-none-match'] === etag) {
        state.notModified++;
        res.writeHead(304, { etag }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', ...(state.useEtag ? { etag } : {}) }).end(body);
      return;
    }
    res.writeHead(404).end();
  });
  const address = await listen(server);
  return { state, url: `http://${address}/lifecycle`, close: () => shutdown(server) };
}

/** What a job instance saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  bodyBytes: number;
  bodySha256: string;
}

type Route = (req: IncomingMessage, res: ServerResponse, seen: SeenRequest) => void | Promise<void>;

/**
 * A job instance. By default it answers JSON describing the request it got (after reading the body);
 * `routes` maps a path suffix (after `/pub/job/{name}/{version}`) to a custom handler.
 */
export async function startFakeJob(id: string, routes: Record<string, Route> = {}) {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const suffix = (req.url ?? '').replace(/^\/pub\/job\/[^/]+\/[^/?]+/, '').replace(/\?.*$/, '');
    const custom = routes[suffix];
    const hash = createHash('sha256');
    let bodyBytes = 0;
    const entry: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes: 0, bodySha256: '' };
    seen.push(entry);
    if (custom) {
      void custom(req, res, entry);
      return;
    }
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => {
      entry.bodyBytes = bodyBytes;
      entry.bodySha256 = hash.digest('hex');
      const body = JSON.stringify({ instance: id, ...entry });
      res.writeHead(200, { 'content-type': 'application/json' }).end(req.method === 'HEAD' ? undefined : body);
    });
  });
  const address = await listen(server);
  return { address, seen, server, close: () => shutdown(server) };
}
