/** @module What lifecycle needs from its collaborators, stated structurally so the composition root wires real ones. */
import type { Logger } from '@racetrack/core';
import type { Database, DeploymentRepository, JobRepository } from '@racetrack/db';
import type { Builder } from '@racetrack/builder';
import type { InfraDriver } from '@racetrack/infra';
import type { JobTypeRegistry } from '@racetrack/job-types';
import type { LifecycleConfig } from '../config/index.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { LifecycleMetrics } from '../metrics/index.ts';

/** The builder as lifecycle uses it: only `build` (@racetrack/builder's createBuilder() provides it). */
export type DeployBuilder = Pick<Builder, 'build'>;

/** Everything a lifecycle instance works with, created once by the composition root. */
export interface LifecycleDeps {
  database: Database;
  builder: DeployBuilder;
  jobTypes: JobTypeRegistry;
  /** Infrastructure drivers by target name (`local`, `docker`, ...). */
  drivers: ReadonlyMap<string, InfraDriver>;
  config: LifecycleConfig;
  secretBox: SecretBox;
  logger: Logger;
}

/** Replaced instances waiting to be stopped. */
export interface PendingRetirement {
  /** Settles once they were stopped, or the retirement was postponed. */
  done: Promise<void>;
  /** Cancels a retirement not started yet (a newer redeploy stops them later); waits for one already stopping. */
  postpone(): Promise<void>;
}

/** Internal context shared by lifecycle's modules. */
export interface LifecycleContext extends LifecycleDeps {
  jobs: JobRepository;
  deployments: DeploymentRepository;
  metrics: LifecycleMetrics;
  /** name@version of deployments running in this process (a fast lock before the database check). */
  active: Set<string>;
  /** Build-log sinks of running deployments by name@version, for lines a driver produces (image builds). */
  logSinks: Map<string, (line: string) => void>;
  /** Pending retirements of replaced instances by name@version (a zero-downtime redeploy's last step). */
  retiring: Map<string, PendingRetirement>;
}
