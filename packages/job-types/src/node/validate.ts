/** @module Checks the `jobtype_extra` fields of a `node` job (entrypoint, home page, concurrency caps). */
import { invalidExtra as invalid, optionalString, readRunnerOptions } from '../core/extra-fields.ts';

/** The `jobtype_extra` of a node job once checked; numbers already parsed. */
export interface NodeJobExtra {
  entrypoint_path?: string;
  entrypoint_class?: string;
  home_page?: string;
  max_concurrency?: number;
  max_concurrency_queue?: number;
}

const knownKeys = ['entrypoint_path', 'entrypoint_class', 'home_page', 'max_concurrency', 'max_concurrency_queue'];

/** Reads and checks `manifest.jobtype_extra`; throws MANIFEST_INVALID naming the field, returns warnings. */
export function readNodeExtra(manifest: Record<string, unknown>): { extra: NodeJobExtra; warnings: string[] } {
  const raw = manifest['jobtype_extra'] ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid('jobtype_extra', 'must be a mapping of node job-type options');
  }
  const fields = raw as Record<string, unknown>;
  const warnings = Object.keys(fields)
    .filter((key) => !knownKeys.includes(key))
    .map((key) => `jobtype_extra.${key} is not used by the node job type (known: ${knownKeys.join(', ')})`);
  const extra: NodeJobExtra = {};
  const entrypoint = optionalString(fields, 'entrypoint_path');
  if (entrypoint !== undefined) extra.entrypoint_path = checkRelativePath(entrypoint);
  const className = optionalString(fields, 'entrypoint_class');
  if (className !== undefined) {
    if (!/^[A-Za-z_$][\w$]*$/.test(className)) throw invalid('jobtype_extra.entrypoint_class', `"${className}" is not a class name`);
    extra.entrypoint_class = className;
  }
  Object.assign(extra, readRunnerOptions(fields, 1));
  return { extra, warnings };
}

function checkRelativePath(value: string): string {
  const parts = value.split(/[\\/]/);
  if (value.startsWith('/') || parts.includes('..')) {
    throw invalid('jobtype_extra.entrypoint_path', `"${value}" must be a path inside the job directory, e.g. job.ts`);
  }
  return value;
}
