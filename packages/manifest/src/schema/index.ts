/** @module The job.yaml schema (spec section 3) as JSON Schema for Ajv, plus the TypeScript shape it describes. */

/** Git source of a job: where the builder fetches the code from. */
export interface ManifestGit {
  /** https:// URL (http://, file:// and absolute local paths are accepted for local use and tests). */
  remote: string;
  branch?: string;
  /** Subdirectory of the repository used as build context and working directory. Default `.`. */
  directory: string;
}

/** Resource quantities in Kubernetes notation (`256Mi`, `1Gi`, `500m`, `0.5`). */
export interface ManifestResources {
  memory_min?: string;
  memory_max?: string;
  cpu_min?: string;
  cpu_max?: string;
}

/** A validated, normalised job manifest: legacy fields mapped, defaults applied, `extends` resolved. */
export interface Manifest {
  name: string;
  owner_email: string;
  /** `name:version` of the job type, e.g. `node:latest`, `python3:2.x`. */
  jobtype: string;
  /** SemVer 2.0; default `0.0.1`. */
  version: string;
  git: ManifestGit;
  jobtype_extra?: Record<string, unknown>;
  image_type: 'docker';
  system_dependencies?: string[];
  build_env?: Record<string, string>;
  runtime_env?: Record<string, string>;
  secret_build_env_file?: string;
  secret_runtime_env_file?: string;
  labels?: Record<string, string | number | boolean>;
  public_endpoints?: string[];
  /** Number of instances, 1..50; default 1. */
  replicas: number;
  resources?: ManifestResources;
  infrastructure_target?: string;
}

/** Default values applied to absent fields. */
export const manifestDefaults = {
  version: '0.0.1',
  image_type: 'docker',
  replicas: 1,
  gitDirectory: '.',
} as const;

/** Legacy top-level fields still accepted (mapped to today's fields with a warning). */
export const legacyFields = ['lang', 'python', 'golang', 'wrapper_properties', 'docker'] as const;

const envMap = {
  type: 'object',
  description: 'a mapping of environment variable names to string values',
  additionalProperties: { type: ['string', 'number', 'boolean'], description: 'a string value' },
} as const;

const quantity = {
  type: ['string', 'number'],
  description: 'a resource quantity such as "256Mi", "1Gi", "500m" or 0.5',
} as const;

const stringList = {
  type: 'array',
  description: 'a list of strings',
  items: { type: 'string', description: 'a string' },
} as const;

/**
 * JSON Schema of a manifest after legacy mapping. Every node carries a `description`
 * phrased to complete "must be ...": the validator builds its messages from it.
 */
export const manifestJsonSchema = {
  type: 'object',
  description: 'a mapping of manifest fields',
  additionalProperties: false,
  required: ['name', 'owner_email', 'git', 'jobtype'],
  properties: {
    name: { type: 'string', description: 'a DNS-safe job name (lowercase letters, digits and dashes)' },
    owner_email: { type: 'string', description: 'an e-mail address' },
    jobtype: { type: 'string', description: 'a job type as "name:version", e.g. "node:latest"' },
    version: { type: 'string', description: 'a SemVer version such as "1.2.3"' },
    extends: { type: 'string', description: 'a relative path to a base manifest' },
    git: {
      type: 'object',
      description: 'a mapping with remote, branch and directory',
      additionalProperties: false,
      required: ['remote'],
      properties: {
        remote: { type: 'string', description: 'an https:// git URL' },
        branch: { type: 'string', description: 'a git branch name' },
        directory: { type: 'string', description: 'a relative subdirectory of the repository' },
      },
    },
    jobtype_extra: { type: 'object', description: 'a mapping of job-type specific settings' },
    image_type: { type: 'string', enum: ['docker'], description: '"docker"' },
    system_dependencies: stringList,
    build_env: envMap,
    runtime_env: envMap,
    secret_build_env_file: { type: 'string', description: 'a path to a .env file, relative to the job directory' },
    secret_runtime_env_file: { type: 'string', description: 'a path to a .env file, relative to the job directory' },
    labels: {
      type: 'object',
      description: 'a mapping of label names to values',
      additionalProperties: { type: ['string', 'number', 'boolean'], description: 'a string, number or boolean' },
    },
    public_endpoints: stringList,
    replicas: { type: 'integer', minimum: 1, maximum: 50, description: 'an integer between 1 and 50' },
    resources: {
      type: 'object',
      description: 'a mapping with memory_min, memory_max, cpu_min and cpu_max',
      additionalProperties: false,
      properties: { memory_min: quantity, memory_max: quantity, cpu_min: quantity, cpu_max: quantity },
    },
    infrastructure_target: { type: 'string', description: 'the name of an infrastructure target' },
  },
} as const;
