/**
 * @module What every request gets before fastify sees it, done in one plain function instead of
 * fastify hooks (each hook costs a hook-runner pass per request): the request id and its response
 * header, the commons_requests_started count, `{}` for a bodiless POST, and `/docs` → `/docs/`.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { RunnerConfig } from '../config/index.ts';
import type { JobMetrics } from './metrics.ts';

const requestIdKey = Symbol('racetrack.requestId');
type TaggedRequest = http.IncomingMessage & { [requestIdKey]?: string };

/** fastify genReqId: the id the front listener gave the request. */
export function assignedRequestId(request: http.IncomingMessage): string {
  return (request as TaggedRequest)[requestIdKey] ?? randomUUID();
}

/** Wraps fastify's request handler; `redirectDocs` is set once the docs exist. */
export function frontListener(handler: http.RequestListener, config: RunnerConfig, metrics: JobMetrics, redirectDocs: boolean): http.RequestListener {
  const tracingHeader = config.tracingHeader;
  return (request, response) => {
    metrics.counts.commonsStarted++;
    const given = request.headers[tracingHeader];
    const id = typeof given === 'string' && given !== '' ? given : randomUUID();
    (request as TaggedRequest)[requestIdKey] = id;
    response.setHeader(tracingHeader, id);
    const method = request.method;
    if (method === 'POST') {
      if (isBodiless(request)) request.headers['content-type'] = 'application/json';
    } else if (redirectDocs && method === 'GET' && redirectToDocsSlash(request.url ?? '', response)) {
      metrics.counts.commonsDone++;
      return;
    }
    handler(request, response);
  };
}

/**
 * A POST without body or content type to a job endpoint: marked as JSON so the parser turns it into
 * `{}` and perform() with only optional parameters can be called bare (webview requests are left as sent).
 */
function isBodiless(request: http.IncomingMessage): boolean {
  const headers = request.headers;
  if (headers['content-type'] !== undefined || headers['transfer-encoding'] !== undefined) return false;
  const length = headers['content-length'];
  return (length === undefined || length === '0') && !(request.url ?? '').includes('/api/v1/webview');
}

/**
 * Sends `.../docs` to `.../docs/`: Swagger UI's page loads its assets relative to the trailing slash,
 * which is the only form that also works through PUB's `/pub/job/<name>/<version>` prefix.
 */
function redirectToDocsSlash(url: string, response: http.ServerResponse): boolean {
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  if (!path.endsWith('/docs')) return false;
  response.writeHead(302, { location: `${path}/${queryAt < 0 ? '' : url.slice(queryAt)}` }).end();
  return true;
}
