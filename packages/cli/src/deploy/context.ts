/** @module The local build context: the job directory as a gzipped tarball, honouring .gitignore files. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ignoreModule from 'ignore';
import { create } from 'tar';

// `ignore` is CommonJS with `module.exports = factory`; its typings describe that as a default export.
const createMatcher = ignoreModule as unknown as () => { add(patterns: string): Matcher; ignores(path: string): boolean };
interface Matcher {
  ignores(path: string): boolean;
}

/** Names never packed, at any depth: VCS data and installed dependencies (the builder installs its own). */
export const alwaysSkipped: readonly string[] = ['.git', 'node_modules'];

interface Scope {
  prefix: string;
  matcher: Matcher;
}

/** Lists the files of `dir` to pack (POSIX relative paths, sorted), skipping ignored ones. */
export async function listContextFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  await walk(dir, '', [], files);
  return files.sort();
}

async function walk(root: string, relativeDir: string, scopes: Scope[], files: string[]): Promise<void> {
  const absoluteDir = join(root, relativeDir);
  const entries = await readdir(absoluteDir, { withFileTypes: true });
  const gitignore = entries.find((entry) => entry.isFile() && entry.name === '.gitignore');
  const active = gitignore ? [...scopes, { prefix: relativeDir, matcher: createMatcher().add(await readFile(join(absoluteDir, '.gitignore'), 'utf8')) }] : scopes;
  for (const entry of entries) {
    if (alwaysSkipped.includes(entry.name)) continue;
    const path = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
    const isDir = entry.isDirectory();
    if (isIgnored(active, path, isDir)) continue;
    if (isDir) await walk(root, path, active, files);
    else if (entry.isFile() || entry.isSymbolicLink()) files.push(path);
  }
}

function isIgnored(scopes: Scope[], path: string, isDir: boolean): boolean {
  return scopes.some(({ prefix, matcher }) => {
    const local = prefix === '' ? path : path.slice(prefix.length + 1);
    return matcher.ignores(isDir ? `${local}/` : local);
  });
}

/** Packs the job directory into a .tar.gz (what the builder extracts as the job's source). */
export async function packBuildContext(dir: string): Promise<Buffer> {
  const files = await listContextFiles(dir);
  const chunks: Buffer[] = [];
  const stream = create({ gzip: true, cwd: dir, portable: true, noDirRecurse: true }, files);
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
