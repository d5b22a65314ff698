/**
 * @module Job processes on this machine: spawned in their own process group with output going straight
 * to a log file, recognised again later by pid plus start time, and stopped as a whole group.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/** How to tell, later and from another server process, that a pid is still the process we started. */
export interface ProcessIdentity {
  pid: number;
  /** Kernel start time (clock ticks since boot) from /proc; null where /proc is not available. */
  startTime: string | null;
}

/** What to run and where its output goes. */
export interface SpawnRequest {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  logFile: string;
  /** Called once with the exit code (or null when killed by a signal) if the process exits while this server lives. */
  onExit: (code: number | null, pid: number) => void;
}

/** Starts a detached process (its own process group), stdout and stderr appended to `logFile`. */
export function spawnDetached(request: SpawnRequest): Promise<ProcessIdentity> {
  // A file descriptor rather than a pipe: the job keeps logging if the server dies.
  const out = openSync(request.logFile, 'a');
  try {
    const child = spawn(request.command, request.args, { cwd: request.cwd, env: request.env, detached: true, stdio: ['ignore', out, out] });
    return new Promise((resolve, reject) => {
      child.once('error', (error) => reject(error));
      child.once('spawn', () => {
        const pid = child.pid as number;
        child.once('exit', (code) => request.onExit(code, pid));
        // The server may exit without waiting for its jobs.
        child.unref();
        resolve({ pid, startTime: readStartTime(pid) });
      });
    });
  } finally {
    closeSync(out);
  }
}

/** True when `identity` still names a live (non-zombie) process that is the one we started. */
export function isSameProcessAlive(identity: ProcessIdentity): boolean {
  const stat = readStat(identity.pid);
  if (stat === undefined) return hasProcStat() ? false : signalReaches(identity.pid);
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return identity.startTime === null || stat.startTime === identity.startTime;
}

/**
 * Stops the process group led by `identity`: SIGTERM, then SIGKILL after `graceMs`.
 * Does nothing when the leader is gone or its pid now belongs to another process.
 */
export async function stopProcessGroup(identity: ProcessIdentity, graceMs: number): Promise<void> {
  if (!isSameProcessAlive(identity)) return;
  signalGroup(identity.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isSameProcessAlive(identity)) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  // Also when the leader exited: helpers it started in its group must not outlive it.
  signalGroup(identity.pid, 'SIGKILL');
  while (isSameProcessAlive(identity) && Date.now() < deadline + 2000) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** `count` distinct free TCP ports on `host`, held open together so they differ, then released. */
export async function findFreePorts(host: string, count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      servers.push(server);
      ports.push(await listen(server, host, 0));
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/** True when `port` on `host` can be bound right now. */
export async function isPortFree(host: string, port: number): Promise<boolean> {
  const server = createServer();
  try {
    await listen(server, host, port);
    return true;
  } catch {
    return false;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function signalReaches(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readStartTime(pid: number): string | null {
  return readStat(pid)?.startTime ?? null;
}

let procAvailable: boolean | undefined;
function hasProcStat(): boolean {
  procAvailable ??= readStat(process.pid) !== undefined;
  return procAvailable;
}

/** Fields 3 (state) and 22 (starttime) of /proc/<pid>/stat; the command name before them may contain spaces. */
function readStat(pid: number): { state: string; startTime: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTime = fields[19];
  return state && startTime ? { state, startTime } : undefined;
}
