/** @module OpenAPI document and Swagger UI of the lifecycle API (`/lifecycle/docs/`; `/lifecycle/` leads there). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

/** Registers the OpenAPI generator (before the routes it documents) and the UI. */
export async function registerDocs(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Racetrack lifecycle', version, description: 'Jobs, deployments and their logs' },
      components: { securitySchemes: { racetrackAuth: { type: 'apiKey', in: 'header', name: 'X-Racetrack-Auth' } } },
      security: [{ racetrackAuth: [] }],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // "Try it out" must call the prefix the UI was reached under (/lifecycle or the root).
    transformSpecification: (spec: Readonly<Record<string, unknown>>, request: FastifyRequest) => {
      const base = request.url.split('/docs')[0] ?? '';
      return { ...spec, servers: [{ url: base === '' ? '/' : base }] };
    },
  });
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    return reply.redirect(`${path.endsWith('/') ? path : `${path}/`}docs/`, 302);
  });
}
