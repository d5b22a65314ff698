/**
 * @module The job runner bundled into a few files with esbuild, once per runner content, kept in a cache
 * directory shared by every job. A bundled runner starts faster: Node loads three files instead of
 * hundreds of fastify/ajv/pino modules and strips no types. Made at build time, never a repo build step.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describeError } from '@racetrack/core';
import type { BuildLog } from '../../core/job-type.ts';
import { installedRunner, runnerContentKey, type RunnerSource } from './source.ts';

export { installedRunner, runnerContentKey, type RunnerSource } from './source.ts';

/** Bundles being made by this process, by directory: concurrent builds wait for one esbuild run. */
const inFlight = new Map<string, Promise<string>>();
let running = 0;

/** The bundle's directory for a runner: `<cacheDir>/<first 16 hex of the content key>`. */
export function runnerBundleDir(cacheDir: string, runner: RunnerSource = installedRunner()): string {
  return path.join(cacheDir, runnerContentKey(runner, esbuildVersion()).slice(0, 16));
}

/** The installed esbuild's version, or `none` (bundling will then fail and the build fall back to the source). */
export function esbuildVersion(): string {
  try {
    return (createRequire(import.meta.url)('esbuild/package.json') as { version: string }).version;
  } catch {
    return 'none';
  }
}

/**
 * Returns the bundled runner's `main.js` under `cacheDir`, bundling it first when this runner content
 * has no bundle yet (written to a temp dir, published by an atomic rename). `fresh` bundles again and
 * replaces the one there (`--no-cache`). Rejects when bundling fails.
 */
export async function ensureRunnerBundle(cacheDir: string, runner: RunnerSource = installedRunner(), options: { fresh?: boolean } = {}): Promise<string> {
  const dir = runnerBundleDir(cacheDir, runner);
  const main = path.join(dir, 'main.js');
  if (!options.fresh && (await exists(main))) return main;
  let pending = inFlight.get(dir);
  if (!pending) {
    pending = bundleInto(dir, runner, options.fresh === true).then(() => main).finally(() => inFlight.delete(dir));
    inFlight.set(dir, pending);
  }
  return pending;
}

/**
 * The runner start script a build should use: the bundle when it can be made, else the source
 * `main.ts` (Node strips its types at each start, slower but the same behaviour), logging why.
 */
export async function runnerMainForBuild(cacheDir: string, log: BuildLog, options: { fresh?: boolean; runner?: RunnerSource } = {}): Promise<string> {
  const runner = options.runner ?? installedRunner();
  const sourceMain = runner.entryPoints[0] as string;
  try {
    const main = await ensureRunnerBundle(cacheDir, runner, { fresh: options.fresh === true });
    log(`job runner: bundled (${path.relative(cacheDir, path.dirname(main))})`);
    return main;
  } catch (error) {
    log(`job runner: could not bundle it (${reasonOf(error)}); running it from source`);
    return sourceMain;
  }
}

async function bundleInto(dir: string, runner: RunnerSource, replace: boolean): Promise<void> {
  const esbuild = await import('esbuild');
  const temp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await removeStaleTemps(path.dirname(dir));
  await mkdir(temp, { recursive: true });
  running++;
  try {
    await esbuild.build({
      entryPoints: runner.entryPoints,
      outdir: temp,
      // main.js, worker.js and the shared chunks side by side: worker-host finds ./worker.js next to itself.
      entryNames: '[name]',
      bundle: true,
      splitting: true,
      platform: 'node',
      format: 'esm',
      target: `node${process.versions.node.split('.')[0]}`,
      // No keepNames: its __name() call on every function made per request cost CPU under load (measured), and
      // no class of the runner or its packages collides (esbuild renames only on a clash; error types stay).
      // Stack frames point into main.js; its linked source map serves `node --enable-source-maps` when
      // debugging (not on by default: it added ~130 ms to the start).
      keepNames: false,
      sourcemap: 'linked',
      sourcesContent: false,
      logLevel: 'silent',
      // Bundled CommonJS packages call require() for Node's built-ins.
      banner: { js: "import { createRequire as __racetrackCreateRequire } from 'node:module'; const require = __racetrackCreateRequire(import.meta.url);" },
      plugins: [externalsAt(runner)],
    });
    // Without a package.json saying so, Node would parse each .js file twice to guess its module format.
    await writeFile(path.join(temp, 'package.json'), '{ "type": "module" }\n');
    await publish(temp, dir, replace);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  } finally {
    // esbuild keeps a service process for later builds; a server builds rarely, so it goes.
    if (--running === 0) await esbuild.stop();
  }
}

/** Renames `temp` to `dir`; an existing `dir` is kept (same content, made by another build) unless `replace`. */
async function publish(temp: string, dir: string, replace: boolean): Promise<void> {
  try {
    await rename(temp, dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    if (!replace) {
      await rm(temp, { recursive: true, force: true });
      return;
    }
    // Both renames are atomic: a job starting meanwhile sees the old bundle or the new one, never a mix.
    const retired = `${temp}.retired`;
    await rename(dir, retired);
    await rename(temp, dir);
    await rm(retired, { recursive: true, force: true });
  }
}

/** Leaves `runner.externals` out of the bundle, imported by absolute path: the bundle lives outside the runner's package. */
function externalsAt(runner: RunnerSource): import('esbuild').Plugin {
  const names = new Set(runner.externals);
  return {
    name: 'racetrack-runner-externals',
    setup(build) {
      build.onResolve({ filter: /^[@a-z]/ }, async (args) => {
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : (args.path.split('/')[0] as string);
        if (!names.has(name) || args.pluginData === 'external-lookup') return undefined;
        const found = await build.resolve(args.path, { kind: args.kind, resolveDir: runner.packageDir, pluginData: 'external-lookup' });
        if (found.errors.length > 0) return { errors: found.errors };
        return { path: found.path, external: true };
      });
    },
  };
}

/** esbuild's first error with its place (its message only says how many there were), else the error's first line. */
function reasonOf(error: unknown): string {
  const first = (error as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }).errors?.[0];
  if (first) return first.location ? `${first.location.file}:${first.location.line}: ${first.text}` : first.text;
  return describeError(error).split('\n')[0] ?? 'unknown error';
}

/** Temp dirs older than this are leftovers of a process that died while bundling. */
const staleTempAgeMs = 60 * 60 * 1000;

async function removeStaleTemps(cacheDir: string): Promise<void> {
  for (const name of await readdir(cacheDir).catch(() => [] as string[])) {
    if (!name.includes('.tmp-')) continue;
    const info = await stat(path.join(cacheDir, name)).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > staleTempAgeMs) await rm(path.join(cacheDir, name), { recursive: true, force: true });
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}
