/**
 * @module The `docker` infrastructure target as the composition root offers it: the docker driver with
 * image building wired in, only when a Docker Engine answers (DOCKER_HOST or the default socket).
 */
import type { InfraDriver } from '@racetrack/infra';
import type { DockerDriverOptions } from '@racetrack/infra/docker';
import { imageFromWorkspace } from './from-workspace.ts';

/** Options of the docker target; driver options pass through, `onBuildLog` receives image build lines. */
export interface DockerTargetOptions extends Omit<DockerDriverOptions, 'prepareImage'> {
  onBuildLog?: (jobName: string, version: string, line: string) => void;
  /** How long to wait for the Engine to answer before deciding there is none (default 2000 ms). */
  probeTimeoutMs?: number;
}

/**
 * The docker driver, which builds an image from the local builder's workspace on deploy, or undefined
 * when no Engine answers. Dockerode is loaded only here, so servers without Docker never pay for it.
 * @example const docker = await createDockerTarget(); if (docker) drivers.set('docker', docker);
 */
export async function createDockerTarget(options: DockerTargetOptions = {}): Promise<InfraDriver | undefined> {
  const { createDockerDriver, dockerEngineVersion } = await import('@racetrack/infra/docker');
  const docker = options.docker ?? new (await import('dockerode')).default();
  if (!(await dockerEngineVersion(docker, options.probeTimeoutMs ?? 2000))) return undefined;
  const { onBuildLog, probeTimeoutMs: _probe, ...driverOptions } = options;
  return createDockerDriver({
    ...driverOptions,
    docker,
    prepareImage: async (spec) => {
      const built = await imageFromWorkspace({
        workspaceDir: spec.artefact.cwd,
        env: spec.env,
        docker,
        noCache: spec.noCache ?? false,
        ...(onBuildLog ? { onLog: (line: string) => onBuildLog(spec.jobName, spec.version, line) } : {}),
      });
      return built.image;
    },
  });
}
