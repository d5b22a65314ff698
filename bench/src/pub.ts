/**
 * @module PUB overhead benchmark (`npm run bench -- pub`). Against one trivial job answering `{"sum":42}`:
 * (a) peak throughput through PUB and through nginx (1 worker, keep-alive upstream) -> their ratio;
 * (b) latency PUB adds over calling the job directly, at a fixed rate of a fifth of the direct peak;
 * (c) the direct and PUB peaks. Loopback only; every process and nginx is stopped at the end.
 * The same file also plays the job (`--role=job`) and PUB (`--role=pub`) in child processes.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

const role = process.argv.find((a) => a.startsWith('--role='))?.slice('--role='.length);
const seconds = Number(process.env['PUB_BENCH_SECONDS'] ?? 4);
const connections = 32;
const jobPath = '/pub/job/adder/1.0.0/api/v1/perform';
const pubPath = '/pub/job/adder/latest/api/v1/perform';
const payload = '{"numbers":[40,2]}';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Child role: the trivial job, reading the body and answering `{"sum":42}`. */
async function runJob(): Promise<void> {
  const body = Buffer.from('{"sum":42}');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body));
  });
  server.keepAliveTimeout = 60_000;
  console.log(`port ${await listen(server)}`);
}

/** Child role: PUB as the server composition mounts it (fastify, plugin under /pub, no request logging). */
async function runPub(lifecycleUrl: string): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const { pubPlugin, resolvePubConfig } = await import('@racetrack/pub');
  const app = Fastify({ logger: false });
  // process.env lets a bench run try PUB settings (e.g. PUB_BUFFER_BODY_UP_TO=0).
  await app.register(pubPlugin, {
    prefix: '/pub',
    config: resolvePubConfig(process.env, { lifecycleUrl, logLevel: 'warn' }),
    fastPath: process.env['PUB_BENCH_FASTIFY_ROUTING'] !== '1',
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  app.server.keepAliveTimeout = 60_000;
  // Exit cleanly on a signal so `--cpu-prof` runs can write their profile.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
  console.log(`port ${(app.server.address() as AddressInfo).port}`);
}

const children: ChildProcess[] = [];

/** Starts this file in a role and resolves with the port it printed and its pid. */
function startChild(args: string[], env: Record<string, string> = {}): Promise<{ port: number; pid: number }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /port (\d+)/.exec(chunk.toString());
      if (match) resolve({ port: Number(match[1]), pid: child.pid as number });
    });
  });
}

function freePort(): Promise<number> {
  const server = createServer();
  return listen(server).then((port) => new Promise((resolve) => server.close(() => resolve(port))));
}

function nginxBinary(): string {
  const candidates = ['/usr/sbin/nginx', '/usr/bin/nginx'];
  let found = candidates.find((path) => existsSync(path));
  if (!found) {
    console.log('nginx not found: installing Debian nginx (apt-get)');
    execFileSync('apt-get', ['update'], { stdio: 'ignore' });
    execFileSync('apt-get', ['install', '-y', 'nginx'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    found = candidates.find((path) => existsSync(path));
  }
  if (!found) throw new Error('nginx is not installed and apt-get could not install it');
  return found;
}

/** nginx as a plain reverse proxy: one worker, keep-alive connections to the job. */
async function startNginx(dir: string, jobPort: number): Promise<{ port: number; workerPid: number; stop: () => void }> {
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream job { server 127.0.0.1:${jobPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://job; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering on; }
  }
}
`);
  const child = spawn(nginxBinary(), ['-c', conf, '-p', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  await waitForOk(`http://127.0.0.1:${port}${jobPath}`);
  const workerPid = Number(execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)], { encoding: 'utf8' }).trim().split(/\s+/)[0]);
  return { port, workerPid, stop: () => child.kill('SIGQUIT') };
}

async function waitForOk(url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const response = await fetch(url, { method: 'POST', body: payload, headers: { 'content-type': 'application/json' } });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 in time`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

interface AutocannonResult { requests: { average: number; total: number }; non2xx: number; errors: number; timeouts: number }
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

/** CPU spent per request by the watched processes, accumulated over phases: microseconds per request. */
const cpu = new Map<string, { seconds: number; requests: number }>();
function recordCpu(name: string, seconds: number, requests: number): void {
  const entry = cpu.get(name) ?? { seconds: 0, requests: 0 };
  entry.seconds += seconds;
  entry.requests += requests;
  cpu.set(name, entry);
}
const cpuPerRequestUs = (name: string) => {
  const entry = cpu.get(name);
  return entry && entry.requests > 0 ? (entry.seconds / entry.requests) * 1e6 : Number.NaN;
};

/** Closed-loop peak throughput (req/s) with `connections` keep-alive connections; `pid`'s CPU is recorded under `name`. */
async function peak(name: string, url: string, pid?: number, duration = seconds): Promise<number> {
  const specifier = 'autocannon';
  const autocannon = ((await import(specifier)) as { default: Autocannon }).default;
  const cpuBefore = pid === undefined ? 0 : cpuSeconds(pid);
  const result = await autocannon({ url, connections, duration, method: 'POST', body: payload, headers: { 'content-type': 'application/json' } });
  if (pid !== undefined) recordCpu(name, cpuSeconds(pid) - cpuBefore, result.requests.total);
  if (result.non2xx > 0 || result.errors > 0) console.log(`  warning: ${name}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  return result.requests.average;
}

