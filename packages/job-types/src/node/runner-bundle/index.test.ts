/** @module Tests of the runner bundle cache: made once, reused, made again when the runner changes, source fallback. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { nodeJobType } from '../index.ts';
import { ensureRunnerBundle, installedRunner, runnerBundleDir, runnerMainForBuild, type RunnerSource } from './index.ts';

const run = promisify(execFile);
let root: string;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'racetrack-runner-bundle-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A small runner package: main.ts starts worker.ts in a thread (found as the bundled runner finds it) and prints its answer. */
async function fakeRunner(name: string, greeting: string): Promise<RunnerSource> {
  const dir = path.join(root, name);
  await mkdir(path.join(dir, 'src', 'host'), { recursive: true });
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: `fake-${name}`, type: 'module' }));
  await writeFile(path.join(dir, 'src', 'greeting.ts'), `export const greeting: string = ${JSON.stringify(greeting)};\n`);
  await writeFile(
    path.join(dir, 'src', 'main.ts'),
    [
      "import { Worker } from 'node:worker_threads';",
      "import { greeting } from './greeting.ts';",
      "const script = new URL(import.meta.url.endsWith('.js') ? './worker.js' : './host/worker.ts', import.meta.url);",
      'const worker = new Worker(script);',
      "worker.once('message', (reply: string) => { console.log(`${greeting} ${reply}`); void worker.terminate(); });",
      '',
    ].join('\n'),
  );
  await writeFile(
    path.join(dir, 'src', 'host', 'worker.ts'),
    "import { parentPort } from 'node:worker_threads';\nimport { greeting } from '../greeting.ts';\nparentPort?.postMessage(`from the worker (${greeting.length})`);\n",
  );
  return {
    packageDir: dir,
    entryPoints: [path.join(dir, 'src', 'main.ts'), path.join(dir, 'src', 'host', 'worker.ts')],
    hashedPackages: [dir],
    hashedFiles: [],
    externals: [],
  };
}

async function output(main: string): Promise<string> {
  const { stdout } = await run(process.execPath, [main], { timeout: 20_000 });
  return stdout.trim();
}

