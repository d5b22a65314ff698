/**
 * @module Job runner benchmark (`npm run bench -- runner`). Same run, same machine, same payload
 * (`{"numbers":[40,2]}` → `42`), each server in its own process, load from this process:
 *  - raw node:http answering the JSON itself (the physical limit for Node);
 *  - the runner with user code in a worker thread (the default);
 *  - the runner with user code in the server thread (`--isolation none`), to price the isolation.
 * Peak throughput at 32 connections, then p50/p99 at a fixed rate of half the runner's peak.
 * The same file plays the raw server in a child process (`--role=raw`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeJobSchema } from '@racetrack/signature';

const seconds = Number(process.env['RUNNER_BENCH_SECONDS'] ?? 5);
const connections = 32;
const payload = '{"numbers":[40,2]}';
const path = '/api/v1/perform';

/** Child role: a raw node:http server doing what the adder does, without any framework. */
function runRaw(): void {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const { numbers } = JSON.parse(body) as { numbers: number[] };
      const text = JSON.stringify(numbers.reduce((a, b) => a + b, 0));
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => console.log(`port ${(server.address() as AddressInfo).port}`));
}

const children: ChildProcess[] = [];

function freePort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    server.close(() => resolve(port));
  }));
}

async function startRaw(): Promise<string> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--role=raw'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(Number(/port (\d+)/.exec(chunk.toString())?.[1]))));
  return `http://127.0.0.1:${port}`;
}

async function startRunner(schemaFile: string, isolation: 'worker' | 'none'): Promise<string> {
  const main = fileURLToPath(import.meta.resolve('@racetrack/job-runner/main'));
  const entrypoint = fileURLToPath(new URL('../../samples/adder/job.ts', import.meta.url));
  const port = await freePort();
  const child = spawn(process.execPath, [main, '--entrypoint', entrypoint, '--schema', schemaFile, '--port', String(port), '--host', '127.0.0.1', '--isolation', isolation], {
    env: { ...process.env, LOG_LEVEL: 'warn', JOB_NAME: 'adder' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await fetch(`${url}/ready`).then((r) => r.status === 200, () => false);
    if (ready) return url;
    if (Date.now() > deadline) throw new Error(`runner (${isolation}) did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The part of autocannon's API used here (it ships no types; latencies are whole milliseconds). */
type Autocannon = (options: Record<string, unknown>) => Promise<{
  requests: { average: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
}>;
const autocannonModule = 'autocannon';
const autocannon = ((await import(autocannonModule)) as { default: Autocannon }).default;

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(url: string, options: { duration: number; rate?: number }): Promise<Figures> {
  const result = await autocannon({
    url: `${url}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: payload,
    connections,
    duration: options.duration,
    ...(options.rate ? { overallRate: options.rate } : {}),
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

async function measure(name: string, url: string): Promise<{ name: string; peak: Figures }> {
  await load(url, { duration: 1 });
  return { name, peak: await load(url, { duration: seconds }) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'runner-bench-'));
  try {
    const schemaFile = join(dir, 'perform.schema.json');
    await writeJobSchema(fileURLToPath(new URL('../../samples/adder/job.ts', import.meta.url)), schemaFile);
    const targets = [
      ['raw node:http', await startRaw()],
      ['runner (worker thread)', await startRunner(schemaFile, 'worker')],
      ['runner (same thread)', await startRunner(schemaFile, 'none')],
    ] as const;
    console.log(`POST ${path} ${payload}, ${connections} connections, ${seconds} s per run, loopback, ${(await import('node:os')).cpus().length} cores shared by load and server`);
    const peaks = [];
    for (const [name, url] of targets) peaks.push({ ...(await measure(name, url)), url });
    const runnerPeak = peaks[1]!.peak.rps;
    const rate = Math.max(1, Math.round(runnerPeak / 2));
    console.log(`\n${'target'.padEnd(24)} ${'peak req/s'.padStart(11)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} | at ${rate} req/s: ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} errors`);
    for (const { name, peak, url } of peaks) {
      const half = await load(url, { duration: seconds, rate });
      console.log(`${name.padEnd(24)} ${peak.rps.toFixed(0).padStart(11)} ${peak.p50.toFixed(2).padStart(7)} ${peak.p99.toFixed(2).padStart(7)} | ${' '.repeat(`at ${rate} req/s:`.length)} ${half.p50.toFixed(2).padStart(7)} ${half.p99.toFixed(2).padStart(7)} ${peak.errors + half.errors}`);
      if (name === 'runner (worker thread)') console.log(`runner p99 at half of peak load: ${half.p99.toFixed(2)} ms (target < 5 ms)`);
    }
    const [raw, worker, inThread] = peaks.map((p) => p.peak.rps) as [number, number, number];
    console.log(`\nrunner/raw throughput ratio: ${(worker / raw).toFixed(2)} (target >= 0.7)`);
    console.log(`runner without isolation/raw throughput ratio: ${(inThread / raw).toFixed(2)}`);
    const costMicros = (1 / worker - 1 / inThread) * 1e6;
    console.log(`worker-thread isolation cost: ${((1 - worker / inThread) * 100).toFixed(1)} % of peak throughput, about ${costMicros.toFixed(1)} µs of server time per call`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--role=raw')) runRaw();
else await main();
