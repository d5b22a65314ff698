/** @module Test helpers: a Docker Engine started by the project's script, the offline base images, a tiny test image. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { pack } from 'tar-stream';
import { prepareDockerEngine } from '@racetrack/testkit';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Engine state for a test file: a client, or the reason the Docker tests are skipped. */
export type EngineState = { docker: Dockerode; skip?: undefined } | { docker?: undefined; skip: string };

/** Starts the shared Engine and the base images (testkit's prepareDockerEngine); a client, or why Docker tests are skipped. */
export async function prepareEngine(): Promise<EngineState> {
  const skip = await prepareDockerEngine();
  return skip ? { skip: `Docker tests skipped: ${skip}` } : { docker: new Dockerode() };
}

/** Builds an image from files (a `Dockerfile` among them) with the legacy builder; resolves to `tag` once built. */
export async function buildImageFromFiles(docker: Dockerode, tag: string, files: Record<string, string>, labels: Record<string, string>): Promise<string> {
  const tar = pack();
  for (const [name, content] of Object.entries(files)) tar.entry({ name }, content);
  tar.finalize();
  const stream = await docker.buildImage(tar, { t: tag, labels, rm: true, forcerm: true });
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, events: Array<{ error?: string }>) => {
      const failed = events?.find((event) => event.error);
      if (error || failed) reject(error ?? new Error(failed?.error));
      else resolve();
    });
  });
  return tag;
}

/** Builds (once per content) an image from `node:24-bookworm-slim` that runs `source` as /app/job.cjs. */
export function buildNodeScriptImage(docker: Dockerode, tag: string, source: string): Promise<string> {
  const dockerfile = 'FROM node:24-bookworm-slim\nCOPY job.cjs /app/job.cjs\nCMD ["node", "/app/job.cjs"]\n';
  return buildImageFromFiles(docker, tag, { Dockerfile: dockerfile, 'job.cjs': source }, { 'racetrack-component': 'test' });
}

/** Absolute path inside the repository. */
export function repoPath(...parts: string[]): string {
  return path.join(repoRoot, ...parts);
}
