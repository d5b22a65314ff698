/** @module Test helpers: a Docker Engine started by the project's script, the offline base images, a tiny test image. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { pack } from 'tar-stream';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const scripts = path.join(repoRoot, 'scripts', 'base-images');

/** Engine state for a test file: a client, or the reason the Docker tests are skipped. */
export type EngineState = { docker: Dockerode; skip?: undefined } | { docker?: undefined; skip: string };

/**
 * Starts dockerd through scripts/base-images/start-dockerd.sh and builds the base images with build.sh.
 * Returns a skip reason only when no engine can start here (no dockerd binary, not root, daemon refuses).
 */
export async function prepareEngine(): Promise<EngineState> {
  try {
    await run(path.join(scripts, 'start-dockerd.sh'), [], { timeout: 90_000 });
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`.trim();
    return { skip: `no Docker Engine can start here, Docker tests skipped: ${output || (error as Error).message}` };
  }
  await run(path.join(scripts, 'build.sh'), [], { timeout: 600_000 });
  return { docker: new Dockerode() };
}

/** Builds (once per content) an image from `node:24-bookworm-slim` that runs `source` as /app/job.cjs. */
export async function buildNodeScriptImage(docker: Dockerode, tag: string, source: string): Promise<string> {
  const tar = pack();
  tar.entry({ name: 'Dockerfile' }, 'FROM node:24-bookworm-slim\nCOPY job.cjs /app/job.cjs\nCMD ["node", "/app/job.cjs"]\n');
  tar.entry({ name: 'job.cjs' }, source);
  tar.finalize();
  const stream = await docker.buildImage(tar, { t: tag, labels: { 'racetrack-component': 'test' }, rm: true, forcerm: true });
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, events: Array<{ error?: string }>) => {
      const failed = events?.find((event) => event.error);
      if (error || failed) reject(error ?? new Error(failed?.error));
      else resolve();
    });
  });
  return tag;
}

/** Absolute path inside the repository. */
export function repoPath(...parts: string[]): string {
  return path.join(repoRoot, ...parts);
}
