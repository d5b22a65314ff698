/**
 * @module Job runner benchmark (`npm run bench -- runner`). Same run, same machine, same payload
 * (`{"numbers":[40,2]}` → `42`), each server in its own process, load from this process:
 *  - raw node:http answering the JSON itself (the physical limit for Node);
 *  - the runner with user code in a worker thread (the default);
 *  - the runner with user code in the server thread (`--isolation none`), to price the isolation.
 * Peak throughput at 32 connections (best of interleaved rounds) with the server's CPU time per
 * request, then p50/p99 at a fixed rate of half the runner's peak.
 * The same file plays the raw server in a child process (`--role=raw`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeJobSchema } from '@racetrack/signature';

const seconds = Number(process.env['RUNNER_BENCH_SECONDS'] ?? 5);
/** `info` measures the runner with its access log on (lines go to /dev/null); default `warn`. */
const logLevel = process.env['RUNNER_BENCH_LOG_LEVEL'] ?? 'warn';
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

/** The part of autocannon's API used here (it ships no types; latencies are whole milliseconds). */
type Autocannon = (options: Record<string, unknown>) => Promise<{
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
}>;
const autocannonModule = 'autocannon';
const autocannon = ((await import(autocannonModule)) as { default: Autocannon }).default;

interface Target {
  name: string;
  url: string;
  pid: number;
}

async function startRaw(): Promise<Target> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--role=raw'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(Number(/port (\d+)/.exec(chunk.toString())?.[1]))));
  return { name: 'raw node:http', url: `http://127.0.0.1:${port}`, pid: child.pid! };
}

async function startRunner(schemaFile: string, isolation: 'worker' | 'none'): Promise<Target> {
  // RUNNER_BENCH_MAIN: another start script, e.g. the bundled runner's main.js that node jobs run.
  const main = process.env['RUNNER_BENCH_MAIN'] || fileURLToPath(import.meta.resolve('@racetrack/job-runner/main'));
  const entrypoint = fileURLToPath(new URL('../../samples/adder/job.ts', import.meta.url));
  const port = await freePort();
  const child = spawn(process.execPath, [main, '--entrypoint', entrypoint, '--schema', schemaFile, '--port', String(port), '--host', '127.0.0.1', '--isolation', isolation], {
    env: { ...process.env, LOG_LEVEL: logLevel, JOB_NAME: 'adder' },
    stdio: ['ignore', logLevel === 'warn' ? 'inherit' : 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await fetch(`${url}/ready`).then((r) => r.status === 200, () => false);
    if (ready) return { name: isolation === 'worker' ? 'runner (worker thread)' : 'runner (same thread)', url, pid: child.pid! };
    if (Date.now() > deadline) throw new Error(`runner (${isolation}) did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The process's user+system CPU time in microseconds (all its threads), from /proc. */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Server CPU time per answered request, in µs: steadier than req/s on a shared machine. */
  cpuPerRequest: number;
}

async function load(target: Target, options: { duration: number; rate?: number }): Promise<Figures> {
  const cpuBefore = cpuMicros(target.pid);
  const result = await autocannon({
    url: `${target.url}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: payload,
    connections,
    duration: options.duration,
    ...(options.rate ? { overallRate: options.rate } : {}),
  });
  const cpu = cpuMicros(target.pid) - cpuBefore;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    cpuPerRequest: cpu / Math.max(1, result.requests.total),
  };
}

const rounds = Number(process.env['RUNNER_BENCH_ROUNDS'] ?? 3);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'runner-bench-'));
  try {
    const schemaFile = join(dir, 'perform.schema.json');
    await writeJobSchema(fileURLToPath(new URL('../../samples/adder/job.ts', import.meta.url)), schemaFile);
    const targets = [await startRaw(), await startRunner(schemaFile, 'worker'), await startRunner(schemaFile, 'none')];
    console.log(`POST ${path} ${payload}, ${connections} connections, ${rounds} interleaved rounds of ${seconds} s, loopback, runner LOG_LEVEL ${logLevel}, ${cpus().length} cores shared by load and servers; load average ${loadavg()[0]?.toFixed(1)}`);
    for (const target of targets) await load(target, { duration: 1 });
    // Interleaved rounds, best of each: other load on a shared machine then hurts every target alike.
    const best = new Map<string, Figures>();
    for (let round = 0; round < rounds; round++) {
      for (const target of targets) {
        const figures = await load(target, { duration: seconds });
        const previous = best.get(target.name);
        best.set(target.name, {
          ...(previous && previous.rps >= figures.rps ? previous : figures),
          cpuPerRequest: Math.min(previous?.cpuPerRequest ?? Infinity, figures.cpuPerRequest),
        });
      }
    }
    const [raw, worker, inThread] = targets.map((t) => best.get(t.name)!) as [Figures, Figures, Figures];
    const rate = Math.max(1, Math.round(worker.rps / 2));
    console.log(`\n${'target'.padEnd(24)} ${'peak req/s'.padStart(11)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'CPU µs/req'.padStart(11)} | at ${rate} req/s: ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} errors`);
    let runnerHalfP99 = NaN;
    for (const target of targets) {
      const peak = best.get(target.name)!;
      const half = await load(target, { duration: seconds, rate });
      if (target === targets[1]) runnerHalfP99 = half.p99;
      console.log(`${target.name.padEnd(24)} ${peak.rps.toFixed(0).padStart(11)} ${peak.p50.toFixed(2).padStart(7)} ${peak.p99.toFixed(2).padStart(7)} ${peak.cpuPerRequest.toFixed(1).padStart(11)} | ${' '.repeat(`at ${rate} req/s:`.length)} ${half.p50.toFixed(2).padStart(7)} ${half.p99.toFixed(2).padStart(7)} ${peak.errors + half.errors}`);
    }
    console.log(`\nrunner/raw throughput ratio: ${(worker.rps / raw.rps).toFixed(2)} (target >= 0.7)`);
    console.log(`runner p99 at half of peak load: ${runnerHalfP99.toFixed(2)} ms (target < 5 ms; autocannon rounds to whole ms)`);
    console.log(`raw/runner server CPU per request: ${(raw.cpuPerRequest / worker.cpuPerRequest).toFixed(2)} (the throughput ratio if the server alone were the limit)`);
    console.log(`runner without isolation/raw throughput ratio: ${(inThread.rps / raw.rps).toFixed(2)}`);
    console.log(`worker-thread isolation cost: ${(worker.cpuPerRequest - inThread.cpuPerRequest).toFixed(1)} µs of server CPU per call, ${((1 - worker.rps / inThread.rps) * 100).toFixed(1)} % of peak throughput`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--role=raw')) runRaw();
else await main();
