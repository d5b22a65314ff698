/** @module Tests of the node job type's local build: a TypeScript job built into a workspace and started from its artefact. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isRacetrackError } from '@racetrack/core';
import { nodeJobType } from './index.ts';

let root: string;
const children: ChildProcess[] = [];

const adderSource = `import { Operation } from './operation.ts';

export default class Adder {
  /** Adds the numbers. */
  perform(numbers: number[]): number {
    return numbers.reduce((a, b) => a + b, 0) * (Operation.Add === 1 ? 1 : 0);
  }
}
`;
// An enum: syntax Node's type stripping refuses, so the build must transpile this file.
const operationSource = 'export enum Operation { Add = 1, Multiply = 2 }\n';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('timed out');
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'rt-node-jobtype-'));
});

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

describe('node job type', () => {
  it('builds a TypeScript job into a workspace that the job runner serves', async () => {
    const sourceDir = path.join(root, 'src');
    const workspaceDir = path.join(root, 'ws');
    await mkdir(sourceDir, { recursive: true });
    await mkdir(workspaceDir, { recursive: true });
    await writeFile(path.join(sourceDir, 'job.ts'), adderSource);
    await writeFile(path.join(sourceDir, 'operation.ts'), operationSource);
    // No dependencies (the test runs offline); the postinstall script proves build_env reaches the build.
    const scripts = { postinstall: 'node -e "console.log(\'build mode: \' + process.env.BUILD_MODE)"' };
    await writeFile(path.join(sourceDir, 'package.json'), JSON.stringify({ name: 'adder', version: '1.0.0', private: true, scripts }));
    const manifest = { name: 'adder', version: '1.0.0', jobtype: 'node:latest', owner_email: 'a@b.c' };
    const logs: string[] = [];
    const sharedCacheDir = path.join(root, 'shared-cache');
    const artefact = await nodeJobType.buildLocal({ sourceDir, workspaceDir, manifest, buildEnv: { BUILD_MODE: 'fast' }, log: (l) => logs.push(l), noCache: false, sharedCacheDir });

    assert.equal(artefact.cwd, workspaceDir);
    assert.ok(logs.includes('$ npm install --no-audit --no-fund --no-update-notifier'), logs.join('\n'));
    assert.ok(logs.some((l) => l.includes('build mode: fast')), logs.join('\n'));
    assert.ok(artefact.args.includes(path.join(workspaceDir, 'job.ts')));
    const schema = JSON.parse(await readFile(path.join(workspaceDir, 'perform.schema.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(schema['className'], 'Adder');
    assert.match(await readFile(path.join(workspaceDir, 'job.yaml'), 'utf8'), /name: adder/);
    assert.ok(logs.some((l) => l.includes('transpiled operation.ts')), logs.join('\n'));
    // The runner runs bundled, from the cache shared by every job.
    assert.ok(logs.some((l) => l.startsWith('job runner: bundled')), logs.join('\n'));
    assert.equal(path.dirname(path.dirname(artefact.args[0] ?? '')), path.join(sharedCacheDir, 'node-runner'));
    assert.equal(path.basename(artefact.args[0] ?? ''), 'main.js');

    const port = await freePort();
    const child = spawn(artefact.command, artefact.args, {
      cwd: artefact.cwd,
      env: { PATH: process.env['PATH'] ?? '', PORT: String(port), JOB_HOST: '127.0.0.1', JOB_NAME: 'adder', JOB_DEPLOYMENT_TIMESTAMP: '7' },
      stdio: 'ignore',
    });
    children.push(child);
    const live = await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/live`)).json() as Promise<Record<string, unknown>>);
    assert.equal(live['deployment_timestamp'], 7);
    await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/ready`)).ok ? true : undefined));
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/perform`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ numbers: [40, 2] }),
    });
    assert.equal(await response.json(), 42);
    // What the bundle loads lazily or leaves outside it: the docs (Swagger), the metrics registry.
    const openapi = (await (await fetch(`http://127.0.0.1:${port}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    assert.ok('/api/v1/perform' in openapi.paths, Object.keys(openapi.paths).join(', '));
    assert.equal((await fetch(`http://127.0.0.1:${port}/docs/`)).status, 200);
    assert.match(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), /requests_started_total/);
  });

  it('names the missing entrypoint', async () => {
    const sourceDir = path.join(root, 'empty');
    const workspaceDir = path.join(root, 'empty-ws');
    await mkdir(sourceDir, { recursive: true });
    await mkdir(workspaceDir, { recursive: true });
    await assert.rejects(
      nodeJobType.buildLocal({ sourceDir, workspaceDir, manifest: { name: 'x' }, buildEnv: {}, log: () => undefined, noCache: false }),
      (error) => isRacetrackError(error) && error.code === 'BUILD_CONTEXT_INVALID' && error.message.includes('job.ts or job.js'),
    );
  });
});
