/**
 * @module The `docker` infrastructure driver: one container per replica on a user-defined network, the
 * job on port 7000 inside, published on a loopback host port so a PUB on the host reaches it.
 */
import { createServer } from 'node:net';
import Dockerode from 'dockerode';
import { RacetrackError } from '@racetrack/core';
import type { InfraDriver, JobArtefact, JobInstance, JobInstanceSpec, JobPrepareSpec, PrepareHooks, RegisteredBuild } from '../core/driver.ts';
import { containerEnv } from './env.ts';
import { followContainerLogs, readContainerLogs } from './logs.ts';
import { containerLabels, containerName, jobPort, resourceName } from './naming.ts';
import { resourceLimits } from './resources.ts';

/** Options of the docker driver; defaults suit the all-in-one server on a Docker host. */
export interface DockerDriverOptions {
  /** User-defined bridge network the job containers join (created when missing). */
  network?: string;
  docker?: Dockerode;
  /** Host address job ports are published on; PUB on the host calls `<hostAddress>:<port>`. */
  hostAddress?: string;
  /**
   * `host` (default): instance addresses are the published host ports (PUB runs on the host).
   * `network`: addresses are `<container name>:7000` (PUB runs in a container on the same network).
   */
  addressMode?: 'host' | 'network';
  /** Docker restart policy; default `no` because the supervisor restarts dead replicas with backoff and counts restarts. */
  restartPolicy?: 'no' | 'on-failure' | 'unless-stopped' | 'always';
  /**
   * Turns a `process` artefact (a workspace the local builder prepared) into an image (built, or reused by
   * content hash; pushed when a registry is configured), so lifecycle can deploy the same build to `docker`.
   * Wired at the composition root with @racetrack/builder's `imageFromWorkspace`; without it the driver
   * accepts only `image` artefacts. Called by `prepare` (a deployment, with its hooks) and by `deploy`
   * given a workspace (no hooks: a restart or move from the stored artefact).
   */
  prepareImage?: (spec: WorkspaceImageSpec, hooks?: PrepareHooks) => Promise<string>;
  /**
   * Removes the images of a job version once its containers are gone (`remove` without `keepLogs`: a delete, not
   * a server stop); images a container still uses stay. Wired with @racetrack/builder's `removeJobImages`.
   */
  removeImages?: (jobName: string, version: string) => Promise<void>;
  /** Removes registered job versions' images of builds they no longer run (see InfraDriver.prune); wired like `removeImages`. */
  pruneImages?: (registered: readonly RegisteredBuild[]) => Promise<readonly string[]>;
}

/** A workspace to turn into an image: the job env as `deploy` gets it, or (from `prepare`) the manifest and versions. */
export interface WorkspaceImageSpec {
  jobName: string;
  version: string;
  artefact: Extract<JobArtefact, { kind: 'process' }>;
  /** The job env (`deploy`): JOB_MANIFEST_YAML, GIT_VERSION, DEPLOYED_BY_RACETRACK_VERSION are what an image needs. */
  env: Record<string, string>;
  manifest?: Record<string, unknown>;
  gitVersion?: string;
  racetrackVersion?: string;
  noCache?: boolean;
}

/** Creates the docker driver. */
export function createDockerDriver(options: DockerDriverOptions = {}): InfraDriver {
  return new DockerDriver(options);
}

class DockerDriver implements InfraDriver {
  readonly name = 'docker';
  readonly #docker: Dockerode;
  readonly #network: string;
  readonly #hostAddress: string;
  readonly #addressMode: 'host' | 'network';
  readonly #restartPolicy: string;
  readonly #prepareImage: DockerDriverOptions['prepareImage'];
  readonly #removeImages: DockerDriverOptions['removeImages'];
  readonly #pruneImages: DockerDriverOptions['pruneImages'];
  /** Restarts done through `restart()`, by container id; kept in memory, so a new driver instance starts again at 0. */
  readonly #restarts = new Map<string, number>();
  #networkReady: Promise<void> | undefined;

  constructor(options: DockerDriverOptions) {
    this.#docker = options.docker ?? new Dockerode();
    this.#network = options.network ?? 'racetrack';
    this.#hostAddress = options.hostAddress ?? '127.0.0.1';
    this.#addressMode = options.addressMode ?? 'host';
    this.#restartPolicy = options.restartPolicy ?? 'no';
    this.#prepareImage = options.prepareImage;
    this.#removeImages = options.removeImages;
    this.#pruneImages = options.pruneImages;
  }

