/** @module POST /api/v1/perform, the auxiliary endpoints and GET /api/v1/parameters. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { headers as racetrackHeaders } from '@racetrack/core';
import type { RunnerConfig } from '../config/index.ts';
import type { EntrypointHost, EntrypointInfo, RequestContextData } from '../host/protocol.ts';
import type { JobSchema, JsonSchema, MethodSchema, ParameterSchema } from '../schema/types.ts';
import type { ConcurrencyLimiter } from './concurrency.ts';
import { postOnly } from './http-compat.ts';
import type { JobMetrics } from './metrics.ts';

/** What the server needs to call user code. */
export interface CallDeps {
  host: EntrypointHost;
  limiter: ConcurrencyLimiter;
  metrics: JobMetrics;
  config: RunnerConfig;
}

/** The schema of every endpoint: the build-time one, or names read from the source when there is none. */
export function endpointSchemas(info: EntrypointInfo, jobSchema: JobSchema | undefined): Map<string, MethodSchema> {
  const schemas = new Map<string, MethodSchema>();
  for (const [path, endpoint] of Object.entries(info.endpoints)) {
    const built = endpoint.methodName ? jobSchema?.methods[endpoint.methodName] : undefined;
    if (built) {
      schemas.set(path, built);
      continue;
    }
    const parameters: ParameterSchema[] = endpoint.parameters.map((p) => ({
      name: p.name,
      type: p.rest ? 'any[]' : 'any',
      required: !p.hasDefault && !p.rest,
      schema: p.rest ? { type: 'array' } : {},
      ...(p.rest ? { rest: true } : {}),
    }));
    const properties = Object.fromEntries(parameters.map((p) => [p.name, p.schema]));
    const required = parameters.filter((p) => p.required).map((p) => p.name);
    const input: JsonSchema = { type: 'object', properties, additionalProperties: false, ...(required.length ? { required } : {}) };
    schemas.set(path, { name: endpoint.methodName ?? path.slice(1), parameters, input, output: {} });
  }
  return schemas;
}

/** Registers perform and auxiliary endpoints plus /parameters under the current prefix. */
export function registerEndpoints(app: FastifyInstance, deps: CallDeps, info: EntrypointInfo, schemas: Map<string, MethodSchema>, hide: boolean): void {
  for (const [path, method] of schemas) {
    const example = info.examples[path];
    const body = example ? { ...method.input, examples: [example] } : method.input;
    const description = [method.description, method.returnsDescription ? `Returns: ${method.returnsDescription}` : ''].filter(Boolean).join('\n\n');
    const schema = {
      hide,
      summary: path === '/perform' ? 'Call the job' : `Call ${method.name}`,
      ...(description ? { description } : {}),
      tags: [path === '/perform' ? 'perform' : 'auxiliary endpoints'],
      body,
      response: { 200: { description: 'The result', ...method.output } },
    };
    const endpoint = `/api/v1${path}`;
    // Not async: the call's own promise is handed to fastify, one promise less per request.
    app.post(endpoint, { schema }, (request, reply) => {
      const args = toArguments(method.parameters, (request.body ?? {}) as Record<string, unknown>);
      const context = requestContext(request, deps.config);
      return deps.metrics.track(endpoint, () => deps.limiter.run(() => deps.host.call(path, args, context)))
        .then((text) => reply.type('application/json; charset=utf-8').send(text));
    });
    postOnly(app, endpoint);
  }
  const perform = schemas.get('/perform');
  const listing = perform ? listParameters(perform.parameters) : [];
  const listSchema = { hide, tags: ['perform'], summary: 'Parameters of perform' };
  app.get('/api/v1/parameters', { schema: listSchema }, () => listing);
  app.get('/parameters', { schema: { ...listSchema, hide: true } }, () => listing);
}

function toArguments(parameters: ParameterSchema[], body: Record<string, unknown>): unknown[] {
  const args: unknown[] = [];
  for (const p of parameters) {
    if (p.rest) args.push(...((body[p.name] as unknown[] | undefined) ?? []));
    else args.push(body[p.name]);
  }
  return args;
}

/** The parts of the request user code and chain calls may use. */
export function requestContext(request: FastifyRequest, config: RunnerConfig): RequestContextData {
  const wanted = [racetrackHeaders.auth, config.callerHeader, config.tracingHeader, 'x-recordkeeper-predecessor-id'];
  const headers: Record<string, string> = {};
  for (const name of wanted) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  headers[config.tracingHeader] = request.id;
  return { requestId: request.id, headers };
}

/** `/parameters` listing: required parameters first, then optional ones with their default (spec 7.2). */
function listParameters(parameters: ParameterSchema[]): Record<string, unknown>[] {
  const describe = (p: ParameterSchema): Record<string, unknown> => {
    const entry: Record<string, unknown> = { name: p.name, type: p.type, required: p.required };
    if (!p.required) entry['default_value'] = p.default ?? p.defaultText ?? null;
    if (p.description) entry['description'] = p.description;
    return entry;
  };
  return [...parameters.filter((p) => p.required).map(describe), ...parameters.filter((p) => !p.required).map(describe)];
}
