/** @module Virtual environments for job requirements, shared between builds by the hash of interpreter and requirements. */
import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BuildLog } from '../core/job-type.ts';
import { runLogged } from './run.ts';

/** What decides a venv's content. */
export interface VenvRequest {
  /** Interpreter the venv is created from. */
  python: string;
  /** `sys.version` of that interpreter (part of the cache key). */
  pythonVersion: string;
  /** Absolute path of requirements.txt. */
  requirementsFile: string;
  requirementsText: string;
  checkRequirements: boolean;
  /** Directory holding one venv per hash. */
  cacheDir: string;
  /** Environment for python/pip (host tool variables plus build_env). */
  env: Record<string, string>;
  noCache: boolean;
  log: BuildLog;
}

const readyMarker = '.racetrack-venv-ready';

/** The cache key of a venv: interpreter version, requirements text and whether `pip check` ran. */
export function venvHash(pythonVersion: string, requirementsText: string, checkRequirements: boolean): string {
  return createHash('sha256').update(`${pythonVersion}\n${checkRequirements}\n${requirementsText}`).digest('hex').slice(0, 16);
}

/** Returns the venv directory, creating it (venv + pip install) unless a finished one with the same hash exists. */
export async function ensureVenv(request: VenvRequest): Promise<string> {
  const { log } = request;
  const hash = venvHash(request.pythonVersion, request.requirementsText, request.checkRequirements);
  // With --no-cache a fresh venv gets its own name: the cached one may be in use by running jobs.
  const finalDir = path.join(request.cacheDir, request.noCache ? `${hash}-${randomBytes(4).toString('hex')}` : hash);
  if (!request.noCache && (await exists(path.join(finalDir, readyMarker)))) {
    log(`reusing Python virtual environment ${hash} (same interpreter and requirements)`);
    return finalDir;
  }
  // Built under a temporary name and renamed when complete: concurrent builds never see half a venv.
  const tempDir = `${finalDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const options = { cwd: request.cacheDir, env: request.env, log };
  await mkdir(request.cacheDir, { recursive: true });
  try {
    log(`creating Python virtual environment ${path.basename(finalDir)} with ${request.python}`);
    await runLogged(request.python, ['-m', 'venv', tempDir], options);
    const venvPython = path.join(tempDir, 'bin', 'python');
    log(`$ pip install -r ${path.basename(request.requirementsFile)}`);
    await runLogged(venvPython, ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', '--progress-bar', 'off',
      '-r', request.requirementsFile], options);
    if (request.checkRequirements) {
      log('$ pip check');
      await runLogged(venvPython, ['-m', 'pip', 'check'], options);
    }
    await writeFile(path.join(tempDir, readyMarker), `${request.pythonVersion}\n${request.requirementsText}`);
    await rename(tempDir, finalDir).catch(async (error: NodeJS.ErrnoException) => {
      // A concurrent build finished the same venv first: use that one.
      if (!['ENOTEMPTY', 'EEXIST'].includes(error.code ?? '')) throw error;
      await rm(tempDir, { recursive: true, force: true });
    });
    return finalDir;
  } catch (error) {
    await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}
