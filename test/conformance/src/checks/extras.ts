/** @module Checks of the optional features: auxiliary, static and webview endpoints. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { send } from '../http.ts';
import type { CheckContext } from './context.ts';

/** Registers checks for whichever optional features the sample declares. */
export function extraChecks(ctx: CheckContext): void {
  for (const aux of ctx.sample.auxiliary ?? []) {
    test(`POST /api/v1${aux.path} (auxiliary) maps named parameters`, async () => {
      const answer = await send(ctx.baseUrl(), 'POST', `/api/v1${aux.path}`, aux.input);
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(answer.json, aux.output);
      if (!ctx.viaPub) {
        const mounted = await send(ctx.baseUrl(), 'POST', `${ctx.mount}/api/v1${aux.path}`, aux.input);
        assert.deepEqual(mounted.json, aux.output);
      }
    });
  }

  for (const file of ctx.sample.staticFiles ?? []) {
    test(`GET /api/v1${file.path} (static) serves ${file.contentType}`, async () => {
      const answer = await send(ctx.baseUrl(), 'GET', `/api/v1${file.path}`);
      assert.equal(answer.status, 200, answer.text.slice(0, 300));
      assert.ok(String(answer.headers['content-type']).startsWith(file.contentType), `content-type ${answer.headers['content-type']}`);
      assert.ok(answer.text.includes(file.contains), `body lacks "${file.contains}"`);
    });
  }

  const dir = ctx.sample.staticDirectory;
  if (dir) {
    test('static directory requests that leave the directory are refused', async () => {
      for (const escape of ['%2e%2e', '..', '%2E%2E%2F..']) {
        const path = `/api/v1${dir.path}/${escape}/${dir.outsideFile}`;
        const answer = await send(ctx.baseUrl(), 'GET', path);
        assert.ok(answer.status >= 400 && answer.status < 500, `${path} answered ${answer.status}`);
        assert.ok(!answer.text.includes(dir.outsideText), `${path} leaked the file`);
      }
    });
  }

  const webview = ctx.sample.webview;
  if (webview) {
    test('the webview app answers under /api/v1/webview', async () => {
      for (const prefix of ctx.viaPub ? [''] : ['', ctx.mount]) {
        const answer = await send(ctx.baseUrl(), 'GET', `${prefix}/api/v1/webview${webview.page}`);
        assert.equal(answer.status, 200, answer.text.slice(0, 300));
        assert.ok(answer.text.includes(webview.contains), `webview page lacks "${webview.contains}"`);
      }
    });
    const staticFile = webview.staticFile;
    if (staticFile) {
      test('the webview static/ directory is served under /api/v1/webview/static', async () => {
        const answer = await send(ctx.baseUrl(), 'GET', `/api/v1/webview/static${staticFile.path}`);
        assert.equal(answer.status, 200, answer.text.slice(0, 300));
        assert.ok(answer.text.includes(staticFile.contains));
      });
    }
  }
}
