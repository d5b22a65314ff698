/** @module Starts the all-in-one server (`racetrack server`) as a subprocess, so a test can SIGKILL it, on a free port with a temp data dir. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliOptions, type CliResult } from '../cli/index.ts';
import { repoRoot } from '../paths.ts';
import { waitFor } from '../poll/index.ts';
import { killLeftoverJobs } from './leftovers.ts';
// Started the way a user starts it: `racetrack server`.
const cliBin = join(repoRoot, 'packages/cli/src/bin.ts');

export interface TestServerOptions {
  /** Extra environment for the server process. */
  env?: Record<string, string>;
  /** How long to wait for /lifecycle/ready. */
  startTimeoutMs?: number;
}

export interface TestServer {
  url: string;
  lifecycleUrl: string;
  pubUrl: string;
  port: number;
  dataDir: string;
  /** A temp dir for the test's own files (CLI config, job copies); removed by stop(). */
  workDir: string;
  /** Path of the CLI config whose remote is this server. */
  configPath: string;
  /** Process id of the current server process. */
  pid(): number;
  /** Everything the server process wrote (for failure messages). */
  output(): string;
  /** Sends a signal and waits for the process to exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port and data dir (after kill). */
  restart(): Promise<void>;
  /** Runs the CLI with this server as its remote. */
  cli(args: readonly string[], options?: Omit<CliOptions, 'configPath'>): Promise<CliResult>;
  /** Graceful stop (SIGTERM: jobs are stopped too), then removes the temp dirs. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts a server subprocess and resolves once lifecycle answers /ready. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const workDir = await mkdtemp(join(tmpdir(), 'rt-e2e-'));
  const dataDir = join(workDir, 'data');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const configPath = join(workDir, 'config.yaml');
  await writeFile(configPath, `lifecycle_url: ${url}/lifecycle\n`, { mode: 0o600 });
  let child: ChildProcess | undefined;
  let output = '';

  const launch = async (): Promise<void> => {
    const started = spawn(process.execPath, [cliBin, 'server', '--port', String(port), '--data-dir', dataDir], {
      cwd: repoRoot,
      env: {
        PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? workDir,
        RACETRACK_SUPERVISOR_INTERVAL_MS: '250', LOG_LEVEL: 'info', RACETRACK_DOCKER: 'false', ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    const collect = (chunk: Buffer) => { output = (output + chunk.toString('utf8')).slice(-200_000); };
    started.stdout?.on('data', collect);
    started.stderr?.on('data', collect);
    await waitFor(`the server on ${url} to be ready`, async () => {
      if (started.exitCode !== null) throw new Error(`the server exited with code ${started.exitCode}:\n${output.slice(-3000)}`);
      const response = await fetch(`${url}/lifecycle/ready`);
      return response.ok;
    }, options.startTimeoutMs ?? 60_000).catch((error: unknown) => {
      if (started.exitCode === null) started.kill('SIGKILL');
      throw error;
    });
  };

  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (!child) return;
    const current = child;
    current.kill(signal);
    await exited(current);
  };

  await launch();
  return {
    url,
    lifecycleUrl: `${url}/lifecycle`,
    pubUrl: `${url}/pub`,
    port,
    dataDir,
    workDir,
    configPath,
    pid: () => child?.pid ?? 0,
    output: () => output,
    kill,
    restart: launch,
    cli: (args, cliOptions) => runCli(args, { configPath, ...cliOptions }),
    async stop() {
      await kill('SIGTERM');
      // After a SIGKILL nobody stopped the jobs: never leave their processes behind.
      await killLeftoverJobs(dataDir);
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
