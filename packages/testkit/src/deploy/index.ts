/** @module Deploys a job directory over lifecycle's HTTP API (as the CLI does: manifest + packed directory). */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { create } from 'tar';
import { parse, stringify } from 'yaml';
import type { DeploymentDto } from '@racetrack/core';
import { waitFor } from '../poll/index.ts';

/** The directory packed as the base64 .tar.gz build context the Python client sends. */
export async function packDirectory(dir: string): Promise<string> {
  const chunks: Buffer[] = [];
  const stream = create({ gzip: true, cwd: dir, portable: true, filter: (path) => !path.includes('node_modules') }, ['.']);
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('base64');
}

/** Reads `job.yaml` of a directory as a plain object. */
export async function readManifest(dir: string): Promise<Record<string, unknown>> {
  return parse(await readFile(join(dir, 'job.yaml'), 'utf8')) as Record<string, unknown>;
}

/** Copies a job directory to `target`, merging `changes` into its job.yaml (e.g. another version). */
export async function copyJob(source: string, target: string, changes: Record<string, unknown> = {}): Promise<string> {
  await cp(source, target, { recursive: true, filter: (path) => !path.includes('node_modules') });
  const manifest = { ...(await readManifest(target)), ...changes };
  await writeFile(join(target, 'job.yaml'), stringify(manifest));
  return target;
}

/** Starts a deployment of `dir`; returns the HTTP status and body of POST /deploy. */
export async function requestDeploy(lifecycleUrl: string, dir: string, options: { force?: boolean; manifest?: Record<string, unknown>; secretRuntimeEnv?: Record<string, string> } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const manifest = options.manifest ?? (await readManifest(dir));
  const response = await fetch(`${lifecycleUrl}/api/v1/deploy`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      manifest,
      build_context: await packDirectory(dir),
      force: options.force ?? false,
      secret_vars: options.secretRuntimeEnv ? { runtime_env: options.secretRuntimeEnv } : null,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Deploys `dir` and waits until the deployment is done or failed; returns the final DeploymentDto. */
export async function deployAndWait(lifecycleUrl: string, dir: string, options: Parameters<typeof requestDeploy>[2] & { timeoutMs?: number } = {}): Promise<DeploymentDto> {
  const started = await requestDeploy(lifecycleUrl, dir, options);
  if (started.status !== 200) throw new Error(`deploy answered ${started.status}: ${JSON.stringify(started.body)}`);
  return waitForDeployment(lifecycleUrl, String(started.body['id']), options.timeoutMs);
}

/** Polls a deployment until it leaves `in_progress`. */
export function waitForDeployment(lifecycleUrl: string, id: string, timeoutMs = 120_000): Promise<DeploymentDto> {
  return waitFor(`deployment ${id} to finish`, async () => {
    const deployment = (await (await fetch(`${lifecycleUrl}/api/v1/deploy/${id}`)).json()) as DeploymentDto;
    return deployment.status === 'in_progress' ? undefined : deployment;
  }, timeoutMs, 200);
}
