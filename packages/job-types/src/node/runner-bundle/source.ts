/**
 * @module What the job runner's bundle is made from, and a content key over it: the runner's and its
 * workspace dependencies' sources, the lockfile (third-party versions), esbuild's and Node's versions.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A runner package to bundle: its entry points and everything whose change must give a new bundle. */
export interface RunnerSource {
  /** The runner package's directory (externals resolve from here). */
  packageDir: string;
  /** Absolute entry files; their base names become the bundle's file names (`main.js`, `worker.js`). */
  entryPoints: string[];
  /** Package directories whose `src/` and `package.json` are hashed (the runner and its workspace deps). */
  hashedPackages: string[];
  /** Extra files hashed as they are (the lockfile), skipped when missing. */
  hashedFiles: string[];
  /** Packages left out of the bundle and imported from their installed place at run time. */
  externals: string[];
}

/**
 * Loaded only after /ready or on first use, or (the Swagger UI) reading its own files at run time:
 * kept out of the bundle, imported from where they are installed.
 */
const runnerExternals = ['prom-client', '@fastify/swagger', '@fastify/swagger-ui', 'mime'];

/** The runner this installation runs (`@racetrack/job-runner` and the workspace packages it depends on). */
export function installedRunner(): RunnerSource {
  const packageDir = path.dirname(path.dirname(fileURLToPath(import.meta.resolve('@racetrack/job-runner'))));
  const main = fileURLToPath(import.meta.resolve('@racetrack/job-runner/main'));
  const hashedPackages = [packageDir, ...workspaceDependencies(packageDir)];
  const lockfile = findUp(packageDir, 'package-lock.json');
  // This folder's own code decides how the bundle is made: a change to it makes a new bundle.
  const recipe = listSources(path.dirname(fileURLToPath(import.meta.url)));
  return {
    packageDir,
    entryPoints: [main, path.join(path.dirname(main), 'host', 'worker.ts')],
    hashedPackages,
    hashedFiles: [...(lockfile ? [lockfile] : []), ...recipe],
    externals: runnerExternals,
  };
}

/** sha256 (hex) over the runner's sources and the tools that bundle it; equal keys give equal bundles. */
export function runnerContentKey(source: RunnerSource, esbuildVersion: string): string {
  const hash = createHash('sha256');
  hash.update(`esbuild:${esbuildVersion}\0node:${process.version}\0dir:${source.packageDir}\0`);
  hash.update(`entries:${JSON.stringify(source.entryPoints)}\0externals:${JSON.stringify(source.externals)}\0`);
  const files = [
    ...source.hashedPackages.flatMap((dir) => [path.join(dir, 'package.json'), ...listSources(path.join(dir, 'src'))]),
    ...source.hashedFiles.filter((file) => existsSync(file)),
  ];
  for (const file of files) {
    const body = readFileSync(file);
    // Lengths keep the stream unambiguous: no file boundary can be forged by content.
    hash.update(`${Buffer.byteLength(file)}:${file}:${body.length}:`).update(body);
  }
  return hash.digest('hex');
}

/** Source files under `dir`, sorted; tests are not part of the runner. */
function listSources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.test.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** `@racetrack/*` packages the runner depends on (transitively), as directories. */
function workspaceDependencies(packageDir: string): string[] {
  const found: string[] = [];
  const queue = [packageDir];
  while (queue.length > 0) {
    const dir = queue.shift() as string;
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const name of Object.keys(manifest.dependencies ?? {}).filter((n) => n.startsWith('@racetrack/'))) {
      const entry = createRequire(path.join(dir, 'package.json')).resolve(name);
      const depDir = path.dirname(path.dirname(entry));
      if (depDir === packageDir || found.includes(depDir)) continue;
      found.push(depDir);
      queue.push(depDir);
    }
  }
  return found;
}

function findUp(start: string, name: string): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
    if (dir === path.dirname(dir)) return undefined;
  }
}
