/** @module The JSON shapes exchanged between components and with clients (spec sections 1.3, 1.4). */

/** Job statuses as the original names them. */
export type JobStatus = 'starting' | 'running' | 'error' | 'lost' | 'orphaned';

/** The canonical job JSON returned by lifecycle (`GET /api/v1/job`, `GET /api/v1/job/{name}/{version}`). */
export interface JobDto {
  id: string;
  name: string;
  version: string;
  status: JobStatus;
  create_time: number;
  update_time: number;
  manifest: Record<string, unknown> | null;
  manifest_yaml: string | null;
  /** `host:port` of the first instance, as PUB reaches it. */
  internal_name: string | null;
  pub_url: string;
  error: string | null;
  notice: string | null;
  image_tag: string | null;
  deployed_by: string | null;
  last_call_time: number | null;
  infrastructure_target: string | null;
  /** `host:port` of every running instance; PUB balances over them. */
  replica_internal_names: string[];
  job_type_version: string | null;
  infrastructure_stats: Record<string, unknown>;
  /** Extension: desired number of instances. */
  replicas?: number;
  /** Extension: when the current version was deployed (unix seconds). */
  deployed_at?: number;
}

export type DeploymentStatus = 'in_progress' | 'done' | 'failed';

/** A deployment as `GET /api/v1/deploy/{id}` returns it. */
export interface DeploymentDto {
  id: string;
  status: DeploymentStatus;
  create_time: number;
  update_time: number;
  error: string | null;
  job: JobDto | null;
  deployed_by: string | null;
  phase: string | null;
  image_name: string | null;
  infrastructure_target: string | null;
  manifest_yaml: string | null;
  job_name: string;
  job_version: string;
  warnings: string | null;
}

/** The body of `POST /api/v1/deploy` (the Python client's `DeployPayload`). */
export interface DeployPayload {
  manifest: Record<string, unknown>;
  git_credentials?: { username: string; password: string } | null;
  secret_vars?: { build_env?: Record<string, string>; runtime_env?: Record<string, string> } | null;
  build_context?: string | null;
  force?: boolean | null;
  build_flags?: string[];
}

/** Deployment phase names shown by the CLI, in order (spec section 8.3). */
export const deploymentPhases = {
  building: 'building image',
  fetching: 'fetching the source code',
  preparing: 'preparing job type builder',
  finalizing: 'finalizing the build',
  creatingResources: 'creating cluster resources',
  startingServer: 'starting Job server',
  initializing: 'initializing Job entrypoint',
  postDeploy: 'post-deploy hooks',
} as const;

/** Header names shared by PUB, jobs and clients. */
export const headers = {
  auth: 'x-racetrack-auth',
  tracingId: 'x-request-tracing-id',
  callerName: 'x-caller-name',
} as const;
