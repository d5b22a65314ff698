/** @module Renders job-type Dockerfile templates written in Jinja2 syntax (as the original's plugins are) with nunjucks. */
import { RacetrackError } from '@racetrack/core';

/** The variables a job template sees; the first five are the original's, the rest are ours. */
export interface TemplateVariables {
  base_image: string;
  /** Kept for templates written for the original; ours leave it empty so build vars never become ENV layers. */
  env_vars: Record<string, string>;
  manifest: Record<string, unknown>;
  git_version: string;
  deployed_by_racetrack_version: string;
  /** `<job type>:<version>`, set as JOB_TYPE_VERSION in the image. */
  job_type_version: string;
}

let compatInstalled = false;

/** Renders `template` (Jinja2 subset: `.items()`, `|join`, `|length`, `{% if %}`...) with `variables`. */
export async function renderDockerfileTemplate(template: string, variables: TemplateVariables, templateName = 'job-template.Dockerfile'): Promise<string> {
  // Loaded on first use, like dockerode: only servers that build images need it.
  const nunjucks = (await import('nunjucks')).default;
  if (!compatInstalled) {
    // Adds Python-style helpers (dict.items(), True/False...) so templates written for Racetrack's Python plugins render unchanged.
    nunjucks.installJinjaCompat();
    compatInstalled = true;
  }
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true });
  try {
    return env.renderString(template, { ...variables });
  } catch (error) {
    throw new RacetrackError('BUILD_FAILED', `rendering ${templateName} failed: ${(error as Error).message}`, { cause: error });
  }
}
