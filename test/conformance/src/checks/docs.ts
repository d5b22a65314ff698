/** @module Documentation checks: Swagger UI page, its local assets, and the OpenAPI document. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { send } from '../http.ts';
import type { CheckContext } from './context.ts';

interface OpenApi {
  openapi?: string;
  info?: { title?: string; version?: string };
  paths?: Record<string, Record<string, { requestBody?: { content?: Record<string, { example?: unknown }> } }>>;
}

/** Registers the docs checks. */
export function docsChecks(ctx: CheckContext): void {
  test('GET /docs serves Swagger UI whose scripts load from the job itself', async () => {
    const origin = new URL(ctx.baseUrl()).origin;
    let pageUrl = new URL(`${ctx.baseUrl()}/docs`);
    let answer = await send(origin, 'GET', pageUrl.pathname);
    for (let hops = 0; hops < 3 && answer.status >= 300 && answer.status < 400; hops++) {
      // e.g. /docs -> /docs/ so that relative asset paths resolve under the page
      pageUrl = new URL(String(answer.headers['location']), pageUrl);
      answer = await send(origin, 'GET', pageUrl.pathname + pageUrl.search);
    }
    assert.equal(answer.status, 200, answer.text.slice(0, 300));
    assert.match(String(answer.headers['content-type']), /text\/html/);
    const scripts = [...answer.text.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1] ?? '');
    assert.ok(scripts.length > 0, 'the page loads no script');
    for (const src of scripts) {
      const assetUrl = new URL(src, pageUrl);
      assert.equal(assetUrl.origin, origin, `asset from outside the job: ${src}`);
      const asset = await send(origin, 'GET', assetUrl.pathname + assetUrl.search);
      assert.equal(asset.status, 200, `${src}: ${asset.status}`);
    }
  });

  test('GET /docs/json (OpenAPI) documents perform with the example input', async () => {
    const answer = await send(ctx.baseUrl(), 'GET', '/docs/json');
    assert.equal(answer.status, 200, answer.text.slice(0, 300));
    const doc = answer.json as OpenApi;
    assert.match(String(doc.openapi), /^3\./);
    assert.equal(doc.info?.title, `Job - ${ctx.sample.jobName}`);
    const perform = doc.paths?.['/api/v1/perform']?.['post'];
    assert.ok(perform, 'POST /api/v1/perform is not documented');
    if (ctx.sample.hasExample !== false) {
      const examples = Object.values(perform.requestBody?.content ?? {}).map((media) => media.example);
      assert.deepEqual(examples[0], ctx.sample.perform.input);
    }
    for (const aux of ctx.sample.auxiliary ?? []) {
      assert.ok(doc.paths?.[`/api/v1${aux.path}`]?.['post'], `auxiliary ${aux.path} is not documented`);
    }
  });
}
