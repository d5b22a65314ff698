/** @module validateManifest: one validator for CLI and server, reporting every problem with its field path. */
import { Ajv, type ErrorObject } from 'ajv';
import { mapLegacyFields } from '../legacy/index.ts';
import { manifestDefaults, manifestJsonSchema, type Manifest } from '../schema/index.ts';
import { joinPath, manifestInvalid, showValue, type ManifestProblem } from './problems.ts';
import { checkRules, isRecord } from './rules.ts';

const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true });
const validateSchema = ajv.compile(manifestJsonSchema);

/** Validation outcome: the normalised manifest and warnings (deprecated fields) to show the user. */
export interface ValidatedManifest {
  manifest: Manifest;
  warnings: string[];
}

/**
 * Validates a manifest mapping (already merged with its base and overrides), maps legacy fields,
 * applies defaults. Throws RacetrackError('MANIFEST_INVALID') listing ALL problems.
 * @example validateManifest({ name: 'adder', owner_email: 'a@b.c', jobtype: 'node:latest', git: { remote: 'https://x/y' } })
 */
export function validateManifest(raw: unknown, options: { source?: string } = {}): ValidatedManifest {
  if (!isRecord(raw)) {
    throw manifestInvalid([{ path: '(manifest)', message: `must be a mapping of manifest fields, got ${showValue(raw)}` }], options.source);
  }
  const legacy = mapLegacyFields(withoutNulls(raw));
  const fields = legacy.fields;
  const problems: ManifestProblem[] = [...legacy.problems];
  if (!validateSchema(fields)) problems.push(...describeSchemaErrors(validateSchema.errors ?? []));
  problems.push(...checkRules(fields));
  if (problems.length > 0) throw manifestInvalid(dedupe(problems), options.source);
  return { manifest: normalise(fields), warnings: legacy.warnings };
}

// Clients built on the original's models send every optional field, null when unset.
function withoutNulls(raw: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === null || value === undefined) continue;
    result[key] = (key === 'git' || key === 'resources') && isRecord(value) ? withoutNulls(value) : value;
  }
  return result;
}

function describeSchemaErrors(errors: readonly ErrorObject[]): ManifestProblem[] {
  return errors.map((error) => {
    const segments = error.instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
    const pathSegments = segments.map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    const parent = error.parentSchema as { description?: string; properties?: Record<string, { description?: string }> } | undefined;
    if (error.keyword === 'additionalProperties') {
      const key = String(error.params['additionalProperty']);
      const known = parent?.properties ? Object.keys(parent.properties) : [];
      const hint = known.length > 0 ? ` (known fields: ${known.join(', ')})` : '';
      return { path: joinPath([...pathSegments, key]), message: `unknown field${hint}` };
    }
    if (error.keyword === 'required') {
      const key = String(error.params['missingProperty']);
      const expected = parent?.properties?.[key]?.description;
      return { path: joinPath([...pathSegments, key]), message: `is required${expected ? `: ${expected}` : ''}` };
    }
    const expected = parent?.description ?? error.message ?? 'valid';
    return { path: joinPath(pathSegments), message: `must be ${expected}, got ${showValue(error.data)}` };
  });
}

// Ajv may report one field several times (type, then minimum...): keep the first message per path.
function dedupe(problems: ManifestProblem[]): ManifestProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = problem.message.startsWith('must be') ? `${problem.path}\u0000must` : `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function normalise(fields: Record<string, unknown>): Manifest {
  const copy = structuredClone(fields);
  delete copy['extends'];
  const git = copy['git'] as Record<string, unknown>;
  git['directory'] ??= manifestDefaults.gitDirectory;
  copy['version'] ??= manifestDefaults.version;
  copy['image_type'] ??= manifestDefaults.image_type;
  copy['replicas'] ??= manifestDefaults.replicas;
  for (const key of ['build_env', 'runtime_env', 'resources']) {
    const map = copy[key];
    if (isRecord(map)) copy[key] = Object.fromEntries(Object.entries(map).map(([name, value]) => [name, String(value)]));
  }
  // Schema order reads best in `racetrack validate` output and stored manifest_yaml.
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(manifestJsonSchema.properties)) if (copy[key] !== undefined) ordered[key] = copy[key];
  return ordered as unknown as Manifest;
}
