#!/usr/bin/env node
/**
 * @module The installed `racetrack` command. Plain JavaScript on purpose: whatever `node` is first on
 * PATH can run it (an old one cannot load TypeScript), and it hands over to src/bin.ts on Node 24+.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const major = Number(process.versions.node.split('.')[0]);

function pinnedNode() {
  const repoBin = join(dirname(entry), '..', '..', '..', 'node_modules', '.bin', 'node');
  if (existsSync(repoBin)) return repoBin;
  try {
    const binary = join(dirname(createRequire(import.meta.url).resolve('node/package.json')), 'bin', 'node');
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

if (major >= 24) {
  await import(entry);
} else {
  const node = pinnedNode();
  if (!node) {
    process.stderr.write(`error: racetrack needs Node 24+ (this is ${process.version}); run "npm install" in the repository\n`);
    process.exit(1);
  }
  const result = spawnSync(node, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
