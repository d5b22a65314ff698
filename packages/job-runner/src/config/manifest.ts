/** @module Finds and reads the job manifest the runner needs (name, version, jobtype_extra). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { RacetrackError } from '@racetrack/core';

/** The part of `job.yaml` the runner reads; the rest is kept but ignored. */
export interface JobManifest {
  name?: string;
  version?: string;
  jobtype_extra?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Loads the manifest: an explicit path, else JOB_MANIFEST_YAML (literal `\n` unescaped, spec 7.1),
 * else `job.yaml` in the given search directories. Returns undefined when there is none.
 */
export function loadManifest(options: { path?: string; envYaml?: string; searchDirs?: string[] }): JobManifest | undefined {
  if (options.path) return parseManifest(readFileSync(options.path, 'utf8'), options.path);
  if (options.envYaml) return parseManifest(options.envYaml.replaceAll('\\n', '\n'), 'JOB_MANIFEST_YAML');
  for (const dir of options.searchDirs ?? []) {
    const candidate = path.join(dir, 'job.yaml');
    if (existsSync(candidate)) return parseManifest(readFileSync(candidate, 'utf8'), candidate);
  }
  return undefined;
}

function parseManifest(text: string, source: string): JobManifest {
  const value: unknown = parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RacetrackError('MANIFEST_INVALID', `manifest ${source} must be a YAML mapping`);
  }
  return value as JobManifest;
}
