/** @module Turns every failure into the spec's JSON error body `{"error", "type"}` with the right status. */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { isRacetrackError } from '@racetrack/core';
import { UserCodeError } from '../host/protocol.ts';

/** Installs the error and not-found handlers on `app`. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof UserCodeError) {
      const status = error.detail.status ?? 500;
      if (status >= 500) request.log.error({ err: { type: error.detail.type, message: error.detail.message, stack: error.detail.stack } }, 'job code failed');
      else request.log.warn({ err: { type: error.detail.type, message: error.detail.message } }, 'job code rejected the request');
      return reply.code(status).send({ error: error.message, type: error.detail.type });
    }
    if (isRacetrackError(error)) {
      const body = error.status === 429 ? { ...error.toBody(), detail: error.message } : error.toBody();
      return reply.code(error.status).send(body);
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) return reply.code(400).send({ error: fastifyError.message, type: 'ValidationError' });
    const status = fastifyError.statusCode ?? 500;
    if (status < 500) return reply.code(status).send({ error: fastifyError.message, type: fastifyError.code ?? fastifyError.name });
    request.log.error({ err: error }, 'request failed');
    return reply.code(status).send({ error: fastifyError.message, type: fastifyError.name });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: `no endpoint ${request.method} ${request.url.split('?')[0]}`, type: 'NotFound' });
  });
}

/** Fastify schemaErrorFormatter: one message naming the offending field. */
export function formatValidationErrors(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const first = errors[0];
  if (!first) return new Error(`invalid ${dataVar}`);
  const params = first.params as Record<string, unknown>;
  const at = first.instancePath.replace(/^\//, '');
  const inside = at ? ` in "${at}"` : '';
  if (first.keyword === 'required') return new Error(`missing required parameter "${String(params['missingProperty'])}"${inside}`);
  if (first.keyword === 'additionalProperties') return new Error(`unexpected parameter "${String(params['additionalProperty'])}"${inside}`);
  if (!at) return new Error(`${dataVar} ${first.message ?? 'is invalid'}: send a JSON object of parameters`);
  return new Error(`parameter "${at}" ${first.message ?? 'is invalid'}`);
}
