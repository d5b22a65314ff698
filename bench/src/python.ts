/**
 * @module Python wrapper benchmark (`npm run bench -- python`): throughput of a trivial perform
 * (`{"numbers":[40,2]}` → `42`) served by racetrack_job_wrapper, as a ratio to the TypeScript runner
 * serving the same adder in the same run, on the same machine, loaded by autocannon from this process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeJobSchema } from '@racetrack/signature';

const seconds = Number(process.env['PYTHON_BENCH_SECONDS'] ?? 5);
const connections = 16;
const payload = '{"numbers":[40,2]}';
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const children: ChildProcess[] = [];

function freePort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    server.close(() => resolve(port));
  }));
}

async function startAndWait(command: string, args: string[], cwd: string, env: Record<string, string>, port: number): Promise<string> {
  const child = spawn(command, args, { cwd, env: { ...process.env, LOG_LEVEL: 'warning', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (await fetch(`${url}/ready`).then((r) => r.status === 200, () => false)) return url;
    if (Date.now() > deadline) throw new Error(`${command} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type Autocannon = (options: Record<string, unknown>) => Promise<{ requests: { average: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number }>;
const autocannonModule = 'autocannon';
const autocannon = ((await import(autocannonModule)) as { default: Autocannon }).default;

async function load(url: string, duration: number) {
  const result = await autocannon({ url: `${url}/api/v1/perform`, method: 'POST', headers: { 'content-type': 'application/json' }, body: payload, connections, duration });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'python-bench-'));
  try {
    const schemaFile = join(dir, 'perform.schema.json');
    const tsEntrypoint = join(repoRoot, 'samples/adder/job.ts');
    await writeJobSchema(tsEntrypoint, schemaFile);
    const tsPort = await freePort();
    const tsUrl = await startAndWait(process.execPath,
      [fileURLToPath(import.meta.resolve('@racetrack/job-runner/main')), '--entrypoint', tsEntrypoint, '--schema', schemaFile, '--port', String(tsPort), '--host', '127.0.0.1'],
      repoRoot, { JOB_NAME: 'adder', LOG_LEVEL: 'warn' }, tsPort);
    const pyPort = await freePort();
    const python = process.env['RACETRACK_PYTHON'] ?? 'python3';
    const pyUrl = await startAndWait(python, ['-u', '-m', 'racetrack_job_wrapper', 'run', 'adder.py', '--port', String(pyPort), '--host', '127.0.0.1'],
      join(repoRoot, 'samples/python-adder'), { PYTHONPATH: join(repoRoot, 'job-types/python3'), JOB_NAME: 'adder' }, pyPort);
    console.log(`POST /api/v1/perform ${payload}, ${connections} connections, ${seconds} s per run, loopback, load and servers share the machine`);
    const results: [string, Awaited<ReturnType<typeof load>>][] = [];
    for (const [name, url] of [['TypeScript runner', tsUrl], ['Python wrapper', pyUrl]] as const) {
      await load(url, 1); // warm-up
      results.push([name, await load(url, seconds)]);
    }
    console.log(`${'target'.padEnd(20)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} errors`);
    for (const [name, r] of results) {
      console.log(`${name.padEnd(20)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(2).padStart(7)} ${r.p99.toFixed(2).padStart(7)} ${r.errors}`);
    }
    console.log(`\npython/ts-runner throughput ratio: ${(results[1]![1].rps / results[0]![1].rps).toFixed(2)}`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
