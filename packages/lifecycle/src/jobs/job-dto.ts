/** @module Maps registry rows to the JSON shapes of the API (spec 1.3, 1.4); secrets never leave here. */
import type { DeploymentDto, JobDto, JobStatus } from '@racetrack/core';
import type { DeploymentRow, JobRow } from '@racetrack/db';

const seconds = (date: Date | null): number | null => (date ? Math.floor(date.getTime() / 1000) : null);

/** The canonical JobDto of a job row; `pub_url` built from the external PUB URL. */
export function toJobDto(row: JobRow, externalPubUrl: string): JobDto {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    status: row.status as JobStatus,
    create_time: seconds(row.createTime) ?? 0,
    update_time: seconds(row.updateTime) ?? 0,
    manifest: row.manifest ?? null,
    manifest_yaml: row.manifestYaml,
    internal_name: row.addresses[0] ?? null,
    pub_url: `${externalPubUrl.replace(/\/$/, '')}/job/${row.name}/${row.version}`,
    error: row.error,
    notice: row.notice,
    image_tag: row.imageTag,
    deployed_by: row.deployedBy,
    last_call_time: seconds(row.lastCallTime),
    infrastructure_target: row.infrastructureTarget,
    replica_internal_names: row.addresses,
    job_type_version: row.jobTypeVersion,
    infrastructure_stats: { number_of_restarts: row.restarts },
    replicas: row.replicas,
    deployed_at: seconds(row.deployedAt) ?? 0,
  };
}

/** The DeploymentDto of a deployment row; `job` only when done. */
export function toDeploymentDto(row: DeploymentRow, job: JobDto | null): DeploymentDto {
  return {
    id: row.id,
    status: row.status as DeploymentDto['status'],
    create_time: seconds(row.createTime) ?? 0,
    update_time: seconds(row.updateTime) ?? 0,
    error: row.error,
    job: row.status === 'done' ? job : null,
    deployed_by: row.deployedBy,
    phase: row.phase,
    image_name: row.imageName,
    infrastructure_target: row.infrastructureTarget,
    manifest_yaml: row.manifestYaml,
    job_name: row.jobName,
    job_version: row.jobVersion,
    warnings: row.warnings,
  };
}
