/** @module Tests of job-type reference resolution. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isRacetrackError } from '@racetrack/core';
import type { JobType } from '../core/job-type.ts';
import { builtinJobTypes } from '../builtin/index.ts';
import { createJobTypeRegistry } from './index.ts';

function jobType(name: string, version: string): JobType {
  return {
    name,
    version,
    validate: () => [],
    cacheKeyExtras: () => [],
    buildLocal: () => Promise.reject(new Error('not built in this test')),
  };
}

const registry = createJobTypeRegistry([
  jobType('node', '0.1.0'),
  jobType('node', '0.2.0'),
  jobType('node', '0.10.1'),
  jobType('mllab', '1.3.0-3.9-bullseye'),
  jobType('mllab', '1.3.1-3.9-bullseye'),
]);

describe('job type registry', () => {
  it('resolves latest to the highest version', () => {
    assert.equal(registry.resolve('node:latest').version, '0.10.1');
  });

  it('resolves an exact version', () => {
    assert.equal(registry.resolve('node:0.2.0').version, '0.2.0');
  });

  it('resolves * and x wildcards to the highest match, pre-release labels included', () => {
    assert.equal(registry.resolve('node:0.1.*').version, '0.1.0');
    assert.equal(registry.resolve('node:0.*.*').version, '0.10.1');
    assert.equal(registry.resolve('node:0.2.x').version, '0.2.0');
    assert.equal(registry.resolve('mllab:1.3.*-3.9-bullseye').version, '1.3.1-3.9-bullseye');
  });

  it('rejects an unknown name or version listing the installed job types', () => {
    for (const reference of ['go:latest', 'node:9.9.9', 'node:9.*', 'node', 'node:']) {
      assert.throws(
        () => registry.resolve(reference),
        (error) => isRacetrackError(error) && error.code === 'JOB_TYPE_UNKNOWN' && error.message.includes('node:0.10.1'),
        reference,
      );
    }
  });

  it('lists job types by name, highest version first', () => {
    assert.deepEqual(
      registry.list().map((t) => `${t.name}:${t.version}`),
      ['mllab:1.3.1-3.9-bullseye', 'mllab:1.3.0-3.9-bullseye', 'node:0.10.1', 'node:0.2.0', 'node:0.1.0'],
    );
  });

  it('includes the built-in node and python3 job types', () => {
    const builtins = createJobTypeRegistry(builtinJobTypes());
    assert.equal(builtins.resolve('node:latest').name, 'node');
    assert.equal(builtins.resolve('python3:latest').name, 'python3');
  });
});