describe('runner bundle cache', () => {
  it('bundles once into main.js and worker.js side by side, then reuses the bundle', async () => {
    const runner = await fakeRunner('reuse', 'hello');
    const cacheDir = path.join(root, 'cache-reuse');
    const main = await ensureRunnerBundle(cacheDir, runner);
    assert.equal(path.basename(main), 'main.js');
    const files = await readdir(path.dirname(main));
    assert.ok(files.includes('worker.js') && files.includes('package.json'), `bundle files: ${files.join(', ')}`);
    assert.equal(await output(main), 'hello from the worker (5)');

    const madeAt = (await stat(main)).mtimeMs;
    assert.equal(await ensureRunnerBundle(cacheDir, runner), main);
    assert.equal((await stat(main)).mtimeMs, madeAt, 'an unchanged runner must not be bundled again');
    // Only the published bundle is left in the cache dir: no temp dirs.
    assert.deepEqual(await readdir(cacheDir), [path.basename(path.dirname(main))]);
  });

  it('makes a new bundle when the runner changes, and one bundle for concurrent builds', async () => {
    const runner = await fakeRunner('change', 'hello');
    const cacheDir = path.join(root, 'cache-change');
    const first = await ensureRunnerBundle(cacheDir, runner);
    await writeFile(path.join(runner.packageDir, 'src', 'greeting.ts'), "export const greeting: string = 'bonjour';\n");
    const [second, again] = await Promise.all([ensureRunnerBundle(cacheDir, runner), ensureRunnerBundle(cacheDir, runner)]);
    assert.notEqual(second, first);
    assert.equal(again, second);
    assert.equal(await output(second), 'bonjour from the worker (7)');
    assert.equal(await output(first), 'hello from the worker (5)', 'the old bundle stays for builds that still run it');
    assert.equal((await readdir(cacheDir)).length, 2);
  });

  it('removes temp dirs an interrupted bundling left more than an hour ago, not recent ones', async () => {
    const runner = await fakeRunner('stale', 'hello');
    const cacheDir = path.join(root, 'cache-stale');
    const stale = path.join(cacheDir, '0123456789abcdef.tmp-1-deadbeef');
    const recent = path.join(cacheDir, '0123456789abcdef.tmp-2-cafebabe');
    await mkdir(stale, { recursive: true });
    await mkdir(recent, { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    const main = await ensureRunnerBundle(cacheDir, runner);
    assert.deepEqual((await readdir(cacheDir)).sort(), [path.basename(recent), path.basename(path.dirname(main))].sort());
  });

  it('bundles again in place when asked for a fresh bundle (--no-cache)', async () => {
    const runner = await fakeRunner('fresh', 'hi');
    const cacheDir = path.join(root, 'cache-fresh');
    const main = await ensureRunnerBundle(cacheDir, runner);
    await rm(path.join(path.dirname(main), 'worker.js'));
    assert.equal(await ensureRunnerBundle(cacheDir, runner, { fresh: true }), main);
    assert.equal(await output(main), 'hi from the worker (2)');
    assert.deepEqual(await readdir(cacheDir), [path.basename(path.dirname(main))]);
  });

  it('falls back to the source main.ts, saying why, when bundling fails', async () => {
    const runner = await fakeRunner('broken', 'hello');
    await writeFile(path.join(runner.packageDir, 'src', 'greeting.ts'), 'export const greeting: string = ;\n');
    const cacheDir = path.join(root, 'cache-broken');
    await assert.rejects(ensureRunnerBundle(cacheDir, runner));
    const lines: string[] = [];
    const main = await runnerMainForBuild(cacheDir, (line) => lines.push(line), { runner });
    assert.equal(main, runner.entryPoints[0]);
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /^job runner: could not bundle it \(.*greeting\.ts.*\); running it from source$/);
    assert.deepEqual(await readdir(cacheDir).catch(() => []), [], 'a failed bundle leaves nothing behind');
  });

  it('says in the build log that the bundle is used', async () => {
    const runner = await fakeRunner('logged', 'hello');
    const lines: string[] = [];
    const main = await runnerMainForBuild(path.join(root, 'cache-logged'), (line) => lines.push(line), { runner });
    assert.equal(path.basename(main), 'main.js');
    assert.match(lines.join('\n'), /^job runner: bundled \([0-9a-f]{16}\)$/);
  });

  it('is made ahead of the first build by the node job type\'s warm-up, where builds look for it', async () => {
    const shared = path.join(root, 'shared-warm');
    await nodeJobType.warmUp?.(shared);
    const main = path.join(runnerBundleDir(path.join(shared, 'node-runner')), 'main.js');
    assert.ok((await stat(main)).isFile());
    const lines: string[] = [];
    assert.equal(await runnerMainForBuild(path.join(shared, 'node-runner'), (line) => lines.push(line)), main);
  });

  it('bundles the installed runner without renaming a class and keeps the worker light', async () => {
    const main = await ensureRunnerBundle(path.join(root, 'cache-installed'), installedRunner());
    const dir = path.dirname(main);
    const code = await Promise.all((await readdir(dir)).filter((f) => f.endsWith('.js')).map((f) => readFile(path.join(dir, f), 'utf8')));
    // Without keepNames, esbuild renames a class only when two share a name; error types and logs use class names.
    assert.deepEqual(code.flatMap((text) => text.match(/\bclass [A-Za-z_$]+\d+\b/g) ?? []), []);
    // The worker needs only RacetrackError from @racetrack/core: pino and semver stay out of its chunks.
    const workerChunks = [...(await readFile(path.join(dir, 'worker.js'), 'utf8')).matchAll(/from "\.\/([^"]+)"/g)].map((m) => m[1] as string);
    for (const chunk of workerChunks) assert.doesNotMatch(await readFile(path.join(dir, chunk), 'utf8'), /node_modules\/(pino|semver)\//, chunk);
  });
});
