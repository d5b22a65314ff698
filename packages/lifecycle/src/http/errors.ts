/** @module Turns anything thrown in a lifecycle route into the JSON error body `{"error","type","code"}`. */
import type { FastifyError, FastifyInstance } from 'fastify';
import { describeError, isRacetrackError } from '@racetrack/core';

/** Installs the error and not-found handlers on a lifecycle plugin instance. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (isRacetrackError(error)) {
      if (error.status >= 500) request.log.error({ err: error }, 'request failed');
      return reply.status(error.status).send(error.toBody());
    }
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status < 500) {
      return reply.status(status).send({ error: error.message, type: 'BadRequest', code: status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST' });
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.status(500).send({ error: describeError(error), type: 'InternalError', code: 'INTERNAL' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: `no lifecycle endpoint ${request.method} ${request.url}`, type: 'NotFound', code: 'NOT_FOUND' }));
}

/** Removes ANSI colour sequences (for the /plain log endpoints). */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}

/** A non-negative integer query parameter, or the default. */
export function intParam(value: unknown, fallback: number): number {
  const parsed = typeof value === 'string' && value !== '' ? Number(value) : NaN;
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : fallback;
}
