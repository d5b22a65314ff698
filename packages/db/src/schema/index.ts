/** @module The drizzle schema mirroring migrations/*.sql (the SQL files are the source of truth). */
import { bigint, boolean, integer, jsonb, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';

const time = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Job versions: desired state plus the last observed state. */
export const jobs = pgTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    version: text('version').notNull(),
    status: text('status').notNull(),
    desiredState: text('desired_state').notNull().default('running'),
    jobTypeVersion: text('job_type_version'),
    infrastructureTarget: text('infrastructure_target').notNull(),
    manifest: jsonb('manifest').$type<Record<string, unknown>>(),
    manifestYaml: text('manifest_yaml'),
    replicas: integer('replicas').notNull().default(1),
    addresses: jsonb('addresses').$type<string[]>().notNull().default([]),
    error: text('error'),
    notice: text('notice'),
    artefact: jsonb('artefact').$type<Record<string, unknown>>(),
    imageTag: text('image_tag'),
    gitVersion: text('git_version'),
    runtimeEnv: jsonb('runtime_env').$type<Record<string, string>>().notNull().default({}),
    /** Encrypted by lifecycle before it gets here; never returned by the API. */
    secretRuntimeEnv: text('secret_runtime_env'),
    deploymentId: text('deployment_id'),
    deploymentTimestamp: bigint('deployment_timestamp', { mode: 'number' }).notNull().default(0),
    everRunning: boolean('ever_running').notNull().default(false),
    restarts: integer('restarts').notNull().default(0),
    deployedBy: text('deployed_by'),
    deployedAt: time('deployed_at').notNull().defaultNow(),
    lastCallTime: time('last_call_time'),
    createTime: time('create_time').notNull().defaultNow(),
    updateTime: time('update_time').notNull().defaultNow(),
  },
  (t) => [unique('jobs_name_version_unique').on(t.name, t.version)],
);

/** Deploy requests with their phase and build logs. */
export const deployments = pgTable('deployments', {
  id: text('id').primaryKey(),
  status: text('status').notNull(),
  phase: text('phase'),
  error: text('error'),
  warnings: text('warnings'),
  jobName: text('job_name').notNull(),
  jobVersion: text('job_version').notNull(),
  manifestYaml: text('manifest_yaml'),
  buildLogs: text('build_logs').notNull().default(''),
  deployedBy: text('deployed_by'),
  infrastructureTarget: text('infrastructure_target'),
  imageName: text('image_name'),
  createTime: time('create_time').notNull().defaultNow(),
  updateTime: time('update_time').notNull().defaultNow(),
});

/** Deleted job versions (the original's trash table). */
export const deletedJobs = pgTable('deleted_jobs', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  version: text('version').notNull(),
  jobTypeVersion: text('job_type_version'),
  infrastructureTarget: text('infrastructure_target'),
  manifestYaml: text('manifest_yaml'),
  deployedBy: text('deployed_by'),
  createTime: time('create_time').notNull(),
  deleteTime: time('delete_time').notNull().defaultNow(),
});

export const schema = { jobs, deployments, deletedJobs };

export type JobRow = typeof jobs.$inferSelect;
export type NewJobRow = typeof jobs.$inferInsert;
export type DeploymentRow = typeof deployments.$inferSelect;
export type DeletedJobRow = typeof deletedJobs.$inferSelect;
