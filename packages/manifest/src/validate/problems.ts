/** @module Validation problems (field path + what was expected) and the one error that carries them all. */
import { RacetrackError } from '@racetrack/core';

/** One thing wrong with a manifest, located by its field path (`git.remote`, `public_endpoints[1]`). */
export interface ManifestProblem {
  path: string;
  message: string;
}

/** Renders a value the way error messages quote it: JSON, shortened. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text;
}

/** Joins path segments: keys with dots, list indexes in brackets. */
export function joinPath(segments: readonly (string | number)[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += path === '' ? segment : `.${segment}`;
  }
  return path === '' ? '(manifest)' : path;
}

/** `path: message` as shown to users. */
export function formatProblem(problem: ManifestProblem): string {
  return `${problem.path}: ${problem.message}`;
}

/** The MANIFEST_INVALID error listing every problem (one line; the list is also in `details.problems`). */
export function manifestInvalid(problems: readonly ManifestProblem[], source?: string): RacetrackError {
  const lines = problems.map(formatProblem);
  const where = source ? ` ${source}` : '';
  const count = problems.length === 1 ? '' : ` (${problems.length} problems)`;
  return new RacetrackError('MANIFEST_INVALID', `invalid manifest${where}${count}: ${lines.join('; ')}`, {
    details: { problems: lines },
  });
}
