-- Registry of job versions: desired state (what should run) plus the last observed state.
CREATE TABLE IF NOT EXISTS jobs (
  id text PRIMARY KEY,
  name text NOT NULL,
  version text NOT NULL,
  status text NOT NULL,
  desired_state text NOT NULL DEFAULT 'running',
  job_type_version text,
  infrastructure_target text NOT NULL,
  manifest jsonb,
  manifest_yaml text,
  replicas integer NOT NULL DEFAULT 1,
  addresses jsonb NOT NULL DEFAULT '[]'::jsonb,
  error text,
  notice text,
  artefact jsonb,
  image_tag text,
  git_version text,
  runtime_env jsonb NOT NULL DEFAULT '{}'::jsonb,
  secret_runtime_env text,
  deployment_id text,
  deployment_timestamp bigint NOT NULL DEFAULT 0,
  ever_running boolean NOT NULL DEFAULT false,
  restarts integer NOT NULL DEFAULT 0,
  deployed_by text,
  deployed_at timestamptz NOT NULL DEFAULT now(),
  last_call_time timestamptz,
  create_time timestamptz NOT NULL DEFAULT now(),
  update_time timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT jobs_name_version_unique UNIQUE (name, version)
);

-- One row per deploy request; phases and build logs are appended while it runs.
CREATE TABLE IF NOT EXISTS deployments (
  id text PRIMARY KEY,
  status text NOT NULL,
  phase text,
  error text,
  warnings text,
  job_name text NOT NULL,
  job_version text NOT NULL,
  manifest_yaml text,
  build_logs text NOT NULL DEFAULT '',
  deployed_by text,
  infrastructure_target text,
  image_name text,
  create_time timestamptz NOT NULL DEFAULT now(),
  update_time timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS deployments_job_idx ON deployments (job_name, job_version, update_time);
CREATE INDEX IF NOT EXISTS deployments_update_idx ON deployments (update_time);

-- Deleted job versions, kept so a name+version can't be silently claimed again.
CREATE TABLE IF NOT EXISTS deleted_jobs (
  id text PRIMARY KEY,
  name text NOT NULL,
  version text NOT NULL,
  job_type_version text,
  infrastructure_target text,
  manifest_yaml text,
  deployed_by text,
  create_time timestamptz NOT NULL,
  delete_time timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS deleted_jobs_name_version_idx ON deleted_jobs (name, version);
