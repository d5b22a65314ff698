/** @module webviewApp(baseUrl): a fetch handler served under /api/v1/webview/, plus the job's static/ directory. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RunnerConfig } from '../config/index.ts';
import type { EntrypointHost } from '../host/protocol.ts';
import { serveDirectory } from './static-files.ts';

/** Registers the webview routes under the current prefix (an encapsulated context with raw bodies). */
export async function registerWebview(app: FastifyInstance, host: EntrypointHost, config: RunnerConfig, rootDir: string, hide: boolean): Promise<void> {
  const staticDir = path.join(rootDir, 'static');
  if (existsSync(staticDir)) serveDirectory(app, '/api/v1/webview/static', staticDir, hide);
  await app.register(async (webview) => {
    // The handler gets the body untouched, whatever its type.
    webview.removeAllContentTypeParsers();
    webview.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    const handler = async (request: FastifyRequest, reply: import('fastify').FastifyReply) => {
      const version = (request.params as Record<string, string | undefined>)['version'] ?? config.jobVersion;
      const baseUrl = `/pub/job/${config.jobName}/${version}/api/v1/webview`;
      const rest = ((request.params as Record<string, string | undefined>)['*'] ?? '');
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      const url = `http://${request.headers.host ?? 'localhost'}${baseUrl}/${rest}${query}`;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
      const body = Buffer.isBuffer(request.body) ? new Uint8Array(request.body) : undefined;
      const response = await host.webview({ url, method: request.method, headers, ...(body ? { body } : {}) }, baseUrl);
      const skip = new Set(['content-length', 'transfer-encoding', 'connection']);
      for (const [name, value] of Object.entries(response.headers)) if (!skip.has(name)) reply.header(name, value);
      return reply.code(response.status).send(Buffer.from(response.body));
    };
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
    webview.route({ method: [...methods], url: '/api/v1/webview', schema: { hide: true }, handler });
    webview.route({ method: [...methods], url: '/api/v1/webview/*', schema: { hide: true }, handler });
  });
}
