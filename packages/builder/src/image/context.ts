/** @module Docker build contexts: a directory streamed as tar with extra generated files, and content hashes of directories. */
import { createHash } from 'node:crypto';
import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import tarFs from 'tar-fs';

/** A file added to the context at build time (rendered Dockerfile, build vars), never written to the workspace. */
export interface GeneratedFile {
  name: string;
  content: string;
  mode?: number;
}

/**
 * Streams `dir` as an uncompressed tar with `extra` files appended. `exclude` gets paths relative to
 * `dir` (posix separators) and drops matching files and whole directories.
 */
export function tarContext(dir: string, extra: GeneratedFile[], exclude: (relativePath: string) => boolean = () => false): Readable {
  const extraNames = new Set(extra.map((file) => file.name));
  return tarFs.pack(dir, {
    ignore: (name) => {
      const relative = path.relative(dir, name).split(path.sep).join('/');
      return extraNames.has(relative) || exclude(relative);
    },
    // Owner of the files in the image is root, as with `docker build`; host uids mean nothing there.
    map: (header) => ({ ...header, uid: 0, gid: 0, uname: 'root', gname: 'root' }),
    finalize: false,
    finish: (pack) => {
      for (const file of extra) pack.entry({ name: file.name, mode: file.mode ?? 0o644, mtime: new Date(0) }, file.content);
      pack.finalize();
    },
  });
}

/** sha256 (hex) over the relative paths, modes and contents of every file and symlink under `dir`. */
export async function hashDirectory(dir: string, extra: readonly string[] = []): Promise<string> {
  const hash = createHash('sha256');
  for (const item of extra) hash.update(`extra:${item}\0`);
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = entries
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => ({ entry, full: path.join(entry.parentPath, entry.name) }))
    .sort((a, b) => (a.full < b.full ? -1 : a.full > b.full ? 1 : 0));
  for (const { entry, full } of files) {
    hash.update(`${path.relative(dir, full)}\0`);
    hash.update(entry.isSymbolicLink() ? `link:${await readlink(full)}` : await readFile(full));
    hash.update('\0');
  }
  return hash.digest('hex');
}
