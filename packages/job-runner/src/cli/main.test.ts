import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { fixture, post } from '../testing/harness.ts';

const main = fileURLToPath(new URL('../main.ts', import.meta.url));
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** Starts main.ts and resolves with the port from its "listening" log line. */
function startMain(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [main, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`runner exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { port?: number; msg?: string };
      if (entry.msg?.startsWith('job server listening') && entry.port) resolve({ child, port: entry.port });
    });
  });
}

test('main.ts serves the entrypoint given by --entrypoint and --class on PORT, and stops on SIGTERM', async () => {
  const { child, port } = await startMain(['--entrypoint', fixture('basic'), '--class', 'Other', '--port', '0'], { JOB_NAME: 'greeter' });
  const url = `http://127.0.0.1:${port}`;
  let answer: { status: number; body: unknown } = { status: 0, body: undefined };
  for (let attempt = 0; attempt < 200 && answer.status !== 200; attempt++) {
    answer = await post(`${url}/pub/job/greeter/latest/api/v1/perform`, '{"name": "cli"}');
    if (answer.status !== 200) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.deepEqual([answer.status, answer.body], [200, 'hello cli']);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});

test('main.ts explains a missing entrypoint and exits non-zero', async () => {
  const child = spawn(process.execPath, [main], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 2);
  assert.match(stderr, /missing --entrypoint/);
  assert.match(stderr, /--schema/);
});
