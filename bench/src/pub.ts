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
import { tmpdir } from 'node:os';
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
async function fixedRate(pool: Pool, path: string, rate: number, durationMs: number, into: number[]): Promise<void> {
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
      while (sent < due) {
        sent++;
        fire();
      }
    }, 1);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function orchestrate(): Promise<void> {
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

    console.log(`PUB benchmark: ${connections} connections, ${seconds} s per phase, POST ${payload}; load average now ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
    // Warm up every path (JIT, connection pools); then alternate PUB and nginx so drifting load on a shared machine hits both alike.
    await peak('warm-up', direct + jobPath, undefined, 1);
    await peak('warm-up', viaPub + pubPath, undefined, 1);
    await peak('warm-up', viaNginx + jobPath, undefined, 1);
    await peak('warm-up', viaUndici + pubPath, undefined, 1);
    const directPeak = await peak('job', direct + jobPath, job.pid);
    const runs = { pub: [] as number[], nginx: [] as number[], undici: [] as number[] };
    for (let round = 0; round < 2; round++) {
      runs.nginx.push(await peak('nginx', viaNginx + jobPath, nginx.workerPid));
      runs.pub.push(await peak('pub', viaPub + pubPath, pub.pid));
      runs.undici.push(await peak('pub-undici', viaUndici + pubPath, undici.pid));
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const pubPeak = mean(runs.pub);
    const nginxPeak = mean(runs.nginx);
    console.log(`direct peak: ${Math.round(directPeak)} req/s`);
    console.log(`nginx peak: ${Math.round(nginxPeak)} req/s (runs: ${runs.nginx.map(Math.round).join(', ')})`);
    console.log(`pub peak: ${Math.round(pubPeak)} req/s (runs: ${runs.pub.map(Math.round).join(', ')})`);
    console.log(`pub/direct throughput ratio: ${(pubPeak / directPeak).toFixed(2)}`);
    console.log(`pub/nginx throughput ratio: ${(pubPeak / nginxPeak).toFixed(2)}  (target >= 0.7)`);
    const undiciPeak = mean(runs.undici);
    console.log(`pub (undici client) peak: ${Math.round(undiciPeak)} req/s (runs: ${runs.undici.map(Math.round).join(', ')}); pub (undici client)/nginx throughput ratio: ${(undiciPeak / nginxPeak).toFixed(2)}`);

    // Latency: the three paths take turns in half-second slices, so load from elsewhere hits them alike.
    const rate = Math.max(100, Math.round(directPeak / 5));
    console.log(`fixed-rate phase: ${rate} req/s, paths in turn in 0.5 s slices; load average now ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
    const paths = [
      { name: 'job', pool: new Pool(direct, { connections: 64 }), path: jobPath, pid: job.pid, latencies: [] as number[] },
      { name: 'pub', pool: new Pool(viaPub, { connections: 64 }), path: pubPath, pid: pub.pid, latencies: [] as number[] },
      { name: 'nginx', pool: new Pool(viaNginx, { connections: 64 }), path: jobPath, pid: nginx.workerPid, latencies: [] as number[] },
      { name: 'pub-undici', pool: new Pool(viaUndici, { connections: 64 }), path: pubPath, pid: undici.pid, latencies: [] as number[] },
    ];
    for (const p of paths) await fixedRate(p.pool, p.path, rate, 300, []);
    for (let slice = 0; slice < seconds * 2; slice++) {
      for (const p of paths) {
        const before = cpuSeconds(p.pid);
        const count = p.latencies.length;
        await fixedRate(p.pool, p.path, rate, 500, p.latencies);
        recordCpu(`${p.name} at fixed rate`, cpuSeconds(p.pid) - before, p.latencies.length - count);
      }
    }
    await Promise.all(paths.map((p) => p.pool.close()));
    const [directLatency, pubLatency, nginxLatency, undiciLatency] = paths.map((p) => p.latencies.sort((x, y) => x - y)) as [number[], number[], number[], number[]];
    const ms = (v: number) => v.toFixed(3);
    const describe = (name: string, l: number[]) => `${name} p50 ${ms(percentile(l, 50))} ms p99 ${ms(percentile(l, 99))} ms (${l.length} calls)`;
    console.log(`fixed rate ${rate} req/s: ${describe('direct', directLatency)}; ${describe('pub', pubLatency)}; ${describe('nginx', nginxLatency)}`);
    const added = (l: number[], p: number) => percentile(l, p) - percentile(directLatency, p);
    console.log(`nginx added latency p50: ${ms(added(nginxLatency, 50))} ms p99: ${ms(added(nginxLatency, 99))} ms`);
    console.log(`pub added latency p50: ${ms(added(pubLatency, 50))} ms p99: ${ms(added(pubLatency, 99))} ms  (targets <= 0.3 and <= 2)`);
    console.log(`pub (undici client) added latency p50: ${ms(added(undiciLatency, 50))} ms p99: ${ms(added(undiciLatency, 99))} ms`);
    const us = (name: string) => cpuPerRequestUs(name).toFixed(0);
    console.log(`cpu per request at peak: pub ${us('pub')} us, pub (undici client) ${us('pub-undici')} us, nginx ${us('nginx')} us, job ${us('job')} us; ` +
      `at fixed rate: pub ${us('pub at fixed rate')} us, pub (undici client) ${us('pub-undici at fixed rate')} us, nginx ${us('nginx at fixed rate')} us, job ${us('job at fixed rate')} us`);
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
