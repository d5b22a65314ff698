/** @module Tests of deep merge and -e overrides. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyOverrides, deepMerge, parseOverride } from './index.ts';

describe('deepMerge', () => {
  it('merges mappings recursively and replaces lists and scalars', () => {
    const merged = deepMerge({ git: { remote: 'r', branch: 'main' }, labels: { a: 1 }, public_endpoints: ['/a'], replicas: 1 }, { git: { branch: 'dev' }, public_endpoints: ['/b'], replicas: 2 });
    assert.deepEqual(merged, { git: { remote: 'r', branch: 'dev' }, labels: { a: 1 }, public_endpoints: ['/b'], replicas: 2 });
  });
});

describe('applyOverrides', () => {
  it('sets dotted keys with YAML-parsed values', () => {
    const result = applyOverrides({ git: { remote: 'r' }, replicas: 1 }, ['git.branch=dev', 'replicas=3', 'labels.ok=true', 'public_endpoints=[/a, /b]', 'runtime_env.URL=http://x?a=b']);
    assert.deepEqual(result, { git: { remote: 'r', branch: 'dev' }, replicas: 3, labels: { ok: true }, public_endpoints: ['/a', '/b'], runtime_env: { URL: 'http://x?a=b' } });
  });

  it('does not modify its input', () => {
    const input = { git: { remote: 'r' } };
    applyOverrides(input, ['git.branch=dev']);
    assert.deepEqual(input, { git: { remote: 'r' } });
  });

  it('rejects malformed overrides and paths through scalars', () => {
    assert.throws(() => parseOverride('replicas'), /must look like KEY=VALUE/);
    assert.throws(() => parseOverride('git..branch=x'), /must look like KEY=VALUE/);
    assert.throws(() => applyOverrides({ name: 'x' }, ['name.first=y']), /name is not a mapping/);
    assert.throws(() => parseOverride('labels={a'), /not valid YAML/);
  });

  it('treats an empty value as an empty string', () => {
    assert.deepEqual(parseOverride('git.branch='), { path: ['git', 'branch'], value: '' });
  });
});
