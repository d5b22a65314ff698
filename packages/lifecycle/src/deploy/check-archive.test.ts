import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Header } from 'tar';
import { gzipSync } from 'node:zlib';
import { checkBuildContext } from './check-archive.ts';

/** A one-file tar.gz with the given entry path, built by hand so hostile paths survive. */
function archiveWith(entryPath: string): string {
  const body = Buffer.from('x');
  const header = new Header({ path: entryPath, mode: 0o644, size: body.length, type: 'File', mtime: new Date(0) });
  const block = Buffer.alloc(512);
  header.encode(block, 0);
  const padded = Buffer.concat([body, Buffer.alloc(511)]).subarray(0, 512);
  return gzipSync(Buffer.concat([block, padded, Buffer.alloc(1024)])).toString('base64');
}

test('a normal archive passes; escaping paths, garbage and empty archives are refused with the field named', async () => {
  await checkBuildContext(archiveWith('job.ts'));
  await assert.rejects(checkBuildContext(archiveWith('../../etc/passwd')), /outside the job directory: \.\.\/\.\.\/etc\/passwd/);
  await assert.rejects(checkBuildContext(Buffer.from('not an archive').toString('base64')), /not a valid base64 \.tar\.gz/);
  await assert.rejects(checkBuildContext(''), /empty/);
  await assert.rejects(checkBuildContext(archiveWith('/abs/file')), (error: Error & { code?: string }) => error.code === 'BUILD_CONTEXT_INVALID');
});
