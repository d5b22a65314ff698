/** @module Maps legacy manifest fields (`lang`, `python`, `golang`, `wrapper_properties`, `docker`) to today's, with warnings. */
import type { ManifestProblem } from '../validate/problems.ts';

/** What legacy mapping produced: the updated fields, warnings to show, and conflicts found. */
export interface LegacyMapping {
  fields: Record<string, unknown>;
  warnings: string[];
  problems: ManifestProblem[];
}

const extraPredecessors = ['python', 'golang', 'wrapper_properties'] as const;

/** Rewrites legacy fields into `jobtype` / `jobtype_extra`; input must already have null fields removed. */
export function mapLegacyFields(input: Record<string, unknown>): LegacyMapping {
  const fields = { ...input };
  const warnings: string[] = [];
  const problems: ManifestProblem[] = [];

  if ('lang' in fields) {
    if ('jobtype' in fields) {
      problems.push({ path: 'lang', message: 'is the deprecated name of jobtype; remove it, jobtype is already set' });
    } else {
      fields['jobtype'] = fields['lang'];
      warnings.push('field "lang" is deprecated: rename it to "jobtype"');
    }
    delete fields['lang'];
  }

  // The original takes the first non-null predecessor; the others are ignored (we warn about them).
  const present = extraPredecessors.filter((key) => key in fields);
  const hasExtra = 'jobtype_extra' in fields;
  for (const [index, key] of present.entries()) {
    if (hasExtra) {
      problems.push({ path: key, message: 'is the deprecated name of jobtype_extra and cannot be combined with it; move its settings under jobtype_extra' });
    } else if (index === 0) {
      fields['jobtype_extra'] = fields[key];
      warnings.push(`field "${key}" is deprecated: rename it to "jobtype_extra"`);
    } else {
      warnings.push(`field "${key}" is ignored because "${present[0]}" is already set; use "jobtype_extra" only`);
    }
  }
  for (const key of present) delete fields[key];

  if ('docker' in fields) mapDockerSection(fields, warnings, problems);
  return { fields, warnings, problems };
}

function mapDockerSection(fields: Record<string, unknown>, warnings: string[], problems: ManifestProblem[]): void {
  const docker = fields['docker'];
  delete fields['docker'];
  if (docker === null || typeof docker !== 'object' || Array.isArray(docker)) {
    problems.push({ path: 'docker', message: 'must be a mapping with dockerfile_path (deprecated: use jobtype_extra.dockerfile_path)' });
    return;
  }
  for (const key of Object.keys(docker)) {
    if (key !== 'dockerfile_path') problems.push({ path: `docker.${key}`, message: 'unknown field (docker accepts only dockerfile_path)' });
  }
  const path = (docker as Record<string, unknown>)['dockerfile_path'];
  if (path === undefined || path === null) return;
  const extra = fields['jobtype_extra'];
  if (extra !== undefined && (extra === null || typeof extra !== 'object' || Array.isArray(extra))) return;
  const extraFields = { ...(extra as Record<string, unknown> | undefined) };
  if (!('dockerfile_path' in extraFields)) extraFields['dockerfile_path'] = path;
  fields['jobtype_extra'] = extraFields;
  warnings.push('field "docker.dockerfile_path" is deprecated: use "jobtype_extra.dockerfile_path"');
}