/**
 * Open-loop load at a fixed rate through `pool` with sub-millisecond latency measurement (autocannon
 * rounds to whole milliseconds, too coarse for the 0.3 ms target). Appends latencies in ms to `into`.
 */
interface Pacing {
  /** Largest number of calls sent at once because the generator's timer fired late. */
  largest: number;
  /** Calls not sent because their slot was already more than `maxLagMs` ago. */
  skipped: number;
  sent: number;
}

/** How late a call may still be sent; later slots are skipped (and counted) instead of sent as one burst. */
const maxLagMs = Number(process.env['PUB_BENCH_MAX_LAG_MS'] ?? 5);

async function fixedRate(pool: Pool, path: string, rate: number, durationMs: number, into: number[], pacing: Pacing = { largest: 0, skipped: 0, sent: 0 }): Promise<void> {
  const headers = { 'content-type': 'application/json' };
  let sent = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    let pending = 0;
    let stopped = false;
    const settle = () => {
      if (--pending === 0 && stopped) resolve();
    };
    const fire = () => {
      const began = performance.now();
      pending++;
      pool.request({ path, method: 'POST', body: payload, headers }).then(async (response) => {
        await response.body.dump();
        into.push(performance.now() - began);
        settle();
      }, settle);
    };
    const timer = setInterval(() => {
      const elapsed = performance.now() - start;
      if (elapsed >= durationMs) {
        clearInterval(timer);
        stopped = true;
        if (pending === 0) resolve();
        return;
      }
      const due = Math.floor((elapsed / 1000) * rate);
      // A late timer (this process starved of CPU by other work) would send everything due at once, a
      // burst no population of independent clients makes; slots older than maxLagMs are skipped instead.
      const stale = Math.floor(((elapsed - maxLagMs) / 1000) * rate);
      if (stale > sent) {
        pacing.skipped += stale - sent;
        sent = stale;
      }
      pacing.largest = Math.max(pacing.largest, due - sent);
      while (sent < due) {
        sent++;
        pacing.sent++;
        fire();
      }
    }, 1);
  });
}

