/** @module Loading job.yaml (or legacy fatman.yaml) from a job directory: extends, overrides, validation. */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { isRacetrackError, RacetrackError } from '@racetrack/core';
import { stringify } from 'yaml';
import { applyOverrides, deepMerge } from '../merge/index.ts';
import type { Manifest } from '../schema/index.ts';
import { validateManifest } from '../validate/index.ts';
import { manifestInvalid, type ManifestProblem } from '../validate/problems.ts';
import { parseManifestYaml, type ParsedManifestYaml } from './yaml.ts';

/** File names looked up in a job directory, in order; the second is legacy. */
export const manifestFileNames = ['job.yaml', 'fatman.yaml'] as const;

/** A loaded manifest: validated result, warnings, the file it came from and the final manifest as YAML. */
export interface LoadedManifest {
  manifest: Manifest;
  warnings: string[];
  path: string;
  yaml: string;
}

/** Options for loading: `-e KEY=VALUE` overrides applied after `extends`. */
export interface LoadOptions {
  overrides?: string[];
}

/**
 * Loads, merges (`extends`), overrides and validates the manifest of a job directory
 * (or of a manifest file path). Throws RacetrackError('MANIFEST_INVALID') naming every problem.
 * @example const { manifest, warnings } = await loadManifestFile('sample/adder', { overrides: ['replicas=2'] })
 */
export async function loadManifestFile(jobDir: string, options: LoadOptions = {}): Promise<LoadedManifest> {
  const { path, warnings } = await findManifestFile(jobDir);
  const text = await readFile(path, 'utf8');
  const result = await parseManifestText(text, { source: basename(path), baseDir: dirname(path), overrides: options.overrides });
  return { ...result, warnings: [...warnings, ...result.warnings], path };
}

/** Validates manifest YAML text (a file's content or piped stdin); `baseDir` resolves `extends`. */
export async function parseManifestText(text: string, options: { source?: string; baseDir: string; overrides?: string[] | undefined }): Promise<Omit<LoadedManifest, 'path'>> {
  const source = options.source ?? 'manifest';
  const parsed = parseManifestYaml(text, source);
  let fields = parsed.fields;
  const extendsPath = fields['extends'];
  if (extendsPath !== undefined && extendsPath !== null) {
    if (typeof extendsPath !== 'string') throw manifestInvalid([{ path: 'extends', message: 'must be a relative path to a base manifest' }], source);
    fields = deepMerge(await loadBase(options.baseDir, extendsPath), { ...fields, extends: undefined });
    delete fields['extends'];
  }
  fields = applyOverrides(fields, options.overrides ?? []);
  try {
    const { manifest, warnings } = validateManifest(fields, { source });
    return { manifest, warnings, yaml: stringify(manifest) };
  } catch (error) {
    throw withLines(error, parsed, source);
  }
}

async function findManifestFile(jobDir: string): Promise<{ path: string; warnings: string[] }> {
  const info = await stat(jobDir).catch(() => undefined);
  if (!info) throw new RacetrackError('MANIFEST_INVALID', `job directory ${resolve(jobDir)} does not exist`);
  if (info.isFile()) return { path: resolve(jobDir), warnings: legacyNameWarnings(jobDir) };
  for (const name of manifestFileNames) {
    const path = resolve(join(jobDir, name));
    if (await stat(path).then((s) => s.isFile()).catch(() => false)) return { path, warnings: legacyNameWarnings(path) };
  }
  throw new RacetrackError('MANIFEST_INVALID', `no job.yaml found in ${resolve(jobDir)}: create one (see docs) or pass the job directory`);
}

function legacyNameWarnings(path: string): string[] {
  return basename(path) === 'fatman.yaml' ? ['manifest file name "fatman.yaml" is deprecated: rename it to "job.yaml"'] : [];
}

async function loadBase(baseDir: string, extendsPath: string): Promise<Record<string, unknown>> {
  const path = resolve(baseDir, extendsPath);
  const source = relative(process.cwd(), path) || path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new RacetrackError('MANIFEST_INVALID', `extends: cannot read base manifest ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  const base = parseManifestYaml(text, source).fields;
  if (base['extends'] !== undefined && base['extends'] !== null) {
    throw new RacetrackError('MANIFEST_INVALID', `extends: base manifest ${source} must not itself use extends (only one level is allowed)`);
  }
  return base;
}

// Adds "(line N)" to problems whose field is written in the job's own file.
function withLines(error: unknown, parsed: ParsedManifestYaml, source: string): unknown {
  if (!isRacetrackError(error) || error.code !== 'MANIFEST_INVALID') return error;
  const problems = (error.details?.['problems'] as string[] | undefined) ?? [];
  const located: ManifestProblem[] = problems.map((line) => {
    const separator = line.indexOf(': ');
    const path = line.slice(0, separator);
    const where = parsed.locate(path);
    return { path: where ? `${path} (${where})` : path, message: line.slice(separator + 2) };
  });
  return located.length > 0 ? manifestInvalid(located, source) : error;
}
