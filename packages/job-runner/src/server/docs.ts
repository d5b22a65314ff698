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
