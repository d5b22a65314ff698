/** @module Unpacks an uploaded build context (base64 tar.gz), refusing any entry that would land outside its root. */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Parser, Unpack, type ReadEntry } from 'tar';
import { RacetrackError } from '@racetrack/core';

/**
 * Extracts `base64TarGz` into the (empty) directory `dir`. Every entry is checked before anything is
 * written, so a hostile archive leaves nothing behind; the caller discards `dir` on failure.
 */
export async function extractArchive(base64TarGz: string, dir: string): Promise<void> {
  const archive = Buffer.from(base64TarGz, 'base64');
  if (archive.length === 0) throw invalid('the uploaded build context is empty');
  const problems = await listProblems(archive);
  if (problems.length > 0) {
    throw invalid(`the uploaded build context has unsafe entries: ${problems.slice(0, 5).join(', ')}; pack the job directory with relative paths, no links leaving it and no setuid files`);
  }
  await mkdir(dir, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    // Files belong to the server's user whoever owned them in the archive.
    const unpack = new Unpack({ cwd: dir, strict: true, preservePaths: false, preserveOwner: false });
    unpack.on('error', (error: Error) => reject(invalid(`could not unpack the build context: ${error.message}`, error)));
    unpack.on('close', () => resolve());
    unpack.end(archive);
  });
}

/** Entry paths (and link targets) that are absolute or climb out with `..`. */
function listProblems(archive: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const problems: string[] = [];
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        if (escapesRoot(entry.path)) problems.push(entry.path);
        // A setuid file unpacked by a server running as root would be a way up; a job never needs one.
        else if ((entry.mode ?? 0) & 0o6000) problems.push(`${entry.path} (setuid/setgid)`);
        else if ((entry.type === 'SymbolicLink' || entry.type === 'Link') && linkEscapes(entry)) {
          problems.push(`${entry.path} -> ${entry.linkpath ?? ''}`);
        }
        entry.resume();
      },
    });
    parser.on('error', (error: Error) => reject(invalid(`the build context is not a valid base64 tar.gz: ${error.message}`, error)));
    parser.on('end', () => resolve(problems));
    parser.end(archive);
  });
}

function escapesRoot(entryPath: string): boolean {
  if (path.isAbsolute(entryPath) || /^[a-zA-Z]:/.test(entryPath)) return true;
  return path.posix.normalize(entryPath.replaceAll('\\', '/')).split('/').includes('..');
}

function linkEscapes(entry: ReadEntry): boolean {
  const target = entry.linkpath ?? '';
  if (path.isAbsolute(target)) return true;
  // Hard links name a path from the archive root; symlinks are relative to their own directory.
  const base = entry.type === 'Link' ? '' : path.posix.dirname(entry.path);
  return path.posix.normalize(path.posix.join(base, target)).split('/').includes('..');
}

function invalid(message: string, cause?: unknown): RacetrackError {
  return new RacetrackError('BUILD_CONTEXT_INVALID', message, cause === undefined ? undefined : { cause });
}
