/** @module The fastify plugin mounting PUB's routes: job proxy (also legacy `/fatman`), probes and metrics. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@racetrack/core';
import { resolvePubConfig, type PubConfig } from './config.ts';
import { createPub, type Pub } from './gateway.ts';

export interface PubPluginOptions {
  /** A resolved config; defaults to `resolvePubConfig({})`. */
  config?: PubConfig;
  /** An existing gateway to mount (e.g. to share one across prefixes); created from `config` otherwise. */
  pub?: Pub;
  logger?: Logger;
  /** Start the background routing refresh when the plugin loads (default true). */
  autoStart?: boolean;
  /**
   * Serve job calls straight from the HTTP server's request event, before fastify routing (default true).
   * Saves fastify's per-request work (routing, request/reply objects, hooks) on the hot path; the cost is
   * that hooks of other plugins (e.g. a root `onRequest`) do not see job calls. Set false to route them
   * through fastify like any other route (they behave the same, only slower).
   */
  fastPath?: boolean;
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Puts a listener in front of fastify's for URLs under `prefix + '/job/'` and `prefix + '/fatman/'`. */
function installFastPath(server: Server, prefix: string, pub: Pub): void {
  const jobPrefix = `${prefix}/job/`;
  const fatmanPrefix = `${prefix}/fatman/`;
  const others = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '';
    if (url.startsWith(jobPrefix)) return pub.handle(req, res, jobPrefix.length);
    if (url.startsWith(fatmanPrefix)) return pub.handle(req, res, fatmanPrefix.length);
    for (const listener of others) listener.call(server, req, res);
  });
}

/**
 * PUB as a fastify plugin. Register it under `/pub` (and, for the original's root routes, also at `/`):
 * `app.register(pubPlugin, { prefix: '/pub', config: resolvePubConfig(process.env) })`.
 * Job routes bypass body parsing: the handler takes over the raw request and response and streams both.
 */
export const pubPlugin: FastifyPluginAsync<PubPluginOptions> = async (app: FastifyInstance, options) => {
  const ownsPub = options.pub === undefined;
  const pub = options.pub ?? createPub(options.config ?? resolvePubConfig({}), options.logger ? { logger: options.logger } : {});
  const { config, metrics } = pub;

  // Bodies are streamed to the job untouched: no parser may read them first (encapsulated to this plugin).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  const prefixLength = app.prefix.length;
  const proxyRoute = (kind: 'job' | 'fatman') => {
    const offset = prefixLength + kind.length + 2;
    return (request: FastifyRequest, reply: FastifyReply): void => {
      reply.hijack();
      pub.handle(request.raw, reply.raw, offset);
    };
  };
  for (const kind of ['job', 'fatman'] as const) {
    const handler = proxyRoute(kind);
    // Request logging at info level would cost more than the proxying itself.
    app.all(`/${kind}/:name/:version`, { logLevel: 'warn' }, handler);
    app.all(`/${kind}/:name/:version/*`, { logLevel: 'warn' }, handler);
  }

  app.get('/live', async () => ({ live: true }));
  app.get('/ready', async (_request, reply) => {
    if (pub.table.loaded) return { ready: true };
    return reply.code(503).send({ ready: false, error: `no job list from lifecycle at ${config.lifecycleUrl} yet: ${pub.sync.lastError ?? 'waiting for the first answer'}` });
  });
  app.get('/health', async () => {
    metrics.healthRequests.inc();
    return { service: 'pub', version: config.version, status: 'pass', auth_required: config.authRequired };
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });

  if (options.fastPath !== false) installFastPath(app.server, app.prefix, pub);

  if (ownsPub) {
    if (options.autoStart !== false) pub.start();
    app.addHook('onClose', async () => pub.close());
  }
};
