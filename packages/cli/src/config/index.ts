/** @module The CLI's resolved settings (defaults in one place, env read once) and the local config file. */
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { RacetrackError } from '@racetrack/core';
import { parse, stringify } from 'yaml';

/** Defaults of the CLI and of `racetrack server`. */
export const cliDefaults = {
  remote: 'http://127.0.0.1:7200/lifecycle',
  serverPort: 7200,
  serverHost: '127.0.0.1',
  dataDirName: '.racetrack',
  configFileName: 'config.yaml',
  deployPollMs: 500,
} as const;

/** Everything the CLI takes from its environment, resolved once at start. */
export interface CliSettings {
  configPath: string;
  server: { port: number; host: string; dataDir: string; databaseUrl: string | undefined };
  /** Output goes to a terminal: live spinner instead of plain lines. */
  isTTY: boolean;
  /** How often `deploy` asks for the deployment's state (env RACETRACK_DEPLOY_POLL_MS). */
  deployPollMs: number;
}

/** Resolves settings from the environment (`RACETRACK_CONFIG`, `RACETRACK_PORT`, `RACETRACK_DATA_DIR`, `RACETRACK_DATABASE_URL`). */
export function resolveCliSettings(env: Record<string, string | undefined>, probes: { isTTY: boolean; home?: string }): CliSettings {
  const home = probes.home ?? env['HOME'] ?? homedir();
  const port = env['RACETRACK_PORT'] ? Number(env['RACETRACK_PORT']) : cliDefaults.serverPort;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RacetrackError('BAD_REQUEST', `RACETRACK_PORT must be a port number, got "${env['RACETRACK_PORT']}"`);
  return {
    configPath: env['RACETRACK_CONFIG'] || join(home, cliDefaults.dataDirName, cliDefaults.configFileName),
    server: {
      port,
      host: cliDefaults.serverHost,
      dataDir: env['RACETRACK_DATA_DIR'] || join(home, cliDefaults.dataDirName),
      databaseUrl: env['RACETRACK_DATABASE_URL'] || undefined,
    },
    isTTY: probes.isTTY,
    deployPollMs: Number(env['RACETRACK_DEPLOY_POLL_MS']) > 0 ? Number(env['RACETRACK_DEPLOY_POLL_MS']) : cliDefaults.deployPollMs,
  };
}

/** The local config file, same keys as the original client's (spec section 4). */
export interface ClientConfig {
  lifecycle_url?: string;
  git_credentials?: Record<string, { username: string; password: string }>;
  lifecycle_url_aliases?: Record<string, string>;
  user_auths?: Record<string, string>;
}

/** Reads the config file; a missing file is an empty config. Warns (via `warn`) when others may read it. */
export async function readClientConfig(path: string, warn: (message: string) => void = () => {}): Promise<ClientConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new RacetrackError('BAD_REQUEST', `cannot read config file ${path}: ${(error as Error).message}`, { cause: error });
  }
  const mode = (await stat(path)).mode;
  if ((mode & 0o077) !== 0) warn(`config file ${path} is readable by other users (it holds tokens): run chmod 600 ${path}`);
  let config: unknown;
  try {
    config = parse(text);
  } catch (error) {
    throw new RacetrackError('BAD_REQUEST', `config file ${path} is not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  if (config === null || config === undefined) return {};
  if (typeof config !== 'object' || Array.isArray(config)) throw new RacetrackError('BAD_REQUEST', `config file ${path} must be a YAML mapping`);
  return config as ClientConfig;
}

/** Writes the config file with mode 600 (its directory 700), as it holds tokens and git credentials. */
export async function writeClientConfig(path: string, config: ClientConfig): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, stringify(config), { mode: 0o600 });
  await chmod(path, 0o600);
}

/** Reads, changes and writes the config file. */
export async function updateClientConfig(path: string, change: (config: ClientConfig) => void): Promise<ClientConfig> {
  const config = await readClientConfig(path);
  change(config);
  await writeClientConfig(path, config);
  return config;
}
