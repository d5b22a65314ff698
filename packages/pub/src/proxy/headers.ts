/** @module Header rewriting between client and job: hop-by-hop removal, forwarding headers, Location made host-relative. */
import type { IncomingMessage } from 'node:http';

/**
 * Headers that describe one connection, not the message; never forwarded (RFC 9110 section 7.6.1).
 * `expect` too: Node already answered `100 Continue` to the client, and undici refuses the header.
 */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'expect']);

/**
 * Builds the job-bound header list (flat `[name, value, ...]`, which undici takes without re-parsing):
 * the client's headers minus hop-by-hop ones, plus `X-Forwarded-Host` (kept if an ingress set it) and the tracing id.
 */
export function upstreamHeaders(req: IncomingMessage, tracingHeader: string, requestId: string): string[] {
  const raw = req.rawHeaders;
  const out: string[] = [];
  const connection = req.headers.connection;
  // Tokens in Connection name more per-connection headers; rare, so only parsed when something unusual is there.
  const extra = connection && connection !== 'keep-alive' && connection !== 'close'
    ? new Set(connection.toLowerCase().split(',').map((t) => t.trim()))
    : undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (hopByHop.has(lower) || lower === tracingHeader || lower === 'x-forwarded-host' || extra?.has(lower)) continue;
    out.push(name, raw[i + 1] as string);
  }
  // Behind an ingress that already set it, the outermost host is the one the job should see.
  const host = req.headers['x-forwarded-host'] ?? req.headers.host;
  if (host !== undefined) out.push('x-forwarded-host', Array.isArray(host) ? (host[0] as string) : host);
  out.push(tracingHeader, requestId);
  return out;
}

/** Turns an absolute `Location` into a host-relative one, so clients stay on PUB rather than the job's address. */
export function hostRelativeLocation(location: string): string {
  if (location.startsWith('/')) return location;
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(location);
  if (!match) return location;
  const rest = location.slice(match[0].length);
  return rest === '' || !rest.startsWith('/') ? `/${rest}` : rest;
}

/** Strips hop-by-hop headers from the job's answer and rewrites `Location`; mutates and returns `headers`. */
export function downstreamHeaders(headers: Record<string, string | string[] | undefined>, tracingHeader: string, requestId: string) {
  delete headers['connection'];
  delete headers['keep-alive'];
  delete headers['transfer-encoding'];
  delete headers['proxy-connection'];
  delete headers['trailer'];
  delete headers['upgrade'];
  const location = headers['location'];
  if (typeof location === 'string') headers['location'] = hostRelativeLocation(location);
  headers[tracingHeader] = requestId;
  return headers;
}
