import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveVersion, isVersionAlias } from './version.ts';

const available = ['1.0.0', '1.2.0', '1.2.5', '2.0.0-alpha', '0.9.0'];

test('latest picks the highest stable version and skips prereleases', () => {
  assert.equal(resolveVersion('latest', available), '1.2.5');
});

test('wildcards pick the highest matching stable version', () => {
  assert.equal(resolveVersion('1.x', available), '1.2.5');
  assert.equal(resolveVersion('1.2.x', available), '1.2.5');
  assert.equal(resolveVersion('0.x', available), '0.9.0');
  assert.equal(resolveVersion('3.x', available), undefined);
});

test('an exact version must be present, prereleases included', () => {
  assert.equal(resolveVersion('2.0.0-alpha', available), '2.0.0-alpha');
  assert.equal(resolveVersion('1.1.0', available), undefined);
  assert.equal(isVersionAlias('1.x-dev'), false);
});
