/** @module The one interface every infrastructure target (local, docker, kubernetes) implements. */

/** What a built job looks like to a driver: a prepared directory (local) or an image (containers). */
export type JobArtefact =
  | {
      kind: 'process';
      /** Working directory of the job process (the prepared workspace). */
      cwd: string;
      /** Executable and arguments; the driver adds nothing but env and port. */
      command: string;
      args: string[];
    }
  | { kind: 'image'; image: string };

/** Everything a driver needs to start the instances of one job version. */
export interface JobInstanceSpec {
  jobName: string;
  version: string;
  replicas: number;
  artefact: JobArtefact;
  /** Full environment of the job (manifest runtime_env, secrets, JOB_NAME...). PORT is added by the driver. */
  env: Record<string, string>;
  /** Unix seconds, passed as JOB_DEPLOYMENT_TIMESTAMP; `/live` must echo it. */
  deploymentTimestamp: number;
  resources?: { memory_min?: string; memory_max?: string; cpu_min?: string; cpu_max?: string };
  /** `--no-cache` of this deployment: drivers that build an image rebuild it without the build cache. */
  noCache?: boolean;
}

/** What `prepare` turns into a runnable artefact: the builder's output for one job version and the facts an image records. */
export interface JobPrepareSpec {
  jobName: string;
  version: string;
  /** The builder's artefact (a prepared workspace). */
  artefact: JobArtefact;
  /** The job's validated manifest (image templates render it). */
  manifest: Record<string, unknown>;
  /** `git describe` of the source. */
  gitVersion?: string;
  /** Version of the Racetrack that deploys the job. */
  racetrackVersion?: string;
  /** `--no-cache` of this deployment. */
  noCache?: boolean;
}

/** Where `prepare` reports: lines go to the deployment's build log, phases to the deployment (e.g. `pushing image (1/1)`). */
export interface PrepareHooks {
  onLog(line: string): void;
  onPhase(phase: string): void;
}

/** One running (or dead) instance as the driver sees it. */
export interface JobInstance {
  jobName: string;
  version: string;
  replica: number;
  /** `host:port` PUB forwards to. */
  address: string;
  state: 'running' | 'exited';
  /** Process id or container id. */
  id: string;
  restarts: number;
  exitCode?: number | null;
}

/** How `deploy` treats the instances already running for the same name+version. */
export interface DeployOptions {
  /**
   * Keep the previous instances serving until `retirePrevious` is called (zero-downtime redeploy).
   * Drivers without `retirePrevious` ignore it and replace at once.
   */
  keepPrevious?: boolean;
}

/** A registered job version and the content hash of the build it runs (for `prune`). */
export interface RegisteredBuild {
  jobName: string;
  version: string;
  contentHash: string | null;
}

/** An infrastructure target. Drivers are siblings implementing this, chosen at the composition root. */
export interface InfraDriver {
  readonly name: string;
  /**
   * Turns the builder's artefact into what this driver runs (docker builds, and pushes when configured, the job
   * image), during the deployment's build phases. Optional: without it `deploy` takes the builder's artefact as is.
   * `deploy` must still accept the builder's artefact (a restart from the stored artefact, a move between targets).
   */
  prepare?(spec: JobPrepareSpec, hooks: PrepareHooks): Promise<JobArtefact>;
  /** Starts `spec.replicas` instances (replacing any of the same name+version) and returns them. Does not wait for readiness. */
  deploy(spec: JobInstanceSpec, options?: DeployOptions): Promise<JobInstance[]>;
  /**
   * Stops the instances a `deploy(spec, { keepPrevious: true })` left running (they are no longer in `list()`);
   * idempotent. Optional: a driver without it replaces instances at once.
   */
  retirePrevious?(jobName: string, version: string): Promise<void>;
  /**
   * Stops and removes every instance of the job version; idempotent. `keepLogs` (a graceful server stop,
   * the job comes back on the next start) keeps its logs where the driver can; default: logs go too.
   */
  remove(jobName: string, version: string, options?: { keepLogs?: boolean }): Promise<void>;
  /** Actual state of all instances this driver manages (for the supervisor and listing). */
  list(): Promise<JobInstance[]>;
  /** Restarts one dead replica with the spec it was deployed with. */
  restart(jobName: string, version: string, replica: number): Promise<JobInstance>;
  /** Last `tail` lines of the job's logs (0 = all), all replicas interleaved by time. */
  readLogs(jobName: string, version: string, tail: number): Promise<string>;
  /** Follows new log lines until the returned function is called. */
  followLogs(jobName: string, version: string, onLine: (line: string) => void): () => void;
  /**
   * Frees what the driver keeps per build (docker: job images) for the registered job versions' builds other than
   * the one each runs now (a redeploy's previous content); returns what it removed. What belongs to job versions not
   * in the list is left: on a shared engine it may be another installation's. Optional; called on the prune pass.
   */
  prune?(registered: readonly RegisteredBuild[]): Promise<readonly string[]>;
  /** Releases resources held by the driver itself (not the jobs). */
  close(): Promise<void>;
}
