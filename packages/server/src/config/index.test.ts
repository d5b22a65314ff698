/** @module Server config: the docker target settings (when it is offered, its network, addresses, the registry it pushes to). */
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

describe('server config: docker target', () => {
  it('offers docker automatically on the network "racetrack" with host addresses by default', () => {
    assert.deepEqual(resolveServerConfig({ env: {} }).docker, { offer: 'auto', network: 'racetrack', addressMode: 'host' });
  });

  it('reads RACETRACK_DOCKER, RACETRACK_DOCKER_NETWORK and RACETRACK_DOCKER_ADDRESS_MODE', () => {
    const env = { RACETRACK_DOCKER: 'true', RACETRACK_DOCKER_NETWORK: 'jobs_net', RACETRACK_DOCKER_ADDRESS_MODE: 'network' };
    assert.deepEqual(resolveServerConfig({ env }).docker, { offer: 'true', network: 'jobs_net', addressMode: 'network' });
  });

  it('names the setting and its allowed values when one is wrong', () => {
    assert.throws(() => resolveServerConfig({ env: { RACETRACK_DOCKER: 'yes' } }), /RACETRACK_DOCKER must be auto, true or false, got "yes"/);
    assert.throws(() => resolveServerConfig({ env: { RACETRACK_DOCKER_ADDRESS_MODE: 'bridge' } }), /RACETRACK_DOCKER_ADDRESS_MODE must be host .* or network/);
    assert.throws(() => resolveServerConfig({ env: { RACETRACK_DOCKER_NETWORK: 'my net' } }), /RACETRACK_DOCKER_NETWORK must be a Docker network name/);
  });
});
