/** @module Deep merge of manifest overlays (`extends`) and `-e key=value` overrides. */
import { RacetrackError } from '@racetrack/core';
import { parse } from 'yaml';
import { isRecord } from '../validate/rules.ts';

/** Overlay wins: mappings merge recursively, every other value (lists too) replaces the base's. */
export function deepMerge(base: Record<string, unknown>, overlay: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const current = result[key];
    result[key] = isRecord(current) && isRecord(value) ? deepMerge(current, value) : value;
  }
  return result;
}

/** Splits `a.b.c=value` into its key path and YAML-parsed value. */
export function parseOverride(override: string): { path: string[]; value: unknown } {
  const separator = override.indexOf('=');
  const key = separator < 0 ? '' : override.slice(0, separator).trim();
  const path = key.split('.');
  if (separator < 0 || path.some((part) => part === '')) {
    throw new RacetrackError('MANIFEST_INVALID', `override "${override}" must look like KEY=VALUE, KEY may be dotted (git.branch=main)`);
  }
  const text = override.slice(separator + 1);
  let value: unknown;
  try {
    value = text.trim() === '' ? '' : parse(text);
  } catch (error) {
    throw new RacetrackError('MANIFEST_INVALID', `override "${key}": value is not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  return { path, value };
}

/**
 * Applies `-e KEY=VALUE` overrides (dotted keys, YAML values) to a manifest mapping; returns a new mapping.
 * @example applyOverrides({ git: { remote: 'https://x' } }, ['git.branch=dev', 'replicas=2'])
 */
export function applyOverrides(manifest: Record<string, unknown>, overrides: readonly string[]): Record<string, unknown> {
  let result = manifest;
  for (const override of overrides) {
    const { path, value } = parseOverride(override);
    let patch: Record<string, unknown> = { [path[path.length - 1] as string]: value };
    for (let index = path.length - 2; index >= 0; index -= 1) patch = { [path[index] as string]: patch };
    assertMappingsOnPath(result, path, override);
    result = deepMerge(result, patch);
  }
  return result;
}

function assertMappingsOnPath(manifest: Record<string, unknown>, path: string[], override: string): void {
  let node: unknown = manifest;
  for (const [index, part] of path.slice(0, -1).entries()) {
    node = (node as Record<string, unknown>)[part];
    if (node === undefined || node === null) return;
    if (!isRecord(node)) {
      const prefix = path.slice(0, index + 1).join('.');
      throw new RacetrackError('MANIFEST_INVALID', `override "${override}": ${prefix} is not a mapping, so it has no field ${path[index + 1]}`);
    }
  }
}
