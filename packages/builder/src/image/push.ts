/** @module Pushes a job image to a registry (server config), for targets that pull images (Kubernetes, remote Docker hosts). */
import type Dockerode from 'dockerode';
import { RacetrackError } from '@racetrack/core';

/** Where images go: `registry` host[:port], optional namespace prefix and credentials. */
export interface RegistryConfig {
  registry: string;
  /** Default `racetrack`, as the original's `docker_registry_namespace`. */
  namespace?: string;
  username?: string;
  password?: string;
}

interface PushEvent {
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** Where `image` (e.g. `racetrack/job/adder:1.0.0-abc`) goes: `<registry>/<namespace>/job/adder` and its tag. */
export function registryName(image: string, config: RegistryConfig): { repository: string; tag: string } {
  const separator = image.lastIndexOf(':');
  const repository = image.slice(0, separator).replace(/^racetrack\//, '');
  return { repository: `${config.registry}/${config.namespace ?? 'racetrack'}/${repository}`, tag: image.slice(separator + 1) };
}

/** Whether this very image (by id) was pushed to the registry already: the Engine records a repo digest on a successful push. */
export async function isPushed(docker: Dockerode, image: string, config: RegistryConfig): Promise<boolean> {
  const { repository } = registryName(image, config);
  const digests = (await docker.getImage(image).inspect()).RepoDigests ?? [];
  return digests.some((digest) => digest.startsWith(`${repository}@`));
}

/**
 * Tags `image` (e.g. `racetrack/job/adder:1.0.0-abc`) as `<registry>/<namespace>/job/adder:1.0.0-abc` and pushes
 * it, one log line per layer event (progress bars left out). Returns the pushed name.
 */
export async function pushJobImage(docker: Dockerode, image: string, config: RegistryConfig, onLog: (line: string) => void = () => {}): Promise<string> {
  const { repository: target, tag } = registryName(image, config);
  await docker.getImage(image).tag({ repo: target, tag });
  onLog(`pushing ${target}:${tag}`);
  const authconfig = config.username ? { username: config.username, password: config.password ?? '', serveraddress: config.registry } : {};
  let failure: string | undefined;
  try {
    const stream = await docker.getImage(`${target}:${tag}`).push({ tag, authconfig });
    await new Promise<void>((resolve) => {
      docker.modem.followProgress(stream, (error: Error | null) => {
        if (error) failure ??= error.message;
        resolve();
      }, (event: PushEvent) => {
        if (event.error) failure ??= event.errorDetail?.message ?? event.error;
        else if (event.status && !event.progress) onLog(event.id ? `${event.id}: ${event.status}` : event.status);
      });
    });
  } catch (error) {
    failure ??= (error as Error).message;
  }
  if (failure !== undefined) {
    throw new RacetrackError('BUILD_FAILED', `pushing ${target}:${tag} failed: ${failure}; check the registry address and credentials (RACETRACK_DOCKER_REGISTRY, RACETRACK_DOCKER_REGISTRY_USERNAME, RACETRACK_DOCKER_REGISTRY_PASSWORD)`);
  }
  return `${target}:${tag}`;
}
