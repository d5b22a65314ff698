/** @module Where the Python wrapper's source and the Swagger UI assets it serves come from, and their content hash. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The stdlib-only wrapper package kept in the repo at job-types/python3/racetrack_job_wrapper. */
export const wrapperPackageDir = fileURLToPath(new URL('../../../../job-types/python3/racetrack_job_wrapper', import.meta.url));

/** Swagger UI files copied next to the wrapper; no CDN is reachable from a job. */
export const swaggerAssets = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png', 'favicon-16x16.png'];

/** The swagger-ui-dist files that @fastify/swagger-ui ships in its static/ directory. */
export function swaggerAssetsDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@fastify/swagger-ui/package.json')), 'static');
}

let cachedHash: string | undefined;

/** Hash of the wrapper's .py files, so a changed wrapper invalidates cached builds. */
export function wrapperHash(): string {
  if (cachedHash) return cachedHash;
  const hash = createHash('sha256');
  for (const name of readdirSync(wrapperPackageDir).filter((n) => n.endsWith('.py')).sort()) {
    hash.update(name).update(readFileSync(path.join(wrapperPackageDir, name)));
  }
  cachedHash = hash.digest('hex').slice(0, 16);
  return cachedHash;
}
