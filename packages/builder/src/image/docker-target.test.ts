/** @module The docker target is offered only when a Docker Engine answers. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Dockerode from 'dockerode';
import { createDockerTarget } from './docker-target.ts';

describe('docker target', () => {
  it('is not offered when no Engine answers', async () => {
    assert.equal(await createDockerTarget({ docker: new Dockerode({ socketPath: '/nonexistent/docker.sock' }), probeTimeoutMs: 1000 }), undefined);
  });
});
