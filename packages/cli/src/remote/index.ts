/** @module Which lifecycle to talk to (aliases, scheme and path defaults), and which credentials go with it. */
import { RacetrackError } from '@racetrack/core';
import { cliDefaults, type ClientConfig } from '../config/index.ts';

const localHosts = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * Resolves `--remote` (or the stored current remote, or the default) to a lifecycle URL: aliases are
 * replaced by their URL; no scheme means https:// (http:// for localhost); no path means `/lifecycle`.
 * @example resolveRemote('127.0.0.1:7200', {}) // 'http://127.0.0.1:7200/lifecycle'
 */
export function resolveRemote(explicit: string | undefined, config: ClientConfig): string {
  const chosen = (explicit ?? config.lifecycle_url ?? cliDefaults.remote).trim();
  if (chosen === '') throw new RacetrackError('BAD_REQUEST', 'remote must be a URL or an alias, got an empty string');
  const aliased = config.lifecycle_url_aliases?.[chosen] ?? chosen;
  let withScheme = aliased;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(aliased)) {
    const host = hostOf(`http://${aliased}`);
    withScheme = `${host !== undefined && localHosts.has(host) ? 'http' : 'https'}://${aliased}`;
  }
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new RacetrackError('BAD_REQUEST', `remote "${chosen}" is neither a known alias nor a URL (known aliases: ${Object.keys(config.lifecycle_url_aliases ?? {}).join(', ') || 'none'})`);
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/lifecycle';
  return url.toString().replace(/\/+$/, '');
}

/** True when the lifecycle runs on this machine (then the job directory is uploaded instead of cloned). */
export function isLocalRemote(lifecycleUrl: string): boolean {
  const host = hostOf(lifecycleUrl);
  return host !== undefined && localHosts.has(host);
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/** Git credentials for a repository: exact URL, then scheme://host/path, then scheme://host, then host. */
export function findGitCredentials(config: ClientConfig, remote: string): { username: string; password: string } | undefined {
  const stored = config.git_credentials ?? {};
  const candidates = [remote];
  try {
    const url = new URL(remote);
    candidates.push(`${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, ''), `${url.protocol}//${url.host}`, url.host);
  } catch {
    // A local path has no host: only the exact match applies.
  }
  for (const key of candidates) {
    const found = stored[key] ?? stored[key.replace(/\/+$/, '')];
    if (found) return found;
  }
  return undefined;
}

/** The stored token of a resolved lifecycle URL. */
export function findAuthToken(config: ClientConfig, lifecycleUrl: string): string | undefined {
  return config.user_auths?.[lifecycleUrl];
}
