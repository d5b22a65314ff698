/** @module Tests of the local build context: .gitignore rules, skipped folders, a real tar.gz. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { list } from 'tar';
import { listContextFiles, packBuildContext } from './context.ts';

describe('build context', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rt-cli-context-'));
    const files: Record<string, string> = {
      'job.yaml': 'name: adder\n',
      'src/index.ts': 'export {}\n',
      '.gitignore': 'dist/\n*.log\n.env.*\n',
      '.env.build': 'SECRET=1\n',
      'debug.log': 'x',
      'dist/out.js': 'x',
      'node_modules/pkg/index.js': 'x',
      '.git/HEAD': 'ref',
      'sub/.gitignore': 'local.txt\n',
      'sub/local.txt': 'x',
      'sub/kept.txt': 'x',
      'other/local.txt': 'x',
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
    }
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('honours root and nested .gitignore files and skips .git and node_modules', async () => {
    assert.deepEqual(await listContextFiles(dir), ['.gitignore', 'job.yaml', 'other/local.txt', 'src/index.ts', 'sub/.gitignore', 'sub/kept.txt']);
  });

  it('packs those files into a gzipped tarball', async () => {
    const archive = await packBuildContext(dir);
    assert.equal(archive[0], 0x1f);
    assert.equal(archive[1], 0x8b);
    assert.ok(gunzipSync(archive).length > 0);
    const archivePath = join(dir, '..', `${Date.now()}-ctx.tar.gz`);
    await writeFile(archivePath, archive);
    const entries: string[] = [];
    await list({ file: archivePath, onReadEntry: (entry) => entries.push(entry.path) });
    await rm(archivePath);
    assert.deepEqual(entries.sort(), await listContextFiles(dir));
    assert.equal((await readFile(join(dir, 'job.yaml'), 'utf8')), 'name: adder\n');
  });
});
