/** @module The built-in `python3` job type: a Python class with `perform`, served by the stdlib-only racetrack_job_wrapper. */
import { execFileSync } from 'node:child_process';
import type { JobType } from '../core/job-type.ts';
import { buildPythonJob } from './build.ts';
import { resolvePython3Config, type Python3Config } from './config.ts';
import { readPythonExtra } from './validate.ts';
import { wrapperHash } from './wrapper-files.ts';

export { resolvePython3Config, type Python3Config } from './config.ts';
/** Copies racetrack_job_wrapper with its Swagger UI assets into a directory (e.g. a container build context). */
export { installWrapper as copyPythonWrapper } from './build.ts';

/** Version of the python3 job type itself (recorded as `job_type_version` = `python3:<version>`). */
export const python3JobTypeVersion = '0.1.0';

/** A python3 job type using the given interpreter settings. */
export function createPython3JobType(config: Python3Config): JobType {
  return {
    name: 'python3',
    version: python3JobTypeVersion,
    validate: (manifest) => readPythonExtra(manifest).warnings,
    // Requirements are part of the hashed job files; the interpreter and the wrapper are not.
    cacheKeyExtras: (manifest) => {
      const version = readPythonExtra(manifest).extra.python_version ?? '';
      const python = version ? `python${version}` : config.python;
      return [`python=${config.python}`, `python_version=${version}`, `interpreter=${interpreterVersion(python, config)}`, `wrapper=${wrapperHash()}`];
    },
    buildLocal: (context) => buildPythonJob(context, config),
  };
}

const interpreterVersions = new Map<string, string>();

/** `sys.version` of an interpreter (remembered per process), so an upgraded Python invalidates cached builds. */
function interpreterVersion(python: string, config: Python3Config): string {
  let version = interpreterVersions.get(python);
  if (version === undefined) {
    try {
      version = execFileSync(python, ['-c', 'import sys; print(sys.version)'], { env: config.toolEnv, encoding: 'utf8', timeout: 10_000 }).trim();
    } catch {
      version = 'unavailable'; // the build itself reports the missing interpreter with a fix
    }
    interpreterVersions.set(python, version);
  }
  return version;
}

/** The `python3` job type configured from the environment (RACETRACK_PYTHON, pip settings). */
export const python3JobType: JobType = createPython3JobType(resolvePython3Config(process.env));
