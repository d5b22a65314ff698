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

/** Serves Swagger UI at `/docs` and the document also at `/openapi.json` (FastAPI's path) in the current prefix. */
export async function registerSwaggerUi(app: FastifyInstance, config: RunnerConfig): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    theme: { title: `Job - ${config.jobName}` },
    transformSpecification: (spec: Readonly<Record<string, unknown>>, request: FastifyRequest) => withServer(spec, request.url.split('/docs')[0] ?? ''),
  });
  app.get('/openapi.json', { schema: { hide: true } }, (request) => withServer(app.swagger() as unknown as Record<string, unknown>, request.url.split('/openapi.json')[0] ?? ''));
}

/** The document with "Try it out" pointed at the mount point the page was loaded from. */
function withServer(spec: Readonly<Record<string, unknown>>, base: string): Record<string, unknown> {
  return { ...spec, servers: [{ url: base === '' ? '/' : base }] };
}
