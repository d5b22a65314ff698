/**
 * @module Makes a job's TypeScript runnable by Node's type stripping: files using syntax Node cannot
 * strip (enums, namespaces, parameter properties) are transpiled in place at build time.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { stripTypeScriptTypes } from 'node:module';
import path from 'node:path';
import type { BuildLog } from '../core/job-type.ts';

/** Rewrites every `.ts`/`.mts` file under `dir` (outside node_modules) that type stripping rejects. */
export async function transpileUnstrippable(dir: string, log: BuildLog): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = entries
    .filter((e) => e.isFile() && /\.m?ts$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => !path.relative(dir, file).split(path.sep).includes('node_modules'));
  let rewritten = 0;
  for (const file of files) {
    const source = await readFile(file, 'utf8');
    if (canStrip(source)) continue;
    // typescript is heavy (~1 s to load): only pay for it when a file needs it.
    const ts = (await import('typescript')).default;
    const output = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    });
    await writeFile(file, output.outputText);
    log(`transpiled ${path.relative(dir, file)} (uses TypeScript syntax Node cannot strip)`);
    rewritten += 1;
  }
  return rewritten;
}

/** Syntax Node cannot strip always contains one of these words; files without them skip the (experimental, warning-printing) check. */
const suspectSyntax = /\b(enum|namespace|module|declare)\b|\bconstructor\s*\(|\bimport\s+\w+\s*=|\bexport\s*=/;

function canStrip(source: string): boolean {
  if (!suspectSyntax.test(source)) return true;
  try {
    stripTypeScriptTypes(source, { mode: 'strip' });
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX') return false;
    // A real syntax error: leave the file alone so the job fails at start with Node's own message.
    return true;
  }
}
