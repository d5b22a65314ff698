/** @module Import-direction rules of docs/architecture.md, checked over every package's source. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const packagesDir = join(repoRoot, 'packages');

/** Which of our packages each package may import; a package not listed may import any. */
const allowedImports: Record<string, readonly string[]> = {
  core: [],
  manifest: ['core'],
  'job-runner': ['core'],
  // signature writes the schema format the runner reads, and its by-hand bin starts the runner.
  signature: ['core', 'job-runner'],
  client: ['core'],
  pub: ['core', 'client'],
  infra: ['core', 'manifest'],
  supervisor: ['core', 'db', 'infra'],
};

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name))
    .filter((path) => !path.includes('node_modules') && !path.includes('/fixtures/'));
}

function importedPackages(source: string): string[] {
  const found = new Set<string>();
  for (const match of source.matchAll(/(?:from\s+|import\s*\(\s*)['"]@racetrack\/([a-z0-9-]+)/g)) {
    if (match[1]) found.add(match[1]);
  }
  return [...found];
}

test('packages import only what the architecture allows', async () => {
  const violations: string[] = [];
  const packages = await readdir(packagesDir);
  let checkedFiles = 0;
  for (const pkg of packages) {
    const allowed = allowedImports[pkg];
    for (const file of await sourceFiles(join(packagesDir, pkg, 'src')).catch(() => [])) {
      checkedFiles += 1;
      const imports = importedPackages(await readFile(file, 'utf8'));
      for (const imported of imports) {
        if (imported === pkg) continue;
        if (imported === 'testkit') violations.push(`${relative(repoRoot, file)} imports the dev-only testkit`);
        else if (allowed && !allowed.includes(imported)) {
          violations.push(`${relative(repoRoot, file)} imports @racetrack/${imported}; ${pkg} may import only [${allowed.join(', ')}]`);
        }
      }
    }
  }
  assert.ok(checkedFiles > 0, 'no source files found to check');
  assert.deepEqual(violations, []);
});

test('no package reaches into another package\'s src/ by a relative path', async () => {
  const violations: string[] = [];
  for (const pkg of await readdir(packagesDir)) {
    for (const file of await sourceFiles(join(packagesDir, pkg, 'src')).catch(() => [])) {
      const source = await readFile(file, 'utf8');
      if (/from\s+['"](\.\.\/){2,}[a-z-]+\/src\//.test(source)) violations.push(relative(repoRoot, file));
    }
  }
  assert.deepEqual(violations, []);
});
