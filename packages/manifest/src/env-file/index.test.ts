/** @module Tests of .env parsing and secret file reading. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseEnvFile, readSecretVars } from './index.ts';

describe('parseEnvFile', () => {
  it('reads the spec formats: spaces around =, quotes, comments', () => {
    const text = `# Git username\nGITLAB_USERNAME = 'username@example.com'\n\nGITLAB_TOKEN = "Pa55w0rD"\nexport PLAIN=value # note\nEMPTY=\nHASH="a # b"\r\nMULTI="a\\nb"`;
    assert.deepEqual(parseEnvFile(text), { GITLAB_USERNAME: 'username@example.com', GITLAB_TOKEN: 'Pa55w0rD', PLAIN: 'value', EMPTY: '', HASH: 'a # b', MULTI: 'a\nb' });
  });

  it('names the line of a malformed entry', () => {
    assert.throws(() => parseEnvFile('A=1\nnot a pair', '.env.build'), /\.env\.build line 2: expected KEY=VALUE/);
  });
});

describe('readSecretVars', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rt-manifest-env-'));
    await writeFile(join(dir, '.env.build'), 'TOKEN="s3cret"\n');
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('reads the files the manifest names, relative to the job directory', async () => {
    assert.deepEqual(await readSecretVars(dir, { secret_build_env_file: '.env.build' }), { build_env: { TOKEN: 's3cret' }, runtime_env: {} });
  });

  it('fails with the field name when a file is missing', async () => {
    await assert.rejects(readSecretVars(dir, { secret_runtime_env_file: '.env.missing' }), /secret_runtime_env_file: cannot read secret file .*\.env\.missing \(ENOENT\)/);
  });
});
