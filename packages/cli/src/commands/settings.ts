/** @module Local settings commands: set remote|alias|credentials, get remote|pub|config|auth-token, login, logout. */
import { readFile } from 'node:fs/promises';
import { LifecycleClient } from '@racetrack/client';
import { isRacetrackError, RacetrackError } from '@racetrack/core';
import { stringify } from 'yaml';
import { updateClientConfig } from '../config/index.ts';
import { resolveRemote } from '../remote/index.ts';
import { connect, loadConfig, type CliContext } from './context.ts';

/** `racetrack set remote URL_OR_ALIAS`. */
export async function setRemoteCommand(context: CliContext, remote: string): Promise<void> {
  const config = await updateClientConfig(context.settings.configPath, (current) => {
    current.lifecycle_url = remote;
  });
  context.out(`current remote set to ${resolveRemote(remote, config)}\n`);
}

/** `racetrack set alias ALIAS URL`. */
export async function setAliasCommand(context: CliContext, alias: string, url: string): Promise<void> {
  const trimmed = url.replace(/\/+$/, '');
  await updateClientConfig(context.settings.configPath, (config) => {
    config.lifecycle_url_aliases = { ...config.lifecycle_url_aliases, [alias]: trimmed };
  });
  context.out(`alias ${alias} set to ${trimmed}\n`);
}

/** `racetrack set credentials REPO_URL USERNAME TOKEN`. */
export async function setCredentialsCommand(context: CliContext, repoUrl: string, username: string, password: string): Promise<void> {
  await updateClientConfig(context.settings.configPath, (config) => {
    config.git_credentials = { ...config.git_credentials, [repoUrl.replace(/\/+$/, '')]: { username, password } };
  });
  context.out(`git credentials stored for ${repoUrl}\n`);
}

/** `racetrack get remote`. */
export async function getRemoteCommand(context: CliContext, options: { remote?: string }): Promise<void> {
  context.out(`${resolveRemote(options.remote, await loadConfig(context))}\n`);
}

/** `racetrack get pub`: the external PUB URL the server reports. */
export async function getPubCommand(context: CliContext, options: { remote?: string }): Promise<void> {
  const { client } = await connect(context, options.remote);
  const info = await client.info();
  if (!info.external_pub_url) throw new RacetrackError('INTERNAL', `${client.baseUrl} did not report external_pub_url`);
  context.out(`${info.external_pub_url}\n`);
}

/** `racetrack get config`: the whole config file (it contains secrets). */
export async function getConfigCommand(context: CliContext): Promise<void> {
  const text = await readFile(context.settings.configPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return stringify({});
    throw error;
  });
  context.out(text.endsWith('\n') ? text : `${text}\n`);
}

/** `racetrack get auth-token`. */
export async function getAuthTokenCommand(context: CliContext, options: { remote?: string }): Promise<void> {
  const { authToken, lifecycleUrl } = await connect(context, options.remote);
  if (!authToken) throw new RacetrackError('UNAUTHENTICATED', `no auth token stored for ${lifecycleUrl}: run racetrack login <token> --remote ${lifecycleUrl}`);
  context.out(`${authToken}\n`);
}

/** `racetrack login TOKEN`: checks the token with the server when it can, then stores it for the remote. */
export async function loginCommand(context: CliContext, token: string, options: { remote?: string }): Promise<void> {
  const connection = await connect(context, options.remote);
  const checking = new LifecycleClient({ baseUrl: connection.lifecycleUrl, authToken: token });
  try {
    await checking.validateAuth();
  } catch (error) {
    if (isRacetrackError(error) && error.code === 'UNAUTHENTICATED') throw new RacetrackError('UNAUTHENTICATED', `invalid auth token for ${connection.lifecycleUrl}`, { cause: error });
    // A server without user accounts has no validation endpoint; the token is stored unchecked.
    if (!isRacetrackError(error) || error.code !== 'NOT_FOUND') throw error;
  }
  await updateClientConfig(context.settings.configPath, (config) => {
    config.user_auths = { ...config.user_auths, [connection.lifecycleUrl]: token };
  });
  context.out(`logged in to ${connection.lifecycleUrl}\n`);
}

/** `racetrack logout`: forgets the token of the remote. */
export async function logoutCommand(context: CliContext, options: { remote?: string }): Promise<void> {
  const { lifecycleUrl, authToken } = await connect(context, options.remote);
  if (!authToken) throw new RacetrackError('BAD_REQUEST', `not logged in to ${lifecycleUrl}`);
  await updateClientConfig(context.settings.configPath, (config) => {
    const auths = { ...config.user_auths };
    delete auths[lifecycleUrl];
    config.user_auths = auths;
  });
  context.out(`logged out from ${lifecycleUrl}\n`);
}
