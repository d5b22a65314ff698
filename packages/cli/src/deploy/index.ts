/** @module `racetrack deploy`: validate locally, submit, follow the deployment, print the job URL or why it failed. */
import { resolve } from 'node:path';
import type { LifecycleClient } from '@racetrack/client';
import { RacetrackError } from '@racetrack/core';
import { loadManifestFile, parseManifestText, type LoadedManifest } from '@racetrack/manifest';
import { connect, explainAuthFailure, type CliContext } from '../commands/context.ts';
import { followDeployment } from './follow.ts';
import { buildDeployPayload, chooseBuildContext, type BuildContextMode } from './payload.ts';
import { createPlainProgress, createTerminalProgress } from './progress.ts';

/** Options of `racetrack deploy`. */
export interface DeployOptions {
  remote?: string;
  force?: boolean;
  buildContext?: BuildContextMode;
  extraVars?: string[];
  noCache?: boolean;
  pollMs?: number;
}

/** Loads the manifest of a job directory, or from stdin when the directory is `-`. */
export async function loadJobManifest(dir: string, overrides: string[]): Promise<LoadedManifest> {
  if (dir !== '-') return loadManifestFile(dir, { overrides });
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const loaded = await parseManifestText(Buffer.concat(chunks).toString('utf8'), { source: 'stdin', baseDir: process.cwd(), overrides });
  return { ...loaded, path: resolve('job.yaml') };
}

/** Runs a deployment end to end; throws RacetrackError with a one-line reason when it fails. */
export async function deployCommand(context: CliContext, dir: string, options: DeployOptions): Promise<void> {
  const loaded = await loadJobManifest(dir, options.extraVars ?? []);
  for (const warning of loaded.warnings) context.err(`warning: ${warning}\n`);
  const connection = await connect(context, options.remote);
  const { manifest } = loaded;
  const buildContext = chooseBuildContext(options.buildContext, connection.lifecycleUrl);
  const payload = await buildDeployPayload({ manifest, manifestPath: loaded.path, config: connection.config, buildContext, force: options.force ?? false, noCache: options.noCache ?? false });
  const progress = context.settings.isTTY ? createTerminalProgress(context.stdout) : createPlainProgress(context.out, context.err);
  let id: string;
  try {
    id = (await connection.client.deploy(payload)).id;
  } catch (error) {
    progress.fail(`cannot deploy ${manifest.name} ${manifest.version}`);
    throw explainAuthFailure(error, connection);
  }
  if (!context.settings.isTTY) context.out(`deploying ${manifest.name} ${manifest.version} to ${connection.lifecycleUrl} (deployment ${id}, ${buildContext} build context)\n`);
  const result = await followDeployment(connection.client, id, progress, options.pollMs === undefined ? {} : { pollMs: options.pollMs });
  const { deployment } = result;
  if (deployment.status === 'done') {
    const pubUrl = deployment.job?.pub_url ?? (await connection.client.getJob(manifest.name, manifest.version)).pub_url;
    progress.succeed(`deployed ${manifest.name} ${manifest.version} at ${pubUrl}`);
    return;
  }
  const phase = deployment.phase ?? result.lastPhase ?? 'submitting';
  progress.fail(`deployment of ${manifest.name} ${manifest.version} failed`);
  const [reason = 'no reason given', ...details] = (deployment.error ?? '').split('\n');
  // The server's error may carry its own context (e.g. the job's last log lines): shown as it came.
  const serverContext = details.filter((line) => line.trim() !== '');
  if (serverContext.length > 0) context.err(`${serverContext.join('\n')}\n`);
  // Build logs already streamed live are not repeated; otherwise show their end.
  const buildLines = result.logsFollowed ? [] : await lastBuildLogLines(connection.client, manifest.name, manifest.version);
  if (buildLines.length > 0) context.err(`last build log lines:\n${buildLines.map((line) => `  | ${line}`).join('\n')}\n`);
  const alreadyExplained = reason.startsWith('deployment failed');
  throw new RacetrackError('BUILD_FAILED', alreadyExplained ? reason : `deployment failed at phase "${phase}": ${reason}`);
}

async function lastBuildLogLines(client: LifecycleClient, name: string, version: string): Promise<string[]> {
  try {
    return (await client.buildLogs(name, version, 10)).split('\n').filter((line) => line !== '');
  } catch {
    // A deployment that failed before the job existed has no build-logs endpoint to read.
    return [];
  }
}
