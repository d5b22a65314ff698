/** @module HTTP details the original's clients rely on: an empty JSON body is `{}`, a wrong method is 405 with `Allow`. */
import type { FastifyInstance } from 'fastify';

/**
 * Parses `application/json` like fastify does (proto-poisoning refused), except that an empty body
 * means "no parameters": a perform with only optional parameters can be called with no body at all.
 */
export function acceptEmptyJsonBody(app: FastifyInstance, bodyLimit: number): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    const text = body as string; // parseAs: 'string'
    if (text.length === 0) done(null, {});
    else if (suspicious.test(text)) parse(request, text, done); // refuses __proto__ / constructor.prototype keys
    else {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        parse(request, text, done); // fastify's own error for malformed JSON
        return;
      }
      done(null, value);
    }
  });
}

/** Bodies that could carry a prototype-poisoning key (also \u-escaped) go through fastify's slower checking parser. */
const suspicious = /proto|constructor|\\u/;

const otherMethods = ['GET', 'PUT', 'DELETE', 'PATCH'] as const;

/** Answers any other method on a POST-only `path` with 405 and `Allow: POST` (404 would hide that the path exists). */
export function postOnly(app: FastifyInstance, path: string): void {
  app.route({
    method: [...otherMethods],
    url: path,
    schema: { hide: true },
    handler: (request, reply) => reply.code(405).header('allow', 'POST').send({ error: `${request.method} is not allowed on ${path}: use POST`, type: 'MethodNotAllowed' }),
  });
}