  async prepare(spec: JobPrepareSpec, hooks: PrepareHooks): Promise<JobArtefact> {
    const artefact = spec.artefact;
    if (artefact.kind === 'image') return artefact;
    const image = await this.#workspaceImage({
      jobName: spec.jobName,
      version: spec.version,
      artefact,
      env: {},
      manifest: spec.manifest,
      ...(spec.gitVersion !== undefined ? { gitVersion: spec.gitVersion } : {}),
      ...(spec.racetrackVersion !== undefined ? { racetrackVersion: spec.racetrackVersion } : {}),
      ...(spec.noCache ? { noCache: true } : {}),
    }, hooks);
    return { kind: 'image', image };
  }

  async deploy(spec: JobInstanceSpec): Promise<JobInstance[]> {
    const image = await this.#imageOf(spec);
    await engine('prepare the network', () => this.#ensureNetwork());
    // Replacing containers keeps the images: the new containers run the same or a freshly built one.
    await this.#removeContainers(spec.jobName, spec.version);
    const limits = resourceLimits(spec.resources);
    const instances: JobInstance[] = [];
    for (let replica = 0; replica < spec.replicas; replica += 1) instances.push(await this.#startReplica(spec, image, replica, limits));
    return instances;
  }

  async #startReplica(spec: JobInstanceSpec, image: string, replica: number, limits: ReturnType<typeof resourceLimits>, attempt = 1): Promise<JobInstance> {
    const hostPort = await freePort(this.#hostAddress);
    const env = containerEnv(spec);
    const container = await engine(`create the container of ${spec.jobName} ${spec.version}`, () =>
      this.#docker.createContainer({
        name: containerName(spec.jobName, spec.version, replica),
        Image: image,
        Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
        ExposedPorts: { [`${jobPort}/tcp`]: {} },
        Labels: {
          [containerLabels.component]: 'job',
          [containerLabels.infrastructure]: 'docker',
          [containerLabels.jobName]: spec.jobName,
          [containerLabels.jobVersion]: spec.version,
          [containerLabels.replica]: String(replica),
          [containerLabels.hostPort]: String(hostPort),
          [containerLabels.deploymentTimestamp]: String(spec.deploymentTimestamp),
        },
        HostConfig: {
          NetworkMode: this.#network,
          // A fixed host port (not an ephemeral one) keeps the address stable across container restarts.
          PortBindings: { [`${jobPort}/tcp`]: [{ HostIp: this.#hostAddress, HostPort: String(hostPort) }] },
          RestartPolicy: { Name: this.#restartPolicy },
          ExtraHosts: ['host.docker.internal:host-gateway'],
          ...limits,
        },
        NetworkingConfig: { EndpointsConfig: { [this.#network]: { Aliases: [resourceName(spec.jobName, spec.version)] } } },
      }),
    );
    try {
      await container.start();
    } catch (error) {
      await container.remove({ force: true });
      // The port was free when picked but taken before Docker bound it (another process, a parallel deploy): pick again.
      if (attempt < 3 && /port is already allocated|address already in use/i.test((error as Error).message)) return this.#startReplica(spec, image, replica, limits, attempt + 1);
      throw engineError(`start the container of ${spec.jobName} ${spec.version}`, error);
    }
    return this.#instance(spec.jobName, spec.version, replica, hostPort, container.id, 'running', 0);
  }

  async #imageOf(spec: JobInstanceSpec): Promise<string> {
    const artefact = spec.artefact;
    if (artefact.kind === 'image') return artefact.image;
    return this.#workspaceImage({
      jobName: spec.jobName, version: spec.version, artefact, env: spec.env, ...(spec.noCache ? { noCache: true } : {}),
    });
  }

  async #workspaceImage(spec: WorkspaceImageSpec, hooks?: PrepareHooks): Promise<string> {
    if (!this.#prepareImage) {
      throw new RacetrackError('BAD_REQUEST', `the docker infrastructure runs container images, not ${spec.artefact.kind} artefacts; build the job image first`);
    }
    return this.#prepareImage(spec, hooks);
  }

  async remove(jobName: string, version: string, options: { keepLogs?: boolean } = {}): Promise<void> {
    await this.#removeContainers(jobName, version);
    // A server stop (keepLogs) brings the job back on the next start: its image stays for that.
    if (this.#removeImages && !options.keepLogs) {
      const removeImages = this.#removeImages;
      await engine(`remove the images of ${jobName} ${version}`, () => removeImages(jobName, version));
    }
  }

  async #removeContainers(jobName: string, version: string): Promise<void> {
    for (const info of await this.#containers(jobName, version)) {
      try {
        await this.#docker.getContainer(info.Id).remove({ force: true });
      } catch (error) {
        // 404: already gone, which is what remove wants (idempotent); 409: removal already in progress.
        const status = (error as { statusCode?: number }).statusCode;
        if (status !== 404 && status !== 409) throw engineError('remove a container', error);
      }
      this.#restarts.delete(info.Id);
    }
  }

  async list(): Promise<JobInstance[]> {
    const containers = await this.#containers();
    return containers.map((info) => {
      const labels = info.Labels;
      const exitMatch = /^Exited \((-?\d+)\)/.exec(info.Status);
      const state = info.State === 'running' || info.State === 'restarting' ? 'running' : 'exited';
      const instance = this.#instance(
        labels[containerLabels.jobName] as string,
        labels[containerLabels.jobVersion] as string,
        Number(labels[containerLabels.replica]),
        Number(labels[containerLabels.hostPort]),
        info.Id,
        state,
        this.#restarts.get(info.Id) ?? 0,
      );
      return state === 'exited' ? { ...instance, exitCode: exitMatch ? Number(exitMatch[1]) : null } : instance;
    });
  }

  async restart(jobName: string, version: string, replica: number): Promise<JobInstance> {
    const info = (await this.#containers(jobName, version)).find((c) => Number(c.Labels[containerLabels.replica]) === replica);
    if (!info) throw new RacetrackError('JOB_NOT_FOUND', `job ${jobName} ${version} has no replica ${replica} on the docker infrastructure; deploy it again`);
    const container = this.#docker.getContainer(info.Id);
    // The container keeps its image, env, limits and port binding: starting it again is the restart.
    await engine(`restart ${info.Names[0] ?? jobName}`, () => (info.State === 'running' ? container.restart() : container.start()));
    const restarts = (this.#restarts.get(info.Id) ?? 0) + 1;
    this.#restarts.set(info.Id, restarts);
    return this.#instance(jobName, version, replica, Number(info.Labels[containerLabels.hostPort]), info.Id, 'running', restarts);
  }

  async readLogs(jobName: string, version: string, tail: number): Promise<string> {
    const containers = (await this.#containers(jobName, version)).map((info) => this.#docker.getContainer(info.Id));
    return engine(`read the logs of ${jobName} ${version}`, () => readContainerLogs(containers, tail));
  }

  followLogs(jobName: string, version: string, onLine: (line: string) => void): () => void {
    return followContainerLogs(this.#docker, jobLabelFilter(jobName, version), onLine);
  }

  async prune(registered: readonly RegisteredBuild[]): Promise<readonly string[]> {
    const pruneImages = this.#pruneImages;
    return pruneImages ? engine('prune job images', () => pruneImages(registered)) : [];
  }

  async close(): Promise<void> {
    // dockerode keeps no connection open between calls; the containers outlive the driver on purpose.
  }

  #instance(jobName: string, version: string, replica: number, hostPort: number, id: string, state: 'running' | 'exited', restarts: number): JobInstance {
    const address = this.#addressMode === 'host' ? `${this.#hostAddress}:${hostPort}` : `${containerName(jobName, version, replica)}:${jobPort}`;
    return { jobName, version, replica, address, state, id, restarts };
  }

  async #containers(jobName?: string, version?: string): Promise<Dockerode.ContainerInfo[]> {
    const label = jobLabelFilter(jobName, version);
    const found = await engine('list job containers', () => this.#docker.listContainers({ all: true, filters: { label } }));
    return found.sort((a, b) => Number(a.Labels[containerLabels.replica]) - Number(b.Labels[containerLabels.replica]));
  }

  #ensureNetwork(): Promise<void> {
    this.#networkReady ??= (async () => {
      const existing = await this.#docker.listNetworks({ filters: { name: [this.#network] } });
      if (existing.some((network) => network.Name === this.#network)) return;
      try {
        await this.#docker.createNetwork({ Name: this.#network, Driver: 'bridge', Labels: { [containerLabels.component]: 'network' } });
      } catch (error) {
        // 409: created meanwhile by another driver instance.
        if ((error as { statusCode?: number }).statusCode !== 409) throw error;
      }
    })().catch((error: unknown) => {
      this.#networkReady = undefined;
      throw error;
    });
    return this.#networkReady;
  }
}

/** Engine label filters selecting the job containers of this driver, of one job or version when given. */
function jobLabelFilter(jobName?: string, version?: string): string[] {
  const label = [`${containerLabels.component}=job`, `${containerLabels.infrastructure}=docker`];
  if (jobName !== undefined) label.push(`${containerLabels.jobName}=${jobName}`);
  if (version !== undefined) label.push(`${containerLabels.jobVersion}=${version}`);
  return label;
}

/** Runs one Engine call, turning "no daemon" and API errors into RacetrackErrors that say what failed. */
async function engine<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw engineError(what, error);
  }
}

function engineError(what: string, error: unknown): RacetrackError {
  if (error instanceof RacetrackError) return error;
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES') {
    return new RacetrackError('UNAVAILABLE', `cannot ${what}: the Docker Engine does not answer (${code}); start dockerd or set DOCKER_HOST`, { cause: error });
  }
  const message = (error as { json?: { message?: string } }).json?.message ?? (error as Error).message;
  return new RacetrackError('INTERNAL', `cannot ${what}: ${message}`, { cause: error });
}

/** A port free on `host` right now (the kernel picks it); Docker binds it a moment later. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
