/** @module Whether a Docker Engine answers (DOCKER_HOST or the default socket), for offering the `docker` target. */
import Dockerode from 'dockerode';

/** Resolves to the Engine's version string when `docker` (default: DOCKER_HOST or /var/run/docker.sock) answers within `timeoutMs`, else undefined. */
export async function dockerEngineVersion(docker: Dockerode = new Dockerode(), timeoutMs = 2000): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    const answer = docker.version().then((info) => info.Version, () => undefined);
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
