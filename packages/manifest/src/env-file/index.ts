/** @module `.env` secret files (spec section 3): parsing, and reading the ones a manifest names. */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { RacetrackError } from '@racetrack/core';
import type { Manifest } from '../schema/index.ts';

const linePattern = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

/**
 * Parses `.env` text: `KEY = value`, `KEY="value"`, `KEY='value'`, `# comments`, blank lines,
 * an optional `export ` prefix; ` # comment` after an unquoted value is dropped.
 * @example parseEnvFile('A = 1\nB="two"') // { A: '1', B: 'two' }
 */
export function parseEnvFile(text: string, source = '.env file'): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [index, rawLine] of text.split(/\r?\n/).entries()) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = linePattern.exec(line);
    if (!match) {
      throw new RacetrackError('MANIFEST_INVALID', `${source} line ${index + 1}: expected KEY=VALUE, got ${JSON.stringify(rawLine)}`);
    }
    result[match[1] as string] = unquote(match[2] as string);
  }
  return result;
}

function unquote(value: string): string {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.length >= 2) {
    const end = value.lastIndexOf(quote);
    if (end > 0) {
      const inner = value.slice(1, end);
      return quote === '"' ? inner.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\') : inner;
    }
  }
  return value.replace(/\s+#.*$/, '');
}

/** Secret variables sent with a deployment (`secret_vars` of the deploy payload). */
export interface SecretVars {
  build_env: Record<string, string>;
  runtime_env: Record<string, string>;
}

/** Reads the manifest's `secret_build_env_file` / `secret_runtime_env_file`, relative to the job directory. */
export async function readSecretVars(jobDir: string, manifest: Pick<Manifest, 'secret_build_env_file' | 'secret_runtime_env_file'>): Promise<SecretVars> {
  return {
    build_env: await readEnvFileField(jobDir, 'secret_build_env_file', manifest.secret_build_env_file),
    runtime_env: await readEnvFileField(jobDir, 'secret_runtime_env_file', manifest.secret_runtime_env_file),
  };
}

async function readEnvFileField(jobDir: string, field: string, path: string | undefined): Promise<Record<string, string>> {
  if (path === undefined) return {};
  const fullPath = isAbsolute(path) ? path : resolve(jobDir, path);
  let text: string;
  try {
    text = await readFile(fullPath, 'utf8');
  } catch (error) {
    throw new RacetrackError('MANIFEST_INVALID', `${field}: cannot read secret file ${fullPath} (${(error as NodeJS.ErrnoException).code ?? 'error'}); create it or remove the field`, { cause: error });
  }
  return parseEnvFile(text, `${field} (${path})`);
}
