/**
 * @module Copies an installed package and its production dependency closure into a directory laid out
 * as `node_modules/`, so a container can run it without npm or a registry (the node job type's runner).
 */
import { access, cp, mkdir, readFile, realpath, symlink } from 'node:fs/promises';
import path from 'node:path';
import { RacetrackError } from '@racetrack/core';

interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  exports?: unknown;
}

/**
 * Copies the package at `packageDir` (a workspace package of `repoRoot`) and everything it needs at run
 * time into `destRoot`, laid out like the repo: third-party packages under `node_modules/` with npm's
 * nesting (so each resolves the same versions), workspace packages under `packages/<dir>` with a
 * `node_modules/@racetrack/<dir>` symlink (Node strips TypeScript types only outside node_modules).
 * Returns the package's directory relative to `destRoot`.
 */
export async function bundlePackage(repoRoot: string, packageDir: string, destRoot: string): Promise<string> {
  const queue: Array<{ real: string; dest: string }> = [];
  const seen = new Set<string>();
  const top = { real: await realpath(packageDir), dest: destFor(repoRoot, packageDir) };
  queue.push(top);
  seen.add(top.dest);
  while (queue.length > 0) {
    const current = queue.shift() as { real: string; dest: string };
    const manifest = await readPackageJson(current.real);
    const needed = { ...manifest.peerDependencies, ...manifest.optionalDependencies, ...manifest.dependencies };
    const optional = new Set([...Object.keys(manifest.optionalDependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    for (const name of Object.keys(needed)) {
      const found = await findDependency(current.real, name, repoRoot);
      if (!found) {
        if (optional.has(name)) continue;
        throw new RacetrackError('BUILD_FAILED', `dependency ${name} of ${manifest.name ?? current.real} is not installed; run npm ci in ${repoRoot}`);
      }
      const dest = destFor(repoRoot, found);
      if (seen.has(dest)) continue;
      seen.add(dest);
      queue.push({ real: await realpath(found), dest });
    }
    await cp(current.real, path.join(destRoot, current.dest), {
      recursive: true,
      // Nested node_modules are copied as dependencies in their own right, tests are not needed at run time.
      filter: (src) => path.relative(current.real, src).split(path.sep)[0] !== 'node_modules' && !src.endsWith('.test.ts'),
    });
  }
  for (const dest of seen) {
    const parts = dest.split(path.sep);
    if (parts[0] !== 'packages' || parts.length !== 2) continue;
    const link = path.join(destRoot, 'node_modules', '@racetrack', parts[1] as string);
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(path.join('..', '..', 'packages', parts[1] as string), link, 'dir');
  }
  return top.dest;
}

/** The file a package exports under `subpath` (e.g. `./main`), relative to the package directory. */
export async function exportedFile(packageDir: string, subpath: string): Promise<string> {
  const manifest = await readPackageJson(packageDir);
  const exportsField = manifest.exports;
  const target = typeof exportsField === 'object' && exportsField !== null ? (exportsField as Record<string, unknown>)[subpath] : undefined;
  const file = typeof target === 'string' ? target : typeof target === 'object' && target !== null ? (target as Record<string, unknown>).default : undefined;
  if (typeof file !== 'string') {
    throw new RacetrackError('BUILD_FAILED', `${manifest.name ?? packageDir} does not export "${subpath}" in its package.json`);
  }
  return path.normalize(file);
}

/** Node's lookup: `<dir>/node_modules/<name>`, then each parent directory's, up to the repo root. */
async function findDependency(fromReal: string, name: string, repoRoot: string): Promise<string | undefined> {
  let dir = fromReal;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (await exists(path.join(candidate, 'package.json'))) return candidate;
    if (dir === repoRoot || dir === path.dirname(dir)) return undefined;
    dir = path.dirname(dir);
  }
}

/** Where a package found at `found` goes in the bundle: the same place as in the repo, workspace links resolved. */
function destFor(repoRoot: string, found: string): string {
  const parts = path.relative(repoRoot, found).split(path.sep);
  // `node_modules/@racetrack/<p>` is npm's workspace link to `packages/<p>`.
  if (parts[0] === 'node_modules' && parts[1] === '@racetrack' && parts[2] && parts.length === 3) return path.join('packages', parts[2]);
  if (parts[0] !== 'node_modules' && parts[0] !== 'packages') throw new RacetrackError('BUILD_FAILED', `package at ${found} is outside ${repoRoot}`);
  return parts.join(path.sep);
}

async function readPackageJson(dir: string): Promise<PackageJson> {
  return JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
