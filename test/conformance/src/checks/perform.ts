/** @module perform checks: keyword mapping, /parameters, validation errors, user errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorMessage, send } from '../http.ts';
import type { CheckContext } from './context.ts';

/** Registers the perform, parameters and error checks. */
export function performChecks(ctx: CheckContext): void {
  const { sample } = ctx;

  test('POST /api/v1/perform maps the JSON object to named parameters', async () => {
    const answer = await send(ctx.baseUrl(), 'POST', '/api/v1/perform', sample.perform.input);
    assert.equal(answer.status, 200, answer.text);
    assert.match(String(answer.headers['content-type']), /application\/json/);
    assert.deepEqual(answer.json, sample.perform.output);
  });

  for (const path of ['/api/v1/parameters', '/parameters']) {
    test(`GET ${path} lists perform's parameters, required first`, async () => {
      const answer = await send(ctx.baseUrl(), 'GET', path);
      assert.equal(answer.status, 200, answer.text);
      const params = answer.json as { name: string; type: unknown; default_value?: unknown }[];
      assert.ok(Array.isArray(params), 'parameters must be an array');
      assert.deepEqual(params.map((p) => p.name), sample.parameters.map((p) => p.name));
      for (const param of params) assert.equal(typeof param.type, 'string', `type of ${param.name}`);
      sample.parameters.forEach((expected, index) => {
        if (!expected.required) assert.ok('default_value' in (params[index] ?? {}), `${expected.name} lacks default_value`);
      });
    });
  }

  const firstRequired = sample.parameters.find((p) => p.required);
  if (firstRequired) {
    test('a missing required field gets 400 naming the field', async () => {
      const answer = await send(ctx.baseUrl(), 'POST', '/api/v1/perform', {});
      assert.equal(answer.status, 400, answer.text);
      assert.ok(errorMessage(answer).includes(firstRequired.name), `message should name ${firstRequired.name}: ${answer.text}`);
    });
  }

  for (const invalid of sample.invalidInputs ?? []) {
    test(`invalid input ${JSON.stringify(invalid.input)} gets 400 naming "${invalid.field}"`, async () => {
      const answer = await send(ctx.baseUrl(), 'POST', '/api/v1/perform', invalid.input);
      assert.equal(answer.status, 400, answer.text);
      assert.ok(errorMessage(answer).includes(invalid.field), `message should name ${invalid.field}: ${answer.text}`);
    });
  }

  test('malformed JSON gets 400 with a JSON error body', async () => {
    const answer = await send(ctx.baseUrl(), 'POST', '/api/v1/perform', undefined, '{"numbers": [1, 2');
    assert.equal(answer.status, 400, answer.text);
    assert.ok(errorMessage(answer).length > 0);
  });

  test('a JSON body that is not an object gets 400', async () => {
    const answer = await send(ctx.baseUrl(), 'POST', '/api/v1/perform', undefined, '[1, 2]');
    assert.equal(answer.status, 400, answer.text);
    assert.ok(errorMessage(answer).length > 0);
  });

  const failing = sample.failingInput;
  if (failing) {
    test('an exception in perform gets 500 with the error in a JSON body', async () => {
      const answer = await send(ctx.baseUrl(), 'POST', '/api/v1/perform', failing.input);
      assert.equal(answer.status, 500, answer.text);
      assert.ok(errorMessage(answer).includes(failing.message), `error should contain "${failing.message}": ${answer.text}`);
    });
  }

  test('an unknown path gets 404', async () => {
    const answer = await send(ctx.baseUrl(), 'GET', '/api/v1/no-such-endpoint-here');
    assert.equal(answer.status, 404, answer.text);
  });
}
