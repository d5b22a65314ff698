/** @module The environment a job instance runs with (manifest runtime_env, secrets, and Racetrack's own variables). */

export interface RuntimeEnvInput {
  name: string;
  version: string;
  deploymentTimestamp: number;
  gitVersion: string | null;
  racetrackVersion: string;
  jobTypeVersion: string;
  internalPubUrl: string;
  manifestYaml: string;
  runtimeEnv: Record<string, string>;
  secretRuntimeEnv: Record<string, string>;
}

/** Builds the job env; Racetrack's variables win over user ones so a manifest can't fake them. */
export function buildRuntimeEnv(input: RuntimeEnvInput): Record<string, string> {
  return {
    ...input.runtimeEnv,
    ...input.secretRuntimeEnv,
    JOB_NAME: input.name,
    JOB_VERSION: input.version,
    JOB_DEPLOYMENT_TIMESTAMP: String(input.deploymentTimestamp),
    GIT_VERSION: input.gitVersion ?? '',
    DEPLOYED_BY_RACETRACK_VERSION: input.racetrackVersion,
    JOB_TYPE_VERSION: input.jobTypeVersion,
    PUB_URL: input.internalPubUrl,
    JOB_MANIFEST_YAML: input.manifestYaml,
  };
}
