/** @module Tests of loading manifests from disk: file names, extends, overrides, YAML errors with positions. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { loadManifestFile, parseManifestText } from './index.ts';

const jobYaml = `name: adder
owner_email: a@example.com
jobtype: node:latest
git:
  remote: https://github.com/org/adder
  branch: main
`;

describe('loadManifestFile', () => {
  let root = '';
  const dirWith = async (name: string, files: Record<string, string>): Promise<string> => {
    const dir = join(root, name);
    await mkdir(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
    return dir;
  };
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'rt-manifest-load-'));
  });
  after(async () => rm(root, { recursive: true, force: true }));

  it('loads job.yaml and returns the final manifest as YAML', async () => {
    const dir = await dirWith('plain', { 'job.yaml': jobYaml });
    const loaded = await loadManifestFile(dir);
    assert.equal(loaded.path, join(dir, 'job.yaml'));
    assert.equal(loaded.manifest.name, 'adder');
    assert.deepEqual(parse(loaded.yaml), loaded.manifest);
    assert.deepEqual(loaded.warnings, []);
  });

  it('accepts a manifest file path instead of a directory', async () => {
    const dir = await dirWith('by-file', { 'other.yaml': jobYaml });
    assert.equal((await loadManifestFile(join(dir, 'other.yaml'))).manifest.name, 'adder');
  });

  it('accepts legacy fatman.yaml with a warning', async () => {
    const dir = await dirWith('legacy', { 'fatman.yaml': jobYaml.replace('jobtype', 'lang') });
    const loaded = await loadManifestFile(dir);
    assert.equal(loaded.manifest.jobtype, 'node:latest');
    assert.equal(loaded.warnings.length, 2);
    assert.match(loaded.warnings[0] ?? '', /fatman\.yaml" is deprecated/);
  });

  it('merges extends overlays, then applies overrides', async () => {
    const dir = await dirWith('overlay', {
      'base.yaml': `${jobYaml}labels: {team: ml, tier: 1}\npublic_endpoints: [/a]\n`,
      'job.yaml': 'extends: base.yaml\nversion: 1.0.0\ngit:\n  branch: dev\nlabels: {tier: 2}\npublic_endpoints: [/b]\n',
    });
    const loaded = await loadManifestFile(dir, { overrides: ['replicas=2', 'git.directory=sub'] });
    assert.deepEqual(loaded.manifest.git, { remote: 'https://github.com/org/adder', branch: 'dev', directory: 'sub' });
    assert.deepEqual(loaded.manifest.labels, { team: 'ml', tier: 2 });
    assert.deepEqual(loaded.manifest.public_endpoints, ['/b']);
    assert.equal(loaded.manifest.version, '1.0.0');
    assert.equal(loaded.manifest.replicas, 2);
    assert.equal('extends' in loaded.manifest, false);
  });

  it('refuses a base that extends again, and a missing base', async () => {
    const chained = await dirWith('chained', { 'a.yaml': 'extends: b.yaml\n', 'job.yaml': 'extends: a.yaml\n' });
    await assert.rejects(loadManifestFile(chained), /must not itself use extends/);
    const missing = await dirWith('missing-base', { 'job.yaml': 'extends: nope.yaml\n' });
    await assert.rejects(loadManifestFile(missing), /extends: cannot read base manifest .*nope\.yaml \(ENOENT\)/);
  });

  it('reports YAML syntax errors with line and column', async () => {
    const dir = await dirWith('broken', { 'job.yaml': 'name: adder\ngit:\n  remote: [unclosed\nowner_email: x\n' });
    await assert.rejects(loadManifestFile(dir), /^RacetrackError: job\.yaml:\d+:\d+: YAML syntax error: /);
  });

  it('adds the line of each invalid field', async () => {
    const dir = await dirWith('invalid', { 'job.yaml': `${jobYaml}replicas: three\nfoo: 1\n` });
    await assert.rejects(loadManifestFile(dir), (error: Error) => {
      assert.match(error.message, /replicas \(line 7\): must be an integer between 1 and 50, got "three"/);
      assert.match(error.message, /foo \(line 8\): unknown field/);
      return true;
    });
  });

  it('explains a missing manifest and an empty one', async () => {
    const empty = await dirWith('empty-dir', {});
    await assert.rejects(loadManifestFile(empty), /no job\.yaml found in/);
    const blank = await dirWith('blank', { 'job.yaml': '# nothing\n' });
    await assert.rejects(loadManifestFile(blank), /job\.yaml is empty/);
  });
});

describe('parseManifestText', () => {
  it('validates piped manifest text with overrides', async () => {
    const { manifest } = await parseManifestText(jobYaml, { baseDir: tmpdir(), overrides: ['version=2.0.0'] });
    assert.equal(manifest.version, '2.0.0');
  });
});
