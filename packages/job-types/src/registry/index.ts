/** @module Resolves `name:version` job-type references (`node:latest`, `node:0.1.*`) against the installed job types. */
import semver from 'semver';
import { RacetrackError } from '@racetrack/core';
import type { JobType } from '../core/job-type.ts';

/** The installed job types, looked up by the manifest's `jobtype` string. */
export interface JobTypeRegistry {
  /** The job type a `name:version` reference means; throws RacetrackError('JOB_TYPE_UNKNOWN') naming the known ones. */
  resolve(reference: string): JobType;
  /** Every installed job type, sorted by name then version (highest first). */
  list(): JobType[];
}

/**
 * A registry over a fixed set of job types.
 * @example createJobTypeRegistry(builtinJobTypes()).resolve('node:latest').version // '0.1.0'
 */
export function createJobTypeRegistry(types: readonly JobType[]): JobTypeRegistry {
  const sorted = [...types].sort((a, b) => a.name.localeCompare(b.name) || compareVersionsDesc(a.version, b.version));
  return {
    resolve(reference) {
      const { name, version } = splitReference(reference, sorted);
      const candidates = sorted.filter((t) => t.name === name);
      const match = pickVersion(version, candidates);
      if (match) return match;
      throw unknown(reference, sorted, candidates.length > 0 ? `job type "${name}" has no version matching "${version}"` : `job type "${name}" is not installed`);
    },
    list: () => [...sorted],
  };
}

function splitReference(reference: string, known: readonly JobType[]): { name: string; version: string } {
  const colon = reference.indexOf(':');
  if (colon <= 0 || colon === reference.length - 1) {
    throw unknown(reference, known, `"${reference}" is not a job type reference; write it as name:version, e.g. node:latest`);
  }
  return { name: reference.slice(0, colon), version: reference.slice(colon + 1) };
}

/** `latest` = highest version; `*` (and a whole `x` segment) match any text, pre-releases allowed (spec 2.3). */
function pickVersion(requested: string, candidates: readonly JobType[]): JobType | undefined {
  if (requested === 'latest') return candidates[0];
  const exact = candidates.find((t) => t.version === requested);
  if (exact) return exact;
  if (!requested.includes('*') && !requested.split('.').includes('x')) return undefined;
  const pattern = new RegExp(`^${wildcardToRegex(requested)}$`);
  // candidates are already sorted highest first, so the first match is the highest.
  return candidates.find((t) => pattern.test(t.version));
}

function wildcardToRegex(requested: string): string {
  return requested
    .split('.')
    .map((segment) => (segment === 'x' ? '.*' : segment.split('*').map(escapeRegex).join('.*')))
    .join('\\.');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compareVersionsDesc(a: string, b: string): number {
  const va = semver.coerce(a, { includePrerelease: true });
  const vb = semver.coerce(b, { includePrerelease: true });
  if (va && vb) {
    const byCore = semver.rcompare(va, vb);
    if (byCore !== 0) return byCore;
  }
  return b.localeCompare(a);
}

function unknown(reference: string, known: readonly JobType[], reason: string): RacetrackError {
  const names = known.map((t) => `${t.name}:${t.version}`);
  return new RacetrackError('JOB_TYPE_UNKNOWN', `${reason} (jobtype "${reference}"); installed job types: ${names.join(', ') || 'none'}`, {
    details: { known: names },
  });
}
