/** @module Tests of the deploy payload: build context choice, secrets, credentials, flags. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { validateManifest } from '@racetrack/manifest';
import { buildDeployPayload, chooseBuildContext } from './payload.ts';

describe('chooseBuildContext', () => {
  it('uploads the directory for a server on this machine, uses git otherwise, unless told', () => {
    assert.equal(chooseBuildContext(undefined, 'http://127.0.0.1:7200/lifecycle'), 'local');
    assert.equal(chooseBuildContext(undefined, 'https://racetrack.example.com/lifecycle'), 'git');
    assert.equal(chooseBuildContext('git', 'http://localhost:7200/lifecycle'), 'git');
  });
});

describe('buildDeployPayload', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rt-cli-payload-'));
    await writeFile(join(dir, 'job.yaml'), 'x');
    await writeFile(join(dir, '.env.runtime'), 'API_KEY="k"\n');
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const { manifest } = validateManifest({ name: 'adder', owner_email: 'a@b.c', jobtype: 'node:latest', git: { remote: 'https://github.com/org/adder' }, secret_runtime_env_file: '.env.runtime' });

  it('carries manifest, secrets, matching git credentials, a base64 tarball and flags', async () => {
    const config = { git_credentials: { 'https://github.com': { username: 'u', password: 'p' } } };
    const payload = await buildDeployPayload({ manifest, manifestPath: join(dir, 'job.yaml'), config, buildContext: 'local', force: true, noCache: true });
    assert.equal(payload.manifest['name'], 'adder');
    assert.deepEqual(payload.git_credentials, { username: 'u', password: 'p' });
    assert.deepEqual(payload.secret_vars, { build_env: {}, runtime_env: { API_KEY: 'k' } });
    assert.equal(Buffer.from(payload.build_context ?? '', 'base64')[0], 0x1f);
    assert.equal(payload.force, true);
    assert.deepEqual(payload.build_flags, ['--no-cache']);
  });

  it('sends no build context for git builds and null secrets when there are none', async () => {
    const { manifest: plain } = validateManifest({ ...manifest, secret_runtime_env_file: undefined });
    const payload = await buildDeployPayload({ manifest: plain, manifestPath: join(dir, 'job.yaml'), config: {}, buildContext: 'git', force: false, noCache: false });
    assert.equal(payload.build_context, null);
    assert.equal(payload.secret_vars, null);
    assert.equal(payload.git_credentials, null);
    assert.deepEqual(payload.build_flags, []);
  });
});
