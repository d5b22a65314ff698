/**
 * @module End to end: `racetrack run-local` has the server build the job image only (`POST /build`, no job registered),
 * then runs it in the foreground with this machine's Docker; stopping the command stops and removes the container.
 * Skipped only when no Docker Engine can start.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { copyJob, prepareDockerEngine, repoRoot, startTestServer, waitFor, type TestServer } from '@racetrack/testkit';

const run = promisify(execFile);
let server: TestServer | undefined;
let skipReason: string | undefined;
before(async () => {
  skipReason = await prepareDockerEngine();
  if (skipReason) return;
  server = await startTestServer({ env: { RACETRACK_DOCKER: 'true' } });
});
after(async () => { await server?.stop(); });

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

test('run-local builds the image on the server, runs it here until stopped, and registers no job', { timeout: 240_000 }, async (t) => {
  if (!server) {
    t.skip(skipReason);
    return;
  }
  const name = 'e2e-run-local';
  const dir = await copyJob(join(repoRoot, 'samples/python-adder'), join(server.workDir, name), { name, version: '1.0.0' });
  const port = await freePort();
  const cli = spawn(process.execPath, [join(repoRoot, 'packages/cli/src/bin.ts'), 'run-local', dir, '--port', String(port)], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', RACETRACK_CONFIG: server.configPath, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  cli.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  cli.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
  try {
    const sum = await waitFor('the locally run job to answer', async () => {
      if (cli.exitCode !== null) throw new Error(`run-local exited early:\n${output}`);
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/perform`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ numbers: [40, 2] }),
      }).catch(() => undefined);
      return response?.ok ? response.json() : undefined;
    }, 180_000, 250).catch((error: Error) => { throw new Error(`${error.message}\n${output}`); });
    assert.equal(sum, 42);
    assert.match(output, /building image \(1\/1\)/, output);
    assert.match(output, /built racetrack\/job\/e2e-run-local:1\.0\.0-/, output);
    // Only an image was built: the job is not registered on the server.
    assert.equal((await fetch(`${server.lifecycleUrl}/api/v1/job/${name}/1.0.0`)).status, 404);
  } finally {
    cli.kill('SIGTERM');
  }
  await exited;
  await waitFor('the container to be removed', async () =>
    (await run('docker', ['ps', '-a', '-q', '--filter', `name=local-job-${name}-v-1-0-0`])).stdout.trim() === '', 30_000, 250);
  const images = (await run('docker', ['images', '-q', '--filter', `label=racetrack.job-name=${name}`])).stdout.trim().split('\n').filter(Boolean);
  if (images.length > 0) await run('docker', ['image', 'rm', '-f', ...new Set(images)]);
});

test('run-local on a server without the docker target says what it needs', async (t) => {
  if (!server) {
    t.skip(skipReason);
    return;
  }
  const local = await startTestServer();
  try {
    const dir = await copyJob(join(repoRoot, 'samples/python-adder'), join(local.workDir, 'no-docker'), { name: 'no-docker', version: '1.0.0' });
    const result = await local.cli(['run-local', dir, '--port', String(await freePort())]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /needs the docker infrastructure target on the server/);
  } finally {
    await local.stop();
  }
});
