/**
 * @module `racetrack server` as a subprocess: starts the real server (PUB only, which needs no database and
 * starts fast; the full server is covered by test/e2e), answers, stops on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';

const bin = fileURLToPath(new URL('../bin.ts', import.meta.url));

describe('racetrack server', () => {
  let child: ChildProcess | undefined;
  let dataDir = '';
  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('prints the URL it listens on, serves the chosen module, and exits on SIGTERM', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'rt-cli-server-'));
    const env = { PATH: process.env['PATH'], HOME: dataDir, RACETRACK_CONFIG: join(dataDir, 'config.yaml') };
    const server = spawn(process.execPath, [bin, 'server', '--port', '0', '--only', 'pub', '--data-dir', join(dataDir, 'data')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = server;
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${output}`)), 60_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = /racetrack server listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      server.stdout?.on('data', onData);
      server.stderr?.on('data', onData);
      server.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
    });
    const response = await fetch(`${url}/pub/health`);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { service: string }).service, 'pub');
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
