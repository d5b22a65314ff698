/**
 * @module extractJobSchema: reads an entrypoint file (`.ts`, or `.js` with JSDoc) with the TypeScript
 * checker and returns the JSON schemas of `perform` and every other public method. Build-time only.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { RacetrackError } from '@racetrack/core';
import type { JobSchema } from '@racetrack/job-runner';
import { findEntrypointClass } from './entrypoint-class.ts';
import { readMethods } from './methods.ts';

/** Options of extractJobSchema. */
export interface ExtractOptions {
  /** The exported class to use (`jobtype_extra.entrypoint_class`); default: the default export or the only class. */
  className?: string;
}

const compilerOptions: ts.CompilerOptions = {
  allowJs: true,
  checkJs: false,
  noEmit: true,
  strict: true,
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  allowImportingTsExtensions: true,
  skipLibCheck: true,
  // Only the ES library: loading @types/* of the job's tree would cost seconds and decide nothing here.
  lib: ['lib.es2023.d.ts'],
  types: [],
};

// Same file content and options give the same schema: repeated calls (tests, watch mode) cost a hash.
const cache = new Map<string, Promise<JobSchema>>();

/** Extracts the job schema of the entrypoint class in `entrypointPath`; cached by content hash in memory. */
export async function extractJobSchema(entrypointPath: string, options: ExtractOptions = {}): Promise<JobSchema> {
  const absolute = path.resolve(entrypointPath);
  let content: string;
  try {
    content = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new RacetrackError('BAD_REQUEST', `entrypoint file ${absolute} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  const key = createHash('sha256').update(absolute).update('\0').update(options.className ?? '').update('\0').update(content).digest('hex');
  let pending = cache.get(key);
  if (!pending) {
    pending = Promise.resolve().then(() => extractNow(absolute, options.className));
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

function extractNow(absolute: string, className: string | undefined): JobSchema {
  const program = ts.createProgram({ rootNames: [absolute], options: compilerOptions });
  const sourceFile = program.getSourceFile(absolute);
  if (!sourceFile) throw new RacetrackError('BAD_REQUEST', `entrypoint file ${absolute} is not TypeScript or JavaScript`);
  const checker = program.getTypeChecker();
  const entrypoint = findEntrypointClass(checker, sourceFile, className);
  const methods = readMethods(checker, entrypoint.symbol, entrypoint.declaration);
  if (!methods['perform']) {
    throw new RacetrackError('BAD_REQUEST', `class ${entrypoint.className} in ${absolute} has no public perform(...) method`);
  }
  return { schemaVersion: 1, className: entrypoint.className, exportName: entrypoint.exportName, methods };
}

/** Extracts the schema and writes it as JSON to `outFile` (the runner's `--schema` input); returns it. */
export async function writeJobSchema(entrypointPath: string, outFile: string, options: ExtractOptions = {}): Promise<JobSchema> {
  const schema = await extractJobSchema(entrypointPath, options);
  await mkdir(path.dirname(path.resolve(outFile)), { recursive: true });
  await writeFile(outFile, `${JSON.stringify(schema, null, 2)}\n`);
  return schema;
}