/** Closed loop with one call at a time: the cost of each hop without any queueing (a Nagle or delayed-ACK stall would show as ~40 ms). */
async function oneAtATime(pool: Pool, path: string, count: number, into: number[]): Promise<void> {
  const headers = { 'content-type': 'application/json' };
  for (let i = 0; i < count; i++) {
    const began = performance.now();
    const response = await pool.request({ path, method: 'POST', body: payload, headers });
    await response.body.dump();
    into.push(performance.now() - began);
  }
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** With PUB_BENCH_NICE (e.g. -10, needs root), this process and every child it starts run at that priority, ahead of other work on a shared machine. */
function applyNice(): string {
  const nice = process.env['PUB_BENCH_NICE'];
  if (!nice) return 'default priority';
  setPriority(0, Number(nice));
  return `nice ${nice} for the bench, job, PUBs and nginx`;
}

async function orchestrate(): Promise<void> {
  const priority = applyNice();
  const dir = mkdtempSync(join(tmpdir(), 'racetrack-pub-bench-'));
  chmodSync(dir, 0o755); // nginx workers run as nobody
  const lifecycle = createServer();
  try {
    const job = await startChild(['--role=job']);
    const address = `127.0.0.1:${job.port}`;
    const jobs = [{ name: 'adder', version: '1.0.0', status: 'running', internal_name: address, replica_internal_names: [address] }];
    lifecycle.on('request', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jobs)));
    const lifecyclePort = await listen(lifecycle);
    const pub = await startChild(['--role=pub', `--lifecycle=http://127.0.0.1:${lifecyclePort}/lifecycle`]);
    // The same PUB with undici as its upstream client (PUB_UPSTREAM_CLIENT=undici), measured alongside for comparison.
    const undici = await startChild(['--role=pub', `--lifecycle=http://127.0.0.1:${lifecyclePort}/lifecycle`], { PUB_UPSTREAM_CLIENT: 'undici' });
    const nginx = await startNginx(dir, job.port);
    const direct = `http://${address}`;
    const viaPub = `http://127.0.0.1:${pub.port}`;
    const viaNginx = `http://127.0.0.1:${nginx.port}`;
    const viaUndici = `http://127.0.0.1:${undici.port}`;
    await waitForOk(viaPub + pubPath);
    await waitForOk(viaUndici + pubPath);

    console.log(`PUB benchmark: ${connections} connections, ${seconds} s per phase, POST ${payload}; load average now ${loadAverage()} (${availableParallelism()} cores); ${priority}`);
    // Warm up every path (JIT, connection pools); then alternate PUB and nginx so drifting load on a shared machine hits both alike.
    await peak('warm-up', direct + jobPath, undefined, 1);
    await peak('warm-up', viaPub + pubPath, undefined, 1);
    await peak('warm-up', viaNginx + jobPath, undefined, 1);
    await peak('warm-up', viaUndici + pubPath, undefined, 1);
    const directPeak = await peak('job', direct + jobPath, job.pid);
    const runs = { pub: [] as number[], nginx: [] as number[], undici: [] as number[] };
    const rounds = Number(process.env['PUB_BENCH_ROUNDS'] ?? 3);
    for (let round = 0; round < rounds; round++) {
      runs.nginx.push(await peak('nginx', viaNginx + jobPath, nginx.workerPid));
      runs.pub.push(await peak('pub', viaPub + pubPath, pub.pid));
      runs.undici.push(await peak('pub-undici', viaUndici + pubPath, undici.pid));
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
    const pubPeak = mean(runs.pub);
    const nginxPeak = mean(runs.nginx);
    // Each round measures nginx and PUB back to back; the median of the rounds' ratios resists load that drifts between rounds.
    const roundRatios = runs.pub.map((value, i) => value / (runs.nginx[i] as number));
    console.log(`direct peak: ${Math.round(directPeak)} req/s`);
    console.log(`nginx peak: ${Math.round(nginxPeak)} req/s (runs: ${runs.nginx.map(Math.round).join(', ')})`);
    console.log(`pub peak: ${Math.round(pubPeak)} req/s (runs: ${runs.pub.map(Math.round).join(', ')})`);
    console.log(`pub/direct throughput ratio: ${(pubPeak / directPeak).toFixed(2)}`);
    console.log(`pub/nginx throughput ratio: ${median(roundRatios).toFixed(2)}  (target >= 0.7; median of the rounds' ratios ${roundRatios.map((r) => r.toFixed(2)).join(', ')}; ratio of means ${(pubPeak / nginxPeak).toFixed(2)})`);
    const undiciPeak = mean(runs.undici);
    console.log(`pub (undici client) peak: ${Math.round(undiciPeak)} req/s (runs: ${runs.undici.map(Math.round).join(', ')}); pub (undici client)/nginx throughput ratio: ${(undiciPeak / nginxPeak).toFixed(2)}`);

    // Latency. The paths take turns in short slices, so load from elsewhere hits them alike.
    const paths = [
      { name: 'job', pool: new Pool(direct, { connections: 64 }), path: jobPath, pid: job.pid },
      { name: 'pub', pool: new Pool(viaPub, { connections: 64 }), path: pubPath, pid: pub.pid },
      { name: 'nginx', pool: new Pool(viaNginx, { connections: 64 }), path: jobPath, pid: nginx.workerPid },
      { name: 'pub-undici', pool: new Pool(viaUndici, { connections: 64 }), path: pubPath, pid: undici.pid },
    ];
    const ms = (v: number) => v.toFixed(3);
    const sorted = (l: number[]) => l.sort((x, y) => x - y);
    const describe = (name: string, l: number[]) => `${name} p50 ${ms(percentile(l, 50))} ms p99 ${ms(percentile(l, 99))} ms (${l.length} calls)`;

    // (1) One call at a time: per-hop latency with no queueing at all.
    const single = new Map(paths.map((p) => [p.name, [] as number[]]));
    for (const p of paths) await oneAtATime(p.pool, p.path, 200, []);
    for (let round = 0; round < 10; round++) for (const p of paths) await oneAtATime(p.pool, p.path, 200, single.get(p.name) as number[]);
    const singleOf = (name: string) => sorted(single.get(name) as number[]);
    const singleAdded = (name: string, q: number) => percentile(singleOf(name), q) - percentile(singleOf('job'), q);
    console.log(`one call at a time: ${describe('direct', singleOf('job'))}; ${describe('pub', singleOf('pub'))}; ${describe('nginx', singleOf('nginx'))}`);
    console.log(`one call at a time, added: pub p50 ${ms(singleAdded('pub', 50))} ms p99 ${ms(singleAdded('pub', 99))} ms; nginx p50 ${ms(singleAdded('nginx', 50))} ms p99 ${ms(singleAdded('nginx', 99))} ms; pub (undici client) p50 ${ms(singleAdded('pub-undici', 50))} ms`);

    // (2) Open loop at fixed rates: the fifth of this run's direct peak, and a twentieth to separate hop cost from queueing.
    const fractions = (process.env['PUB_BENCH_RATE_FRACTIONS'] ?? '0.2,0.05').split(',').map(Number).filter((f) => f > 0);
    for (const fraction of fractions) {
      const rate = Math.max(100, Math.round(directPeak * fraction));
      const latencies = new Map(paths.map((p) => [p.name, [] as number[]]));
      const pacing: Pacing = { largest: 0, skipped: 0, sent: 0 };
      console.log(`fixed-rate phase: ${rate} req/s (${fraction} of direct peak; ${(rate / pubPeak).toFixed(2)} of PUB's peak, ${((rate * cpuPerRequestUs('pub')) / 1e6).toFixed(2)} of a core for PUB at its peak cost per call), paths in turn in 0.5 s slices; load average now ${loadAverage()}`);
      if (rate >= pubPeak * 0.8) console.log(`  warning: this rate is ${(rate / pubPeak).toFixed(2)} of PUB's measured peak: PUB's latency below is a queue building up (overload), not its cost per call`);
      for (const p of paths) await fixedRate(p.pool, p.path, rate, 300, []);
      for (let slice = 0; slice < seconds * 2; slice++) {
        for (const p of paths) {
          const before = cpuSeconds(p.pid);
          const into = latencies.get(p.name) as number[];
          const count = into.length;
          await fixedRate(p.pool, p.path, rate, 500, into, pacing);
          recordCpu(`${p.name} at ${fraction}`, cpuSeconds(p.pid) - before, into.length - count);
        }
      }
      const of = (name: string) => sorted(latencies.get(name) as number[]);
      const added = (name: string, q: number) => percentile(of(name), q) - percentile(of('job'), q);
      const label = fraction === 0.2 ? 'pub added latency' : `pub added latency at ${fraction} of direct peak`;
      console.log(`fixed rate ${rate} req/s: ${describe('direct', of('job'))}; ${describe('pub', of('pub'))}; ${describe('nginx', of('nginx'))}`);
      console.log(`  load generator: ${pacing.sent} calls sent, ${pacing.skipped} skipped (more than ${maxLagMs} ms late: generator starved of CPU), largest burst ${pacing.largest}`);
      console.log(`  nginx added latency p50: ${ms(added('nginx', 50))} ms p99: ${ms(added('nginx', 99))} ms`);
      console.log(`  ${label} p50: ${ms(added('pub', 50))} ms p99: ${ms(added('pub', 99))} ms${fraction === 0.2 ? '  (targets <= 0.3 and <= 2)' : ''}`);
      console.log(`  pub (undici client) added latency p50: ${ms(added('pub-undici', 50))} ms p99: ${ms(added('pub-undici', 99))} ms`);
      const usAt = (name: string) => cpuPerRequestUs(`${name} at ${fraction}`).toFixed(0);
      console.log(`  cpu per request at this rate: pub ${usAt('pub')} us, pub (undici client) ${usAt('pub-undici')} us, nginx ${usAt('nginx')} us, job ${usAt('job')} us`);
    }
    await Promise.all(paths.map((p) => p.pool.close()));
    console.log(`load average at the end: ${loadAverage()} (${availableParallelism()} cores)`);
    const us = (name: string) => cpuPerRequestUs(name).toFixed(0);
    console.log(`cpu per request at peak: pub ${us('pub')} us, pub (undici client) ${us('pub-undici')} us, nginx ${us('nginx')} us, job ${us('job')} us`);
    console.log(`nginx/pub cpu-per-request ratio at peak: ${(cpuPerRequestUs('nginx') / cpuPerRequestUs('pub')).toFixed(2)} (less sensitive to other load on the machine)`);
    nginx.stop();
  } finally {
    lifecycle.close();
    for (const child of children) if (child.exitCode === null) child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (role === 'job') await runJob();
else if (role === 'pub') await runPub(process.argv.find((a) => a.startsWith('--lifecycle='))?.slice('--lifecycle='.length) ?? '');
else await orchestrate();
