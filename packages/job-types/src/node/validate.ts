/** @module Checks the `jobtype_extra` fields of a `node` job (entrypoint, home page, concurrency caps). */
import { RacetrackError } from '@racetrack/core';

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
  const homePage = optionalString(fields, 'home_page');
  if (homePage !== undefined) extra.home_page = homePage;
  const maxConcurrency = optionalCount(fields, 'max_concurrency', 1);
  if (maxConcurrency !== undefined) extra.max_concurrency = maxConcurrency;
  const queue = optionalCount(fields, 'max_concurrency_queue', 0);
  if (queue !== undefined) extra.max_concurrency_queue = queue;
  return { extra, warnings };
}

function optionalString(fields: Record<string, unknown>, key: string): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`jobtype_extra.${key}`, 'must be a non-empty string');
  return value;
}

/** The original writes these as digit strings; accept numbers too. */
function optionalCount(fields: Record<string, unknown>, key: string, minimum: number): number | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d+$/.test(text.trim()) || Number(text) < minimum) {
    throw invalid(`jobtype_extra.${key}`, `must be a whole number >= ${minimum}, got ${JSON.stringify(value)}`);
  }
  return Number(text);
}

function checkRelativePath(value: string): string {
  const parts = value.split(/[\\/]/);
  if (value.startsWith('/') || parts.includes('..')) {
    throw invalid('jobtype_extra.entrypoint_path', `"${value}" must be a path inside the job directory, e.g. job.ts`);
  }
  return value;
}

function invalid(field: string, message: string): RacetrackError {
  return new RacetrackError('MANIFEST_INVALID', `${field} ${message}`, { details: { field } });
}
