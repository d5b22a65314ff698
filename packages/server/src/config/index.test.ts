/** @module Server config: the docker registry settings the docker target pushes job images with. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveServerConfig } from './index.ts';

describe('server config: docker registry', () => {
  it('has no registry (no push) unless RACETRACK_DOCKER_REGISTRY is set', () => {
    assert.equal(resolveServerConfig({ env: {} }).dockerRegistry, undefined);
  });

  it('reads the registry, its namespace (default racetrack) and credentials', () => {
    assert.deepEqual(resolveServerConfig({ env: { RACETRACK_DOCKER_REGISTRY: 'registry.example.com:5000' } }).dockerRegistry, {
      registry: 'registry.example.com:5000', namespace: 'racetrack',
    });
    const env = {
      RACETRACK_DOCKER_REGISTRY: 'ghcr.io', RACETRACK_DOCKER_REGISTRY_NAMESPACE: 'team',
      RACETRACK_DOCKER_REGISTRY_USERNAME: 'bot', RACETRACK_DOCKER_REGISTRY_PASSWORD: 'token',
    };
    assert.deepEqual(resolveServerConfig({ env }).dockerRegistry, { registry: 'ghcr.io', namespace: 'team', username: 'bot', password: 'token' });
  });

  it('refuses a registry given as a URL, naming the setting', () => {
    assert.throws(() => resolveServerConfig({ env: { RACETRACK_DOCKER_REGISTRY: 'https://ghcr.io' } }), /RACETRACK_DOCKER_REGISTRY must be host\[:port\]/);
  });
});
