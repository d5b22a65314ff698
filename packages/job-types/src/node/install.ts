/** @module Installs a node job's own dependencies (`npm ci`, or `npm install` without a lockfile), streaming npm's output to the build log. */
import { spawn } from 'node:child_process';
import { access, mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RacetrackError } from '@racetrack/core';
import type { BuildLog } from '../core/job-type.ts';

/** Runs npm in `dir` when it has a package.json; a no-op otherwise. */
export async function installDependencies(dir: string, buildEnv: Record<string, string>, log: BuildLog): Promise<void> {
  if (!(await exists(path.join(dir, 'package.json')))) {
    log('no package.json: skipping dependency installation');
    return;
  }
  const hasLock = (await exists(path.join(dir, 'package-lock.json'))) || (await exists(path.join(dir, 'npm-shrinkwrap.json')));
  const args = hasLock ? ['ci'] : ['install'];
  args.push('--no-audit', '--no-fund', '--no-update-notifier');
  log(`$ npm ${args.join(' ')}`);
  await runStreaming('npm', args, dir, { ...inheritedEnv(), ...buildEnv }, log);
}

/**
 * Lets a job import `@racetrack/job-runner` at run time without listing it: links this installation's
 * runner into the workspace's node_modules unless the job brought its own.
 */
export async function linkJobRunner(dir: string): Promise<void> {
  const target = path.join(dir, 'node_modules', '@racetrack', 'job-runner');
  if (await exists(target)) return;
  const runnerDir = path.dirname(path.dirname(fileURLToPath(import.meta.resolve('@racetrack/job-runner'))));
  await mkdir(path.dirname(target), { recursive: true });
  await symlink(runnerDir, target, 'dir');
}

/** npm needs a PATH and a HOME (for its cache and .npmrc); nothing else of the server's env is passed on. */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

function runStreaming(command: string, args: string[], cwd: string, env: Record<string, string>, log: BuildLog): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const recent: string[] = [];
    const onLine = (line: string): void => {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      log(line);
    };
    forwardLines(child.stdout, onLine);
    forwardLines(child.stderr, onLine);
    child.on('error', (error) => reject(new RacetrackError('BUILD_FAILED', `could not run ${command}: ${error.message}`, { cause: error })));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new RacetrackError('BUILD_FAILED', `${command} ${args[0]} failed with exit code ${code}:\n${recent.join('\n')}`));
    });
  });
}

function forwardLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line.trimEnd());
  });
  stream.on('end', () => {
    if (pending) onLine(pending.trimEnd());
  });
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
