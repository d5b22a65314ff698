/** @module OpenAPI document (@fastify/swagger) and Swagger UI at `/docs` under every mount point. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { RunnerConfig } from '../config/index.ts';

/** Registers the OpenAPI generator on the app root; routes registered later are documented. */
export async function registerOpenApi(app: FastifyInstance, config: RunnerConfig): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: `Job - ${config.jobName}`, version: config.jobVersion, description: `Racetrack job ${config.jobName} ${config.jobVersion}` },
      components: { securitySchemes: { racetrackAuth: { type: 'apiKey', in: 'header', name: 'X-Racetrack-Auth' } } },
      security: [{ racetrackAuth: [] }],
    },
  });
}

/**
 * Sends `.../docs` to `.../docs/`: Swagger UI's page loads its assets relative to the trailing slash,
 * which is the only form that also works through PUB's `/pub/job/<name>/<version>` prefix.
 */
export function redirectDocsToSlash(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    const [path, query] = request.url.split('?');
    if (request.method === 'GET' && path?.endsWith('/docs')) {
      reply.redirect(`${path}/${query === undefined ? '' : `?${query}`}`, 302);
      return;
    }
    done();
  });
}

/** Serves Swagger UI at `/docs` in the current prefix, pointing "Try it out" at that prefix. */
export async function registerSwaggerUi(app: FastifyInstance): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    transformSpecification: (spec: Readonly<Record<string, unknown>>, request: FastifyRequest) => {
      const base = request.url.split('/docs')[0] ?? '';
      return { ...spec, servers: [{ url: base === '' ? '/' : base }] };
    },
  });
}
