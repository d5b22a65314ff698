/** @module Tests of build-context unpacking: hostile archives are refused whole. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { create as createTar } from 'tar';
import { isRacetrackError } from '@racetrack/core';
import { extractArchive } from './archive.ts';

let root: string;

async function pack(cwd: string, entries: string[]): Promise<string> {
  const file = path.join(root, `a-${Math.random().toString(16).slice(2)}.tar.gz`);
  await createTar({ gzip: true, cwd, file, preservePaths: true }, entries);
  return (await readFile(file)).toString('base64');
}

async function expectRefused(archive: string, mention: string): Promise<void> {
  const target = path.join(root, `out-${Math.random().toString(16).slice(2)}`);
  await assert.rejects(
    extractArchive(archive, target),
    (error) => isRacetrackError(error) && error.code === 'BUILD_CONTEXT_INVALID' && error.message.includes(mention),
  );
  assert.deepEqual(await readdir(target).catch(() => []), [], 'nothing was extracted');
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'rt-archive-'));
  await mkdir(path.join(root, 'job', 'sub'), { recursive: true });
  await writeFile(path.join(root, 'job', 'job.ts'), 'export default class {}\n');
  await writeFile(path.join(root, 'job', 'sub', 'data.txt'), 'data\n');
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('build context archive', () => {
  it('unpacks a well-formed archive with its folders', async () => {
    const target = path.join(root, 'ok');
    await extractArchive(await pack(path.join(root, 'job'), ['job.ts', 'sub']), target);
    assert.equal(await readFile(path.join(target, 'sub', 'data.txt'), 'utf8'), 'data\n');
  });

  it('refuses an entry with an absolute path', async () => {
    await expectRefused(await pack(root, [path.join(root, 'job', 'job.ts')]), path.join(root, 'job', 'job.ts'));
  });

  it('refuses a symlink pointing outside the root', async () => {
    const dir = path.join(root, 'links');
    await mkdir(dir, { recursive: true });
    await symlink('../../etc/passwd', path.join(dir, 'escape'));
    await expectRefused(await pack(dir, ['escape']), 'escape -> ../../etc/passwd');
  });

  it('refuses a setuid file', async () => {
    const dir = path.join(root, 'setuid');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'tool'), '#!/bin/sh\n');
    await chmod(path.join(dir, 'tool'), 0o4755);
    await expectRefused(await pack(dir, ['tool']), 'tool (setuid/setgid)');
  });

  it('refuses a symlink with an absolute target', async () => {
    const dir = path.join(root, 'abs-links');
    await mkdir(dir, { recursive: true });
    await symlink('/etc/passwd', path.join(dir, 'passwd'));
    await expectRefused(await pack(dir, ['passwd']), 'passwd -> /etc/passwd');
  });
});
