/**
 * @module The `docker` infrastructure target as the composition root offers it: the docker driver with
 * image building wired in, only when a Docker Engine answers (DOCKER_HOST or the default socket).
 */
import type { InfraDriver } from '@racetrack/infra';
import type { DockerDriverOptions } from '@racetrack/infra/docker';
import { imageFromWorkspace } from './from-workspace.ts';
import { removeJobImages } from './images.ts';
import { pruneJobImages } from './prune-images.ts';
import { isPushed, pushJobImage, type RegistryConfig } from './push.ts';

/** The push of a deployment's image shows as the first (and only) image pushed (spec 8.3: `pushing image (1/N)`). */
const pushPhase = 'pushing image (1/1)';

/** Options of the docker target; driver options pass through, `onBuildLog` receives image build lines. */
export interface DockerTargetOptions extends Omit<DockerDriverOptions, 'prepareImage' | 'removeImages' | 'pruneImages'> {
  /** Image build lines of builds on deploy (a restart or move from the stored workspace); `prepare` logs through its hooks. */
  onBuildLog?: (jobName: string, version: string, line: string) => void;
  /** How long to wait for the Engine to answer before deciding there is none (default 2000 ms). */
  probeTimeoutMs?: number;
  /** Registry a deployment pushes its job image to (phase `pushing image (1/1)`); none: no push. */
  registry?: RegistryConfig;
  /**
   * Offer the target even when no Engine answers now (it was asked for, or jobs run on it): deploys then fail with
   * an error naming the Engine, and the supervisor shows its jobs as waiting for it until it answers.
   */
  withoutEngine?: boolean;
}

/**
 * The docker driver, which builds an image from the local builder's workspace (in `prepare` during a
 * deployment, or on deploy), or undefined when no Engine answers (unless `withoutEngine`). Dockerode is loaded only here, so
 * servers without Docker never pay for it.
 * @example const docker = await createDockerTarget(); if (docker) drivers.set('docker', docker);
 */
export async function createDockerTarget(options: DockerTargetOptions = {}): Promise<InfraDriver | undefined> {
  const { createDockerDriver, dockerEngineVersion } = await import('@racetrack/infra/docker');
  const docker = options.docker ?? new (await import('dockerode')).default();
  if (!options.withoutEngine && !(await dockerEngineVersion(docker, options.probeTimeoutMs ?? 2000))) return undefined;
  const { onBuildLog, probeTimeoutMs: _probe, registry, withoutEngine: _without, ...driverOptions } = options;
  return createDockerDriver({
    ...driverOptions,
    docker,
    // A deleted job version takes its images along (an image a container still uses stays).
    removeImages: async (jobName, version) => {
      await removeJobImages(docker, jobName, version);
    },
    // The supervisor's prune pass: a registered job version's images of content it no longer runs go after an hour.
    pruneImages: (registered) => pruneJobImages(docker, registered),
    prepareImage: async (spec, hooks) => {
      // A deployment's prepare logs through its hooks; a build on deploy (restart, move) through onBuildLog.
      const log = hooks ? hooks.onLog : (line: string): void => onBuildLog?.(spec.jobName, spec.version, line);
      const built = await imageFromWorkspace({
        workspaceDir: spec.artefact.cwd,
        env: spec.env,
        docker,
        noCache: spec.noCache ?? false,
        onLog: log,
        ...(spec.manifest ? { manifest: spec.manifest } : {}),
        ...(spec.gitVersion ? { gitVersion: spec.gitVersion } : {}),
        ...(spec.racetrackVersion ? { racetrackVersion: spec.racetrackVersion } : {}),
      });
      // Deployments push (restarts and moves run on this Engine and need no registry); an image pushed before is not pushed again.
      if (registry && hooks && !(await isPushed(docker, built.image, registry))) {
        hooks.onPhase(pushPhase);
        await pushJobImage(docker, built.image, registry, log);
      }
      return built.image;
    },
  });
}
