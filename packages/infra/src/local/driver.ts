/** @module The `local` infrastructure driver: each job instance is a detached child process on a loopback port. */
import { mkdir, rm } from 'node:fs/promises';
import { RacetrackError } from '@racetrack/core';
import type { DeployOptions, InfraDriver, JobInstance, JobInstanceSpec } from '../core/driver.ts';
import { readVersionLogs, followVersionLogs, rotateLog } from './logs.ts';
import { findFreePorts, isPortFree, isSameProcessAlive, spawnDetached, stopProcessGroup } from './process.ts';
import {
  listVersions,
  readJson,
  readRetiring,
  readVersion,
  removeReplicaStates,
  removeVersion,
  versionPaths,
  writeJson,
  type ReplicaState,
  type VersionPaths,
} from './state.ts';

/** Settings of the local driver, resolved by the composition root. */
export interface LocalDriverOptions {
  /** Root of the driver's state: `<dataDir>/jobs/...`. */
  dataDir: string;
  /** Interface the jobs listen on and PUB connects to. */
  host: string;
  /** Environment every job starts with, below the spec's env (PATH, HOME...). */
  baseEnv: Record<string, string>;
  /** How long a job gets to exit after SIGTERM before SIGKILL. */
  stopGraceMs: number;
  /** A replica's log bigger than this when it (re)starts is moved to `replica-<i>.log.1` (one generation kept). */
  maxLogBytes: number;
}

/** Runs jobs as local processes; state survives a server restart so running jobs are found (and not orphaned). */
export class LocalDriver implements InfraDriver {
  readonly name = 'local';
  readonly #options: LocalDriverOptions;
  /** Exit codes seen by this server, by pid (the state file may not exist yet when a process dies at once). */
  readonly #exits = new Map<number, number | null>();
  /** Pids this driver is stopping on purpose. */
  readonly #stopping = new Set<number>();
  /** Stops of replaced instances still in progress. */
  readonly #retiring = new Set<Promise<void>>();
  /** Pids this driver set aside in a zero-downtime redeploy (others on disk were left by a server that died). */
  readonly #setAsideHere = new Set<number>();

  constructor(options: LocalDriverOptions) {
    this.#options = options;
  }

