/** @module The shared Docker Engine of the test suites: started by the project's script, with the offline base images. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../paths.ts';

const run = promisify(execFile);
const scripts = join(repoRoot, 'scripts/base-images');

/**
 * Starts dockerd through scripts/base-images/start-dockerd.sh and builds the base images with build.sh (both
 * idempotent and serialised between test files). Returns why Docker tests must be skipped, only when no engine
 * can start here (no dockerd binary, not root, the daemon refuses); a failing base image build throws.
 */
export async function prepareDockerEngine(): Promise<string | undefined> {
  try {
    await run(join(scripts, 'start-dockerd.sh'), [], { timeout: 90_000 });
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`.trim();
    return `no Docker Engine can start here: ${output || (error as Error).message}`;
  }
  await run(join(scripts, 'build.sh'), [], { timeout: 600_000 });
  return undefined;
}
