/** @module `racetrack deploy`: validate locally, submit, follow the deployment, print the job URL or why it failed. */
import { resolve } from 'node:path';
import type { LifecycleClient } from '@racetrack/client';
import { RacetrackError, type DeployPayload } from '@racetrack/core';
import { loadManifestFile, parseManifestText, type LoadedManifest } from '@racetrack/manifest';
import { connect, explainAuthFailure, type CliContext, type Connection } from '../commands/context.ts';
import { followDeployment, type FollowResult } from './follow.ts';
import { buildDeployPayload, chooseBuildContext, type BuildContextMode } from './payload.ts';
import { createPlainProgress, createTerminalProgress, type DeployProgress } from './progress.ts';

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

/** What `submitJob` sent and how it ended. */
export interface SubmittedJob {
  loaded: LoadedManifest;
  connection: Connection;
  payload: DeployPayload;
  progress: DeployProgress;
  result: FollowResult;
}

/**
 * Loads DIR's manifest, builds the deploy payload, submits it with `submit` (deploy, or build only) and follows the
 * deployment until it ends, showing phases and build logs; the caller reads the outcome.
 */
export async function submitJob(
  context: CliContext,
  dir: string,
  options: DeployOptions,
  submit: (client: LifecycleClient, payload: DeployPayload) => Promise<{ id: string }>,
  verb: string,
): Promise<SubmittedJob> {
  const loaded = await loadJobManifest(dir, options.extraVars ?? []);
  for (const warning of loaded.warnings) context.err(`warning: ${warning}\n`);
  const connection = await connect(context, options.remote);
  const { manifest } = loaded;
  const buildContext = chooseBuildContext(options.buildContext, connection.lifecycleUrl);
  const payload = await buildDeployPayload({ manifest, manifestPath: loaded.path, config: connection.config, buildContext, force: options.force ?? false, noCache: options.noCache ?? false });
  const progress = context.settings.isTTY ? createTerminalProgress(context.stdout) : createPlainProgress(context.out, context.err);
  let id: string;
  try {
    id = (await submit(connection.client, payload)).id;
  } catch (error) {
    progress.fail(`cannot ${verb} ${manifest.name} ${manifest.version}`);
    throw explainAuthFailure(error, connection);
  }
  const doing = verb === 'deploy' ? `deploying ${manifest.name} ${manifest.version} to` : `building the image of ${manifest.name} ${manifest.version} on`;
  if (!context.settings.isTTY) context.out(`${doing} ${connection.lifecycleUrl} (deployment ${id}, ${buildContext} build context)\n`);
  const result = await followDeployment(connection.client, id, progress, options.pollMs === undefined ? {} : { pollMs: options.pollMs });
  return { loaded, connection, payload, progress, result };
}

/** Runs a deployment end to end; throws RacetrackError with a one-line reason when it fails. */
export async function deployCommand(context: CliContext, dir: string, options: DeployOptions): Promise<void> {
  const { loaded: { manifest }, connection, progress, result } = await submitJob(context, dir, options, (client, payload) => client.deploy(payload), 'deploy');
  const { deployment } = result;
  if (deployment.status === 'done') {
    const pubUrl = deployment.job?.pub_url ?? (await connection.client.getJob(manifest.name, manifest.version)).pub_url;
    progress.succeed(`deployed ${manifest.name} ${manifest.version} at ${pubUrl}`);
    return;
  }
  progress.fail(`deployment of ${manifest.name} ${manifest.version} failed`);
  throw await deploymentFailure(context, connection.client, manifest, result);
}

/** Shows what the server said about a failed deployment (or build) and returns the one-line error to exit with. */
export async function deploymentFailure(context: CliContext, client: LifecycleClient, manifest: { name: string; version: string }, result: FollowResult): Promise<RacetrackError> {
  const { deployment } = result;
  const phase = deployment.phase ?? result.lastPhase ?? 'submitting';
  const [reason = 'no reason given', ...details] = (deployment.error ?? '').split('\n');
  // The server's error may carry its own context (e.g. the job's last log lines): shown as it came.
  const serverContext = details.filter((line) => line.trim() !== '');
  if (serverContext.length > 0) context.err(`${serverContext.join('\n')}\n`);
  // Build logs already streamed live are not repeated; otherwise show their end.
  const buildLines = result.logsFollowed ? [] : await lastBuildLogLines(client, manifest.name, manifest.version);
  if (buildLines.length > 0) context.err(`last build log lines:\n${buildLines.map((line) => `  | ${line}`).join('\n')}\n`);
  const alreadyExplained = reason.startsWith('deployment failed');
  return new RacetrackError('BUILD_FAILED', alreadyExplained ? reason : `deployment failed at phase "${phase}": ${reason}`);
}

async function lastBuildLogLines(client: LifecycleClient, name: string, version: string): Promise<string[]> {
  try {
    return (await client.buildLogs(name, version, 10)).split('\n').filter((line) => line !== '');
  } catch {
    // A deployment that failed before the job existed has no build-logs endpoint to read.
    return [];
  }
}
