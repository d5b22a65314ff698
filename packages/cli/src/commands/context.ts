/** @module What every command receives: settings, the config file, output streams, and a connected client. */
import { LifecycleClient } from '@racetrack/client';
import { isRacetrackError, RacetrackError } from '@racetrack/core';
import { readClientConfig, type ClientConfig, type CliSettings } from '../config/index.ts';
import { findAuthToken, resolveRemote } from '../remote/index.ts';

/** Shared state of one CLI invocation. */
export interface CliContext {
  settings: CliSettings;
  out: (text: string) => void;
  err: (text: string) => void;
  stdout: NodeJS.WriteStream;
}

/** A client bound to the resolved remote, with the stored token. */
export interface Connection {
  client: LifecycleClient;
  lifecycleUrl: string;
  authToken: string | undefined;
  config: ClientConfig;
}

/** Reads the config file, warning on stderr about loose permissions. */
export function loadConfig(context: CliContext): Promise<ClientConfig> {
  return readClientConfig(context.settings.configPath, (message) => context.err(`warning: ${message}\n`));
}

/** Resolves `--remote` and builds a client carrying the token stored for that URL. */
export async function connect(context: CliContext, remote: string | undefined): Promise<Connection> {
  const config = await loadConfig(context);
  const lifecycleUrl = resolveRemote(remote, config);
  const authToken = findAuthToken(config, lifecycleUrl);
  return { client: new LifecycleClient({ baseUrl: lifecycleUrl, authToken }), lifecycleUrl, authToken, config };
}

/** Adds the login hint to an authentication failure when no token is stored (spec section 4). */
export function explainAuthFailure(error: unknown, connection: Connection): unknown {
  if (isRacetrackError(error) && error.code === 'UNAUTHENTICATED' && !connection.authToken) {
    return new RacetrackError('UNAUTHENTICATED', `missing auth token for ${connection.lifecycleUrl} (${error.message}). You need to do: racetrack login <token> --remote ${connection.lifecycleUrl}`, { cause: error });
  }
  return error;
}
