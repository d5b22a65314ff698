/** @module Tests of the python3 job type: manifest checks, local builds with venvs, and the built job answering. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadManifestFile } from '@racetrack/manifest';
import type { JobArtefact } from '@racetrack/infra';
import { createPython3JobType, python3JobType, resolvePython3Config } from './index.ts';

const samplesDir = fileURLToPath(new URL('../../../../samples/', import.meta.url));
const children: ChildProcess[] = [];
const tempDirs: string[] = [];

after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().on('error', reject).listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Builds a sample into a fresh workspace under a shared temp root (so the venv cache is shared too). */
async function build(root: string, sample: string, noCache = false) {
  // The venv cache goes under the test's temp root, not the user's ~/.cache.
  const jobType = createPython3JobType(resolvePython3Config({ ...process.env, RACETRACK_PYTHON_VENV_CACHE: path.join(root, 'venvs') }));
  const sourceDir = path.join(samplesDir, sample);
  const { manifest, warnings } = await loadManifestFile(sourceDir);
  const workspaceDir = await mkdtemp(path.join(root, `${sample}-`));
  const lines: string[] = [];
  const artefact = await jobType.buildLocal({
    sourceDir, workspaceDir, manifest: manifest as unknown as Record<string, unknown>, buildEnv: {}, noCache, log: (line) => lines.push(line),
  });
  return { artefact, lines, warnings, name: String((manifest as unknown as Record<string, unknown>)['name']) };
}

/** Starts an artefact the way the local driver does (env + PORT) and waits for /ready. */
async function start(artefact: Extract<JobArtefact, { kind: 'process' }>, jobName: string): Promise<string> {
  const port = await freePort();
  const child = spawn(artefact.command, artefact.args, {
    cwd: artefact.cwd, env: { PATH: process.env['PATH'] ?? '', PORT: String(port), JOB_NAME: jobName, LOG_LEVEL: 'warning' }, stdio: 'ignore',
  });
  children.push(child);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ready = await fetch(`${baseUrl}/ready`).then((r) => r.ok, () => false);
    if (ready) return baseUrl;
    assert.equal(child.exitCode, null, 'job process exited before it was ready');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${jobName} not ready within 30 s`);
}

describe('python3 job type: validate', () => {
  it('requires jobtype_extra.entrypoint_path and names the field', () => {
    assert.throws(() => python3JobType.validate({ jobtype: 'python3:latest' }), /jobtype_extra\.entrypoint_path is required/);
    assert.throws(() => python3JobType.validate({ jobtype_extra: { entrypoint_path: '../x.py' } }), /must be a path inside the job directory/);
    assert.throws(() => python3JobType.validate({ jobtype_extra: { entrypoint_path: 'a.py', max_concurrency: 'two' } }), /jobtype_extra\.max_concurrency/);
  });

  it('accepts a legacy python: section and warns about unknown keys', () => {
    assert.deepEqual(python3JobType.validate({ python: { entrypoint_path: 'fatman_entrypoint.py', max_concurrency: '1' } }), []);
    const warnings = python3JobType.validate({ jobtype_extra: { entrypoint_path: 'a.py', entrypoint: 'x' } });
    assert.match(warnings[0] ?? '', /jobtype_extra\.entrypoint is not used/);
  });

  it('puts the interpreter and the wrapper version into the cache key', () => {
    const jobType = createPython3JobType(resolvePython3Config({ RACETRACK_PYTHON: '/opt/python3' }));
    const extras = jobType.cacheKeyExtras({ jobtype_extra: { entrypoint_path: 'a.py', python_version: '3.99' } });
    assert.ok(extras.includes('python=/opt/python3'));
    assert.ok(extras.includes('python_version=3.99'));
    assert.ok(extras.some((extra) => /^wrapper=[0-9a-f]{16}$/.test(extra)));
    assert.ok(extras.includes('interpreter=unavailable'), 'a missing interpreter must not break the cache key');
  });
});

describe('python3 job type: local builds', () => {
  it('builds the legacy fatman.yaml sample and serves its FatmanEntrypoint after the workspace moved', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'rt-python3-'));
    tempDirs.push(root);
    const built = await build(root, 'python-fatman-legacy');
    const { warnings, lines, name } = built;
    // The builder builds in scratch space, renames the workspace into its cache and rewrites cwd and args only.
    const moved = path.join(root, 'published');
    await rename(built.artefact.cwd, moved);
    const relocate = (value: string) => (value.startsWith(built.artefact.cwd) ? moved + value.slice(built.artefact.cwd.length) : value);
    const artefact = { ...built.artefact, cwd: moved, args: built.artefact.args.map(relocate) };
    assert.ok(warnings.some((w) => /lang/.test(w)), `no deprecation warning for lang: ${warnings.join('; ')}`);
    assert.ok(lines.some((line) => /no requirements file/.test(line)), lines.join('\n'));
    const baseUrl = await start(artefact, name);
    const response = await fetch(`${baseUrl}/api/v1/perform`, { method: 'POST', body: JSON.stringify({ x: 20, y: 5 }) });
    assert.equal(response.status, 200);
    assert.equal(await response.json(), 100);
    const docs = await fetch(`${baseUrl}/docs/static/swagger-ui-bundle.js`);
    assert.equal(docs.status, 200, 'Swagger UI assets were not copied next to the wrapper');
  });

  it('installs requirements (Flask) into a venv reused by the next build, and serves the webview', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'rt-python3-'));
    tempDirs.push(root);
    const first = await build(root, 'python-ui-flask');
    assert.ok(first.lines.some((line) => /pip install -r requirements.txt/.test(line)), first.lines.join('\n'));
    const second = await build(root, 'python-ui-flask');
    assert.ok(second.lines.some((line) => /reusing Python virtual environment/.test(line)), second.lines.join('\n'));
    const packages = (args: string[]) => args[args.indexOf('--venv-packages') + 1];
    assert.equal(packages(second.artefact.args), packages(first.artefact.args), 'both builds should use the same venv');
    assert.ok(packages(first.artefact.args)?.startsWith(path.join(root, 'venvs')), 'venv outside the shared cache');
    const baseUrl = await start(second.artefact, second.name);
    const page = await fetch(`${baseUrl}/pub/job/python-ui-flask/0.0.1/api/v1/webview/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Multiplier webview/);
    const css = await fetch(`${baseUrl}/api/v1/webview/static/style.css`);
    assert.match(await css.text(), /font-family/);
    const posted = await fetch(`${baseUrl}/api/v1/webview/postme`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 1 }),
    });
    assert.deepEqual(await posted.json(), { hello: { a: 1 } });
  });
});
