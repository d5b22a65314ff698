/** @module Settings of the python3 job type, read once from the environment (defaults here). */
import { homedir } from 'node:os';
import path from 'node:path';

/** Where the python3 job type finds its interpreter and which host variables pip may see. */
export interface Python3Config {
  /** Interpreter used when the manifest asks for no python_version (RACETRACK_PYTHON, default `python3` on PATH). */
  python: string;
  /** Host variables passed to python/pip at build time: PATH, HOME, pip's own settings, proxies and CA bundles. */
  toolEnv: Record<string, string>;
  /** Shared, long-lived directory of venvs keyed by requirements hash (RACETRACK_PYTHON_VENV_CACHE). */
  venvCacheDir: string;
}

const passedThrough = /^(PATH|HOME|TMPDIR|LANG|LC_ALL|PIP_.+|UV_.+|SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY)$/;

/** The python3 job type's configuration from `env` (normally process.env) and explicit overrides. */
export function resolvePython3Config(env: Record<string, string | undefined>, overrides: Partial<Python3Config> = {}): Python3Config {
  const toolEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && passedThrough.test(key)) toolEnv[key] = value;
  }
  const home = env['HOME'] || homedir();
  return {
    python: env['RACETRACK_PYTHON'] || 'python3',
    toolEnv,
    // Not under the build workspace: the builder moves workspaces and deletes its scratch space, venvs must outlive both.
    venvCacheDir: env['RACETRACK_PYTHON_VENV_CACHE'] || path.join(env['XDG_CACHE_HOME'] || path.join(home, '.cache'), 'racetrack', 'python-venvs'),
    ...overrides,
  };
}