  async deploy(spec: JobInstanceSpec, options: DeployOptions = {}): Promise<JobInstance[]> {
    if (spec.artefact.kind !== 'process') {
      throw new RacetrackError('INFRASTRUCTURE_UNKNOWN', `the local infrastructure runs prepared directories, not images (${spec.artefact.image}); deploy to docker instead`);
    }
    if (!Number.isInteger(spec.replicas) || spec.replicas < 1) throw new RacetrackError('MANIFEST_INVALID', `replicas must be a whole number >= 1, got ${spec.replicas}`);
    const paths = this.#paths(spec.jobName, spec.version);
    const previous = (await readVersion(paths))?.replicas ?? [];
    if (options.keepPrevious) {
      // Zero-downtime redeploy: the old instances keep serving, out of list(), until retirePrevious().
      await this.#setAside(paths, previous);
    } else {
      await removeReplicaStates(paths);
      // The old instances get SIGTERM now but finish shutting down while the new ones start: a redeploy is
      // not held up by the old job draining its connections. close() waits for them.
      this.#retire(previous);
      await this.#retireForeign(paths, true);
    }
    await mkdir(paths.dir, { recursive: true });
    await writeJson(paths.spec, spec);
    const ports = await findFreePorts(this.#options.host, spec.replicas);
    const started: ReplicaState[] = [];
    try {
      for (const [replica, port] of ports.entries()) started.push(await this.#start(paths, spec, replica, port, 0));
    } catch (error) {
      // All or nothing: a replica that could not start takes its siblings down with it.
      await this.#stopAll(paths);
      await removeVersion(paths);
      throw new RacetrackError('INTERNAL', `could not start ${spec.jobName} ${spec.version}: ${(error as Error).message}`, { cause: error });
    }
    return started.map((state) => this.#instance(spec, state));
  }

  async remove(jobName: string, version: string, options: { keepLogs?: boolean } = {}): Promise<void> {
    const paths = this.#paths(jobName, version);
    await this.#stopAll(paths);
    await removeVersion(paths, options);
  }

  async retirePrevious(jobName: string, version: string): Promise<void> {
    const paths = this.#paths(jobName, version);
    const retiring = await readRetiring(paths);
    for (const state of retiring) this.#stopping.add(state.pid);
    await Promise.all(retiring.map(async (state) => {
      await stopProcessGroup(state, this.#options.stopGraceMs);
      await rm(paths.retiringState(state.pid), { force: true });
      this.#setAsideHere.delete(state.pid);
    }));
  }

  async list(): Promise<JobInstance[]> {
    const instances: JobInstance[] = [];
    for (const { jobName, version } of await listVersions(this.#options.dataDir)) {
      const paths = this.#paths(jobName, version);
      await this.#retireForeign(paths);
      const saved = await readVersion(paths);
      if (!saved) continue;
      for (const state of saved.replicas) instances.push(this.#instance(saved.spec, state));
    }
    return instances;
  }

  async restart(jobName: string, version: string, replica: number): Promise<JobInstance> {
    const paths = this.#paths(jobName, version);
    const saved = await readVersion(paths);
    const previous = saved?.replicas.find((r) => r.replica === replica);
    if (!saved || !previous) throw new RacetrackError('JOB_NOT_FOUND', `no replica ${replica} of ${jobName} ${version} on the local infrastructure`);
    await stopProcessGroup(previous, this.#options.stopGraceMs);
    // Keep the address PUB already knows when it is still free.
    const port = (await isPortFree(this.#options.host, previous.port)) ? previous.port : ((await findFreePorts(this.#options.host, 1))[0] as number);
    const state = await this.#start(paths, saved.spec, replica, port, previous.restarts + 1);
    return this.#instance(saved.spec, state);
  }

  readLogs(jobName: string, version: string, tail: number): Promise<string> {
    return readVersionLogs(this.#paths(jobName, version).dir, tail);
  }

  followLogs(jobName: string, version: string, onLine: (line: string) => void): () => void {
    return followVersionLogs(this.#paths(jobName, version).dir, onLine);
  }

  async close(): Promise<void> {
    // Jobs are detached and outlive the driver on purpose; only replaced instances still stopping are awaited.
    await Promise.all(this.#retiring);
  }

  #paths(jobName: string, version: string): VersionPaths {
    return versionPaths(this.#options.dataDir, jobName, version);
  }

  async #start(paths: VersionPaths, spec: JobInstanceSpec, replica: number, port: number, restarts: number): Promise<ReplicaState> {
    if (spec.artefact.kind !== 'process') throw new RacetrackError('INFRASTRUCTURE_UNKNOWN', 'the local infrastructure runs prepared directories only');
    const stateFile = paths.replicaState(replica);
    await rotateLog(paths.replicaLog(replica), this.#options.maxLogBytes);
    const identity = await spawnDetached({
      command: spec.artefact.command,
      args: spec.artefact.args,
      cwd: spec.artefact.cwd,
      env: {
        ...this.#options.baseEnv,
        ...spec.env,
        PORT: String(port),
        JOB_HOST: this.#options.host,
        JOB_DEPLOYMENT_TIMESTAMP: String(spec.deploymentTimestamp),
      },
      logFile: paths.replicaLog(replica),
      onExit: (exitCode, pid) => {
        this.#exits.set(pid, exitCode);
        this.#recordExit(stateFile, pid, exitCode).catch((error: NodeJS.ErrnoException) => {
          // ENOENT: the version was removed meanwhile, so there is nothing left to record into.
          if (error.code !== 'ENOENT') process.emitWarning(`could not record the exit of pid ${pid}: ${error.message}`);
        });
      },
    });
    const state: ReplicaState = { ...identity, replica, port, startedAt: Date.now(), restarts };
    // A process that died before its state was written still gets its exit code recorded.
    if (this.#exits.has(identity.pid)) state.exitCode = this.#exits.get(identity.pid) ?? null;
    await writeJson(stateFile, state);
    return state;
  }

  /** Notes the exit code, unless the process is being stopped or its state file was replaced by a newer process. */
  async #recordExit(stateFile: string, pid: number, exitCode: number | null): Promise<void> {
    if (this.#stopping.has(pid)) return;
    const state = await readJson<ReplicaState>(stateFile);
    if (state?.pid === pid) await writeJson(stateFile, { ...state, exitCode }, { createDir: false });
  }

  #retire(replicas: ReplicaState[]): void {
    for (const state of replicas) {
      this.#stopping.add(state.pid);
      const stopping = stopProcessGroup(state, this.#options.stopGraceMs)
        .catch((error: Error) => process.emitWarning(`could not stop replaced job process ${state.pid}: ${error.message}`))
        .finally(() => this.#retiring.delete(stopping));
      this.#retiring.add(stopping);
    }
  }

  /** Moves the running instances' state aside so new instances can take their replica numbers. */
  async #setAside(paths: VersionPaths, replicas: ReplicaState[]): Promise<void> {
    for (const state of replicas) {
      this.#setAsideHere.add(state.pid);
      await writeJson(paths.retiringState(state.pid), state);
    }
    await removeReplicaStates(paths);
  }

  /** Instances set aside by a server that died before retiring them would run forever: stop them (`all`: ours too). */
  async #retireForeign(paths: VersionPaths, all = false): Promise<void> {
    const foreign = (await readRetiring(paths)).filter((state) => all || !this.#setAsideHere.has(state.pid));
    for (const state of foreign) {
      this.#setAsideHere.delete(state.pid);
      this.#retire([state]);
      await rm(paths.retiringState(state.pid), { force: true });
    }
  }

  async #stopAll(paths: VersionPaths): Promise<void> {
    const saved = await readVersion(paths);
    const replicas = [...(saved?.replicas ?? []), ...(await readRetiring(paths))];
    // Exits we cause are not crashes, and recording them would race with deleting the folder.
    for (const state of replicas) this.#stopping.add(state.pid);
    await Promise.all(replicas.map((state) => stopProcessGroup(state, this.#options.stopGraceMs)));
  }

  #instance(spec: JobInstanceSpec, state: ReplicaState): JobInstance {
    const running = isSameProcessAlive(state);
    return {
      jobName: spec.jobName,
      version: spec.version,
      replica: state.replica,
      address: `${this.#options.host}:${state.port}`,
      state: running ? 'running' : 'exited',
      id: String(state.pid),
      restarts: state.restarts,
      ...(running ? {} : { exitCode: state.exitCode ?? null }),
    };
  }
}
