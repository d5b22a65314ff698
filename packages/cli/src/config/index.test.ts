/** @module Tests of settings resolution and the config file (mode 600, round trip, bad YAML). */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readClientConfig, resolveCliSettings, updateClientConfig } from './index.ts';

describe('resolveCliSettings', () => {
  it('applies defaults under HOME', () => {
    const settings = resolveCliSettings({ HOME: '/home/u' }, { isTTY: false });
    assert.equal(settings.configPath, '/home/u/.racetrack/config.yaml');
    assert.deepEqual(settings.server, { port: 7200, host: '127.0.0.1', dataDir: '/home/u/.racetrack', databaseUrl: undefined });
    assert.equal(settings.deployPollMs, 500);
  });

  it('reads RACETRACK_* variables', () => {
    const settings = resolveCliSettings({ HOME: '/h', RACETRACK_CONFIG: '/c.yaml', RACETRACK_PORT: '7300', RACETRACK_DATA_DIR: '/d', RACETRACK_DATABASE_URL: 'postgres://x' }, { isTTY: true });
    assert.equal(settings.configPath, '/c.yaml');
    assert.deepEqual(settings.server, { port: 7300, host: '127.0.0.1', dataDir: '/d', databaseUrl: 'postgres://x' });
    assert.throws(() => resolveCliSettings({ RACETRACK_PORT: 'abc' }, { isTTY: false }), /RACETRACK_PORT must be a port number/);
  });
});

describe('config file', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rt-cli-config-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('is empty when missing, and written with mode 600', async () => {
    const path = join(dir, 'sub', 'config.yaml');
    assert.deepEqual(await readClientConfig(path), {});
    await updateClientConfig(path, (config) => {
      config.lifecycle_url = 'dev';
      config.user_auths = { 'http://x/lifecycle': 'tok' };
    });
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readClientConfig(path), { lifecycle_url: 'dev', user_auths: { 'http://x/lifecycle': 'tok' } });
  });

  it('warns when others can read it and rejects bad YAML', async () => {
    const path = join(dir, 'loose.yaml');
    await writeFile(path, 'lifecycle_url: x\n');
    await chmod(path, 0o644);
    const warnings: string[] = [];
    await readClientConfig(path, (message) => warnings.push(message));
    assert.match(warnings[0] ?? '', /readable by other users/);
    await writeFile(path, 'a: [\n', { mode: 0o600 });
    await assert.rejects(readClientConfig(path), /is not valid YAML/);
  });
});
