/**
 * @module `racetrack run-local`: the server builds the job image only (`POST /build`), then the job runs in a container
 * on this machine's Docker, in the foreground, with the manifest's runtime env and the local secret files.
 */
import { spawn } from 'node:child_process';
import { RacetrackError } from '@racetrack/core';
import type { CliContext } from '../commands/context.ts';
import { deploymentFailure, submitJob, type DeployOptions } from './index.ts';

/** Options of `racetrack run-local`. */
export interface RunLocalOptions extends Omit<DeployOptions, 'force' | 'noCache'> {
  /** Host port the job's port 7000 is published on. */
  port: number;
  /** Command run in the container instead of the image's own (`sh -c CMD`). */
  cmd?: string;
  /** The docker client to run (tests point it at their engine); default `docker`. */
  dockerBinary?: string;
}

/**
 * The user-defined network the container joins, as deployed job containers do: published ports of Docker's default
 * bridge do not answer on every host (they did not on the machines this was built on), a user-defined network's do.
 */
const localNetwork = 'racetrack';

function dockerMissing(): RacetrackError {
  return new RacetrackError('UNAVAILABLE', 'racetrack run-local needs the docker command on this machine (Debian: apt-get install docker.io)');
}

/** Creates the network unless it exists; an Engine that does not answer is reported with docker's own words. */
function ensureNetwork(docker: string, network: string): Promise<void> {
  const dockerCall = (args: string[]) => new Promise<{ code: number; output: string }>((resolve, reject) => {
    const child = spawn(docker, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? dockerMissing() : error));
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
  return dockerCall(['network', 'inspect', network]).then(async (found) => {
    if (found.code === 0) return;
    const created = await dockerCall(['network', 'create', network]);
    // Another run-local (or the docker target) may have created it in between.
    if (created.code !== 0 && !/already exists/.test(created.output)) {
      throw new RacetrackError('UNAVAILABLE', `cannot create the docker network "${network}": ${created.output.trim()}`);
    }
  });
}

/** Builds the image on the server and runs it with `docker run --rm` until it stops; resolves to docker's exit code. */
export async function runLocalCommand(context: CliContext, dir: string, options: RunLocalOptions): Promise<number> {
  const submitted = await submitJob(context, dir, options, (client, payload) => client.build(payload), 'build');
  const { loaded: { manifest }, progress, result, payload } = submitted;
  const image = result.deployment.image_name;
  if (result.deployment.status !== 'done' || !image) {
    progress.fail(`the image of ${manifest.name} ${manifest.version} was not built`);
    throw await deploymentFailure(context, submitted.connection.client, manifest, result);
  }
  progress.succeed(`built ${image}`);
  const env: Record<string, string> = {
    // Build-time values stay out of the running job, as on the platform: their names are present, empty.
    ...Object.fromEntries(Object.keys({ ...manifest.build_env, ...payload.secret_vars?.build_env }).map((key) => [key, ''])),
    ...manifest.runtime_env,
    ...payload.secret_vars?.runtime_env,
    JOB_NAME: manifest.name,
    JOB_VERSION: manifest.version,
    JOB_DEPLOYMENT_TIMESTAMP: String(Math.floor(Date.now() / 1000)),
    PORT: '7000',
  };
  const docker = options.dockerBinary ?? 'docker';
  await ensureNetwork(docker, localNetwork);
  const args = [
    'run', '--rm', ...(process.stdin.isTTY ? ['-it'] : []), '--network', localNetwork,
    '--name', `local-job-${manifest.name}-v-${manifest.version.replace(/[^A-Za-z0-9_-]/g, '-')}`,
    '-p', `${options.port}:7000`,
    ...Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
    '--label', `job-name=${manifest.name}`, '--label', `job-version=${manifest.version}`,
    image,
    ...(options.cmd ? ['sh', '-c', options.cmd] : []),
  ];
  context.err(`running ${image} on http://127.0.0.1:${options.port} (Ctrl-C stops it)\n`);
  return new Promise((resolve, reject) => {
    const container = spawn(docker, args, { stdio: 'inherit' });
    // Stopping this command stops the job: docker run passes the signal on to the container, which --rm then removes.
    const forward = (signal: NodeJS.Signals) => () => container.kill(signal);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    container.once('close', () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    });
    container.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? dockerMissing() : error));
    container.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
