/**
 * @module Synchronous check of an uploaded build context, so a broken or hostile archive gets a 400 at once
 * instead of a failed deployment (the builder checks again when it unpacks).
 */
import path from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { RacetrackError } from '@racetrack/core';

const invalid = (message: string) => new RacetrackError('BUILD_CONTEXT_INVALID', message, { details: { field: 'build_context' } });

function escapes(entryPath: string): boolean {
  if (path.isAbsolute(entryPath) || /^[a-zA-Z]:/.test(entryPath)) return true;
  return path.posix.normalize(entryPath.replaceAll('\\', '/')).split('/').includes('..');
}

/** Throws BUILD_CONTEXT_INVALID unless `base64TarGz` is a readable tar.gz whose entries all stay inside it. */
export async function checkBuildContext(base64TarGz: string): Promise<void> {
  const archive = Buffer.from(base64TarGz, 'base64');
  if (archive.length === 0) throw invalid('build_context is empty; it must be a base64 .tar.gz of the job directory');
  const problems: string[] = [];
  let entries = 0;
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        entries += 1;
        const link = entry.type === 'SymbolicLink' ? path.posix.join(path.posix.dirname(entry.path), entry.linkpath ?? '') : entry.linkpath;
        if (escapes(entry.path) || (link !== undefined && (entry.type === 'SymbolicLink' || entry.type === 'Link') && escapes(link))) {
          problems.push(entry.linkpath ? `${entry.path} -> ${entry.linkpath}` : entry.path);
        }
        entry.resume();
      },
    });
    parser.on('error', (error: Error) => reject(invalid(`build_context is not a valid base64 .tar.gz: ${error.message}`)));
    parser.on('end', () => resolve());
    parser.end(archive);
  });
  if (entries === 0) throw invalid('build_context holds no files; it must be a base64 .tar.gz of the job directory');
  if (problems.length > 0) {
    throw invalid(`build_context has entries outside the job directory: ${problems.slice(0, 5).join(', ')}; pack the job directory with relative paths`);
  }
}
