/**
 * @module Deploy-to-ready on local infrastructure (issue 3), through the real path a user takes: the
 * all-in-one `racetrack server` (subprocess, temp data dir) gets POST /deploy with the sample adder
 * packed as the CLI packs it; the time runs until the deployment is `done` (the job answers /ready and
 * is in the registry). First deploy (cold cache) and unchanged redeploy (`force`, cache hit), with the
 * phase breakdown lifecycle writes into the build logs, and the server's RSS after the builds.
 * Targets: <= 3 s and <= 0.5 s. Baseline in the same run: the built job started directly, to ready.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyJob, requestDeploy, startTestServer, type TestServer } from '@racetrack/testkit';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

type Deployment = { status: string; error?: string | null };

async function deployTimed(server: TestServer, dir: string, force: boolean): Promise<{ seconds: number; id: string }> {
  const started = performance.now();
  const accepted = await requestDeploy(server.lifecycleUrl, dir, { force });
  if (accepted.status !== 200) throw new Error(`deploy answered ${accepted.status}: ${JSON.stringify(accepted.body)}`);
  const id = String(accepted.body['id']);
  for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
    // A fine poll: the figure is about lifecycle, not about how often a client asks.
    const deployment = (await (await fetch(`${server.lifecycleUrl}/api/v1/deploy/${id}`)).json()) as Deployment;
    if (deployment.status === 'done') return { seconds: (performance.now() - started) / 1000, id };
    if (deployment.status !== 'in_progress') throw new Error(`deployment failed: ${deployment.error ?? deployment.status}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('deployment not done within 120 s');
}

/** The `--- phase (+N ms)` lines lifecycle writes, as "phase +N ms" pairs. */
async function phases(server: TestServer): Promise<string> {
  const logs = (await (await fetch(`${server.lifecycleUrl}/api/v1/job/adder/0.0.1/build-logs`)).json()) as { logs: string };
  return logs.logs.split('\n').filter((line) => line.startsWith('--- ')).map((line) => line.slice(4)).join(', ');
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function waitReady(address: string, timestamp: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const live = (await (await fetch(`http://${address}/live`)).json()) as { deployment_timestamp?: number };
      if (live.deployment_timestamp === timestamp && (await fetch(`http://${address}/ready`)).ok) return;
    } catch {
      // not listening yet: poll again
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`job at ${address} not ready within 30 s`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

/** The built job started directly from the artefact lifecycle stored, no lifecycle and no driver. */
async function baseline(server: TestServer): Promise<number> {
  const spec = JSON.parse(await readFile(path.join(server.dataDir, 'jobs', 'adder', '0.0.1', 'spec.json'), 'utf8')) as {
    artefact: { command: string; args: string[]; cwd: string };
  };
  const port = await freePort();
  const started = performance.now();
  const child = spawn(spec.artefact.command, spec.artefact.args, {
    cwd: spec.artefact.cwd,
    env: {
      PATH: process.env['PATH'] ?? '', PORT: String(port), JOB_HOST: '127.0.0.1', JOB_NAME: 'adder', JOB_DEPLOYMENT_TIMESTAMP: '1003',
      NODE_COMPILE_CACHE: path.join(server.dataDir, 'node-compile-cache'),
    },
    stdio: 'ignore',
  });
  try {
    await waitReady(`127.0.0.1:${port}`, 1003);
    return (performance.now() - started) / 1000;
  } finally {
    child.kill('SIGKILL');
  }
}

const server = await startTestServer({ env: { LOG_LEVEL: 'warn' } });
try {
  const dir = await copyJob(path.join(repoRoot, 'samples', 'adder'), path.join(server.workDir, 'adder'), { version: '0.0.1' });
  const rssBefore = await rssMiB(server.pid());
  const first = await deployTimed(server, dir, false);
  console.log(`  first deploy phases: ${await phases(server)}`);
  const rssAfter = await rssMiB(server.pid());
  // The median of three: on a shared two-core machine one run says little.
  const redeploys: number[] = [];
  for (let i = 0; i < 3; i++) {
    redeploys.push((await deployTimed(server, dir, true)).seconds);
    console.log(`  redeploy ${i + 1}: ${redeploys[i]?.toFixed(2)} s; phases: ${await phases(server)}`);
  }
  const again = [...redeploys].sort((a, b) => a - b)[1] as number;
  const direct = await baseline(server);
  console.log(`baseline (built job started directly, to ready): ${direct.toFixed(2)} s`);
  console.log(`deploy first (cold cache): ${first.seconds.toFixed(2)} s (target <= 3 s) ratio to baseline: ${(first.seconds / direct).toFixed(2)}`);
  console.log(`deploy unchanged redeploy, median of 3: ${again.toFixed(2)} s (target <= 0.5 s) ratio to baseline: ${(again / direct).toFixed(2)}`);
  console.log(`server RSS: ${rssBefore.toFixed(0)} MiB before the first build, ${(rssAfter).toFixed(0)} MiB after it, ${(await rssMiB(server.pid())).toFixed(0)} MiB at the end`);
} finally {
  await server.stop();
}
