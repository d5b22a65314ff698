/** @module Checks shared by every job type's `jobtype_extra`: errors naming the field, strings, counts, runner options. */
import { RacetrackError } from '@racetrack/core';

/** The runner options every built-in job type understands (home page and concurrency cap). */
export interface RunnerOptions {
  home_page?: string;
  max_concurrency?: number;
  max_concurrency_queue?: number;
}

/** A MANIFEST_INVALID error whose message starts with the field path. */
export function invalidExtra(field: string, message: string): RacetrackError {
  return new RacetrackError('MANIFEST_INVALID', `${field} ${message}`, { details: { field } });
}

/** `jobtype_extra[key]` as a non-empty string, or undefined when absent. */
export function optionalString(fields: Record<string, unknown>, key: string): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw invalidExtra(`jobtype_extra.${key}`, 'must be a non-empty string');
  return value;
}

/** `jobtype_extra[key]` as a whole number >= minimum; the original writes these as digit strings, numbers are accepted too. */
export function optionalCount(fields: Record<string, unknown>, key: string, minimum: number): number | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d+$/.test(text.trim()) || Number(text) < minimum) {
    throw invalidExtra(`jobtype_extra.${key}`, `must be a whole number >= ${minimum}, got ${JSON.stringify(value)}`);
  }
  return Number(text);
}

/** Reads `home_page`, `max_concurrency` (>= minimumConcurrency) and `max_concurrency_queue` (>= 0). */
export function readRunnerOptions(fields: Record<string, unknown>, minimumConcurrency: number, trim = false): RunnerOptions {
  const options: RunnerOptions = {};
  const homePage = optionalString(fields, 'home_page');
  if (homePage !== undefined) options.home_page = trim ? homePage.trim() : homePage;
  const maxConcurrency = optionalCount(fields, 'max_concurrency', minimumConcurrency);
  if (maxConcurrency !== undefined) options.max_concurrency = maxConcurrency;
  const queue = optionalCount(fields, 'max_concurrency_queue', 0);
  if (queue !== undefined) options.max_concurrency_queue = queue;
  return options;
}
