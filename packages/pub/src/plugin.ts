/** @module The fastify plugin mounting PUB's routes: job proxy (also legacy `/fatman`), probes and metrics. */
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
    app.all(`/${kind}/:name/:version`, handler);
    app.all(`/${kind}/:name/:version/*`, handler);
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

  if (ownsPub) {
    if (options.autoStart !== false) pub.start();
    app.addHook('onClose', async () => pub.close());
  }
};
