import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

// Each sample is started as a user would start it by hand: `racetrack-job samples/<name>/job.ts`.
const bin = fileURLToPath(new URL('./racetrack-job.ts', import.meta.url));
const samples = fileURLToPath(new URL('../../../../samples/', import.meta.url));
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** Starts a sample on a random port and waits until it is ready; returns its base URL. */
async function startSample(name: string, env: Record<string, string> = {}, file = `${samples}${name}/job.ts`): Promise<string> {
  const child = spawn(process.execPath, [bin, file, '--port', '0', '--host', '127.0.0.1'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { port?: number; msg?: string };
      if (entry.msg?.startsWith('job server listening') && entry.port) resolve(entry.port);
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  while ((await fetch(`${url}/ready`)).status !== 200) {
    if (Date.now() > deadline) throw new Error(`${name} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return url;
}

async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

test('samples/adder adds numbers and documents its parameters from the types', async () => {
  const url = await startSample('adder');
  assert.deepEqual(await postJson(`${url}/pub/job/adder/0.0.1/api/v1/perform`, { numbers: [40, 2] }), { status: 200, body: 42 });
  assert.deepEqual(await fetch(`${url}/parameters`).then((r) => r.json()), [{ name: 'numbers', type: 'number[]', required: true, description: 'values to add' }]);
  const invalid = await postJson(`${url}/api/v1/perform`, { numbers: ['x'] });
  assert.equal(invalid.status, 400);
  const spec = (await fetch(`${url}/docs/json`).then((r) => r.json())) as { info: { title: string } };
  assert.equal(spec.info.title, 'Job - adder');
});

test('samples/ts-auxiliary serves /explain and its static files', async () => {
  const url = await startSample('ts-auxiliary');
  assert.deepEqual((await postJson(`${url}/api/v1/explain`, { x: 1, y: 3 })).body, { x_importance: 0.25, y_importance: 0.75 });
  const manifest = await fetch(`${url}/api/v1/manifest`);
  assert.equal(manifest.headers.get('content-type'), 'application/x-yaml');
  assert.match(await manifest.text(), /name: ts-auxiliary/);
  assert.match(await fetch(`${url}/api/v1/docs/guide.md`).then((r) => r.text()), /# Guide/);
});

test('samples/ts-webview serves its page, its POST handler and static/', async () => {
  const url = await startSample('ts-webview');
  const home = await fetch(`${url}/`, { redirect: 'manual' });
  assert.equal(home.headers.get('location'), '/pub/job/ts-webview/0.0.1/api/v1/webview/');
  assert.match(await fetch(`${url}/pub/job/ts-webview/0.0.1/api/v1/webview/`).then((r) => r.text()), /<h1>Greeter<\/h1>/);
  assert.deepEqual((await postJson(`${url}/pub/job/ts-webview/0.0.1/api/v1/webview/greet`, { name: 'Ada' })).body, { greeting: 'Hello, Ada!' });
  assert.match(await fetch(`${url}/api/v1/webview/static/style.css`).then((r) => r.text()), /font-family/);
});

test('samples/ts-metrics exports its own metrics', async () => {
  const url = await startSample('ts-metrics');
  await postJson(`${url}/api/v1/perform`, { word: 'racetrack' });
  const text = await fetch(`${url}/metrics`).then((r) => r.text());
  assert.match(text, /^words_counted 1$/m);
  assert.match(text, /^word_length_average 9$/m);
  assert.match(text, /^job_is_crazy\{color="blue"\} 0$/m);
});

test('samples/ts-chain calls samples/adder through the PUB path', async () => {
  const adder = await startSample('adder');
  const url = await startSample('ts-chain', { PUB_URL: `${adder}/pub` });
  assert.deepEqual(await postJson(`${url}/api/v1/perform`, { numbers: [40, 2] }), { status: 200, body: 84 });
});

test('a plain JavaScript job with JSDoc types is validated like TypeScript', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'racetrack-job-js-'));
  try {
    const file = path.join(dir, 'job.js');
    await writeFile(file, `export default class Prime {
      /**
       * Check if a number is prime.
       * @param {number} number the number to check
       */
      perform(number) {
        for (let i = 2; i * i <= number; i++) if (number % i === 0) return false;
        return number > 1;
      }
    }\n`);
    const url = await startSample('js-prime', {}, file);
    assert.deepEqual(await postJson(`${url}/api/v1/perform`, { number: 7907 }), { status: 200, body: true });
    const wrong = await postJson(`${url}/api/v1/perform`, { number: 'seven' });
    assert.deepEqual(wrong, { status: 400, body: { error: 'parameter "number" must be number', type: 'ValidationError' } });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
