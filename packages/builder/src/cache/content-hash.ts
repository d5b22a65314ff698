/** @module The build cache key: a sha256 over everything that decides a build's result. */
import { createHash } from 'node:crypto';
import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

/** Inputs of a build besides the source files. */
export interface HashInputs {
  jobType: { name: string; version: string };
  cacheKeyExtras: string[];
  buildEnv: Record<string, string>;
  manifest: Record<string, unknown>;
}

/** Folders never part of a build context: they are rebuilt (node_modules) or removed (.git) by the build. */
export const ignoredDirs = new Set(['.git', 'node_modules']);

/** sha256 (hex) of the source files under `dir` (sorted paths + contents) and of `inputs`. */
export async function computeContentHash(dir: string, inputs: HashInputs): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await listFiles(dir)) {
    const absolute = path.join(dir, file.path);
    // Lengths make the stream unambiguous: no file boundary can be forged by content.
    const body = file.link ? Buffer.from(`link:${await readlink(absolute)}`) : await readFile(absolute);
    hash.update(`${Buffer.byteLength(file.path)}:${file.path}:${body.length}:`).update(body);
  }
  hash.update(`\0jobtype:${inputs.jobType.name}:${inputs.jobType.version}`);
  hash.update(`\0extras:${JSON.stringify(inputs.cacheKeyExtras)}`);
  hash.update(`\0env:${stableJson(inputs.buildEnv)}`);
  // The manifest is written into the workspace (job.yaml) and read by the runner, so it is part of the result.
  hash.update(`\0manifest:${stableJson(inputs.manifest)}`);
  return hash.digest('hex');
}

async function listFiles(dir: string): Promise<{ path: string; link: boolean }[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() || e.isSymbolicLink())
    .map((e) => ({ path: path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'), link: e.isSymbolicLink() }))
    .filter((f) => !f.path.split('/').some((part) => ignoredDirs.has(part)))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** JSON with object keys sorted at every level, so equal values always hash equally. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
