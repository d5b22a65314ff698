/** @module Finding the project's pinned Node 24 when the CLI was started by an older `node` on PATH. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Lowest Node major the CLI runs on (type stripping and the libraries it uses). */
export const requiredNodeMajor = 24;

/** Path of the pinned Node binary: `<repo>/node_modules/.bin/node`, else the `node` package's binary. */
export function findPinnedNode(fromUrl: string = import.meta.url): string | undefined {
  const repoBin = join(dirname(fileURLToPath(fromUrl)), '..', '..', '..', 'node_modules', '.bin', 'node');
  if (existsSync(repoBin)) return repoBin;
  try {
    const packageJson = createRequire(fromUrl).resolve('node/package.json');
    const binary = join(dirname(packageJson), 'bin', 'node');
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}
