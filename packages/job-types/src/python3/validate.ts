/** @module Checks the `jobtype_extra` fields of a `python3` job (entrypoint, requirements, interpreter, concurrency). */
import { invalidExtra as invalid, optionalString as sharedOptionalString, readRunnerOptions } from '../core/extra-fields.ts';

/** The `jobtype_extra` of a python3 job once checked. */
export interface PythonJobExtra {
  entrypoint_path: string;
  entrypoint_class?: string;
  requirements_path?: string;
  /** Runs `pip check` after installing (default true, as the original). */
  check_requirements: boolean;
  python_version?: string;
  home_page?: string;
  max_concurrency?: number;
  max_concurrency_queue?: number;
}

const knownKeys = [
  'entrypoint_path', 'entrypoint_class', 'requirements_path', 'check_requirements', 'python_version', 'home_page',
  'max_concurrency', 'max_concurrency_queue', 'debian_version', 'debian_backports', 'memray_profiler',
];

/** Reads and checks `manifest.jobtype_extra` (or a legacy `python:` section); throws MANIFEST_INVALID naming the field. */
export function readPythonExtra(manifest: Record<string, unknown>): { extra: PythonJobExtra; warnings: string[] } {
  const raw = manifest['jobtype_extra'] ?? manifest['python'];
  if (raw === undefined || raw === null) {
    throw invalid('jobtype_extra.entrypoint_path', 'is required for python3 jobs: the .py file with your entrypoint class, e.g. entrypoint.py');
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid('jobtype_extra', 'must be a mapping of python3 job-type options');
  const fields = raw as Record<string, unknown>;
  const warnings = Object.keys(fields)
    .filter((key) => !knownKeys.includes(key))
    .map((key) => `jobtype_extra.${key} is not used by the python3 job type (known: ${knownKeys.join(', ')})`);
  const entrypoint = optionalString(fields, 'entrypoint_path');
  if (entrypoint === undefined) {
    throw invalid('jobtype_extra.entrypoint_path', 'is required for python3 jobs: the .py file with your entrypoint class, e.g. entrypoint.py');
  }
  const extra: PythonJobExtra = { entrypoint_path: relativePath(entrypoint, 'entrypoint_path'), check_requirements: true };
  const className = optionalString(fields, 'entrypoint_class');
  if (className !== undefined) {
    if (!/^[A-Za-z_]\w*$/.test(className)) throw invalid('jobtype_extra.entrypoint_class', `"${className}" is not a Python class name`);
    extra.entrypoint_class = className;
  }
  const requirements = optionalString(fields, 'requirements_path');
  if (requirements !== undefined) extra.requirements_path = relativePath(requirements, 'requirements_path');
  const check = fields['check_requirements'];
  if (check !== undefined && check !== null) {
    if (typeof check !== 'boolean') throw invalid('jobtype_extra.check_requirements', `must be true or false, got ${JSON.stringify(check)}`);
    extra.check_requirements = check;
  }
  const version = fields['python_version'];
  if (version !== undefined && version !== null) {
    const text = String(version);
    if (!/^3(\.\d+)?$/.test(text)) throw invalid('jobtype_extra.python_version', `must look like 3.11, got ${JSON.stringify(version)}`);
    extra.python_version = text;
  }
  Object.assign(extra, readRunnerOptions(fields, 0, true));
  return { extra, warnings };
}

function optionalString(fields: Record<string, unknown>, key: string): string | undefined {
  return sharedOptionalString(fields, key)?.trim();
}

function relativePath(value: string, key: string): string {
  if (value.startsWith('/') || value.split(/[\\/]/).includes('..')) {
    throw invalid(`jobtype_extra.${key}`, `"${value}" must be a path inside the job directory`);
  }
  return value.replace(/^\.\//, '');
}
