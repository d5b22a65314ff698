/** @module Public surface of @racetrack/db: open the registry database and its repositories. */
export { openDatabase, type Database, type Db, type OpenDatabaseOptions } from './open/index.ts';
export { applyMigrations, migrationsDir } from './open/migrate.ts';
export { jobRepository, type JobRepository, type JobPatch } from './jobs/index.ts';
export { deploymentRepository, type DeploymentRepository, type NewDeployment, type DeploymentPatch } from './deployments/index.ts';
export type { JobRow, NewJobRow, DeploymentRow, DeletedJobRow } from './schema/index.ts';
