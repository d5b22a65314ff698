/** @module Every command, argument and option of `racetrack`, declared as data (style rule 7). */
import type { CliSettings } from '../config/index.ts';
import { callCommand } from '../commands/call.ts';
import type { CliContext } from '../commands/context.ts';
import { buildLogsCommand, deleteCommand, listCommand, listColumns, logsCommand, moveCommand, type ListColumn } from '../commands/jobs.ts';
import { serverCommand, serverModules, type StartServerOptions } from '../commands/server.ts';
import * as settings from '../commands/settings.ts';
import { deployCommand } from '../deploy/index.ts';
import type { BuildContextMode } from '../deploy/payload.ts';
import { loadJobManifest } from '../deploy/index.ts';
import { runLocalCommand } from '../deploy/run-local.ts';
import { cliVersion } from './version.ts';

/** One option: commander flags, help text, and how its value is read. */
export interface OptionSpec {
  flags: string;
  description: string;
  default?: string | number | boolean;
  choices?: readonly string[];
  /** `int` parses a number; `list` collects every occurrence into an array. */
  value?: 'int' | 'list';
  mandatory?: boolean;
}

/** One positional argument. */
export interface ArgumentSpec {
  name: string;
  description: string;
  required: boolean;
  default?: string;
}

/** One command: its words (`['set', 'remote']`), arguments, options and what it runs. */
export interface CommandSpec {
  path: readonly string[];
  description: string;
  arguments: readonly ArgumentSpec[];
  options: readonly OptionSpec[];
  run(context: CliContext, args: string[], options: Record<string, unknown>): Promise<void>;
}

const remote: OptionSpec = { flags: '--remote <URL_OR_ALIAS>', description: 'lifecycle URL or alias (default: the current remote, see "racetrack get remote")' };
const versionLatest: OptionSpec = { flags: '--version <VERSION>', description: 'job version, exact or alias (latest, 1.x)', default: 'latest' };
const versionRequired: OptionSpec = { flags: '--version <VERSION>', description: 'exact job version', mandatory: true };
const extraVars: OptionSpec = { flags: '-e, --extra-vars <KEY=VALUE>', description: 'override a manifest field (dotted KEY, YAML VALUE); repeatable', value: 'list' };
const name: ArgumentSpec = { name: 'NAME', description: 'job name', required: true };

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const remoteOf = (options: Record<string, unknown>): { remote?: string } => (str(options['remote']) ? { remote: str(options['remote']) as string } : {});

/** The command table; defaults that depend on the environment come from resolved settings. */
export function commandSpecs(cli: CliSettings): CommandSpec[] {
  return [
    {
      path: ['server'],
      description: 'start the all-in-one Racetrack server (lifecycle, PUB, supervisor) on one port',
      arguments: [],
      options: [
        { flags: '--port <PORT>', description: 'port to listen on (env RACETRACK_PORT)', default: cli.server.port, value: 'int' },
        { flags: '--host <HOST>', description: 'address to listen on', default: cli.server.host },
        { flags: '--data-dir <DIR>', description: 'where state, builds and logs live (env RACETRACK_DATA_DIR)', default: cli.server.dataDir },
        { flags: '--database-url <URL>', description: 'PostgreSQL URL instead of the embedded database (env RACETRACK_DATABASE_URL)', ...(cli.server.databaseUrl ? { default: cli.server.databaseUrl } : {}) },
        { flags: '--only <MODULE>', description: 'run one module only', choices: serverModules },
      ],
      run: (context, _args, o) =>
        serverCommand(context, { port: o['port'] as number, host: o['host'] as string, dataDir: o['dataDir'] as string, ...(str(o['databaseUrl']) ? { databaseUrl: o['databaseUrl'] as string } : {}), only: o['only'] as StartServerOptions['only'] }),
    },
    {
      path: ['deploy'],
      description: 'validate the job in DIR, send it to lifecycle and follow the deployment until the job runs',
      arguments: [
        { name: 'DIR', description: 'job directory (with job.yaml), or - to read the manifest from stdin', required: false, default: '.' },
        { name: 'REMOTE', description: 'deprecated: use --remote', required: false },
      ],
      options: [
        remote,
        { flags: '--force', description: 'overwrite a deployed job with the same name and version', default: false },
        { flags: '--build-context <MODE>', description: 'local: upload DIR; git: builder clones git.remote (default: local for a server on this machine, else git)', choices: ['local', 'git'] },
        extraVars,
        { flags: '--no-cache', description: 'build without the build cache' },
      ],
      run: async (context, [dir, positionalRemote], o) => {
        if (positionalRemote) context.err('warning: the REMOTE argument is deprecated: use --remote\n');
        const chosenRemote = str(o['remote']) ?? positionalRemote;
        await deployCommand(context, dir ?? '.', {
          ...(chosenRemote ? { remote: chosenRemote } : {}),
          force: o['force'] === true,
          ...(str(o['buildContext']) ? { buildContext: o['buildContext'] as BuildContextMode } : {}),
          extraVars: (o['extraVars'] as string[] | undefined) ?? [],
          noCache: o['cache'] === false,
          pollMs: cli.deployPollMs,
        });
      },
    },
    {
      path: ['run-local'],
      description: 'build the job image on the server and run it in a container on this machine (docker run, foreground)',
      arguments: [{ name: 'DIR', description: 'job directory (with job.yaml)', required: false, default: '.' }],
      options: [
        remote,
        { flags: '--port <PORT>', description: 'host port the job listens on', default: 7000, value: 'int' },
        { flags: '--build-context <MODE>', description: 'local: upload DIR; git: builder clones git.remote (default: local for a server on this machine, else git)', choices: ['local', 'git'] },
        extraVars,
        { flags: '--cmd <COMMAND>', description: 'run this shell command in the container instead of the job' },
      ],
      run: async (context, [dir], o) => {
        process.exitCode = await runLocalCommand(context, dir ?? '.', {
          ...remoteOf(o),
          port: o['port'] as number,
          ...(str(o['buildContext']) ? { buildContext: o['buildContext'] as BuildContextMode } : {}),
          extraVars: (o['extraVars'] as string[] | undefined) ?? [],
          ...(str(o['cmd']) ? { cmd: o['cmd'] as string } : {}),
          pollMs: cli.deployPollMs,
        });
      },
    },
    {
      path: ['validate'],
      description: 'validate the manifest in DIR and print it merged (extends, -e overrides, defaults)',
      arguments: [{ name: 'DIR', description: 'job directory or manifest file, or - for stdin', required: false, default: '.' }],
      options: [extraVars],
      run: async (context, [dir], o) => {
        const loaded = await loadJobManifest(dir ?? '.', (o['extraVars'] as string[] | undefined) ?? []);
        for (const warning of loaded.warnings) context.err(`warning: ${warning}\n`);
        context.out(loaded.yaml);
      },
    },
    {
      path: ['list'],
      description: 'list deployed jobs',
      arguments: [],
      options: [remote, { flags: '-c, --column <COLUMN>', description: `extra column; repeatable (${[...Object.keys(listColumns), 'all'].join(', ')})`, value: 'list', choices: [...Object.keys(listColumns), 'all'] }],
      run: (context, _args, o) => listCommand(context, { ...remoteOf(o), column: (o['column'] as ListColumn[] | undefined) ?? [] }),
    },
    {
      path: ['logs'],
      description: 'show recent logs of a job, or follow them',
      arguments: [name],
      options: [remote, versionLatest, { flags: '--tail <LINES>', description: 'number of recent lines', default: 20, value: 'int' }, { flags: '-f, --follow', description: 'keep printing new lines until Ctrl-C' }],
      run: (context, [job], o) => logsCommand(context, job as string, { ...remoteOf(o), version: o['version'] as string, tail: o['tail'] as number, follow: o['follow'] === true }),
    },
    {
      path: ['build-logs'],
      description: 'show the build logs of a job',
      arguments: [name],
      options: [remote, versionLatest, { flags: '--tail <LINES>', description: 'number of last lines, 0 for all', default: 0, value: 'int' }],
      run: (context, [job], o) => buildLogsCommand(context, job as string, { ...remoteOf(o), version: o['version'] as string, tail: o['tail'] as number }),
    },
    {
      path: ['delete'],
      description: 'delete a job version',
      arguments: [name],
      options: [remote, versionRequired],
      run: (context, [job], o) => deleteCommand(context, job as string, { ...remoteOf(o), version: o['version'] as string }),
    },
    {
      path: ['move'],
      description: 'move a job version to another infrastructure target',
      arguments: [name],
      options: [remote, versionRequired, { flags: '--infrastructure <TARGET>', description: 'infrastructure target to move to', mandatory: true }],
      run: (context, [job], o) => moveCommand(context, job as string, { ...remoteOf(o), version: o['version'] as string, infrastructure: o['infrastructure'] as string }),
    },
    {
      path: ['call'],
      description: 'call a job endpoint through PUB with a JSON or YAML payload',
      arguments: [name, { name: 'ENDPOINT', description: 'endpoint path, e.g. /api/v1/perform', required: true }, { name: 'PAYLOAD', description: `JSON or YAML mapping, e.g. '{"numbers": [40, 2]}'`, required: true }],
      options: [remote, versionLatest, { flags: '--curl', description: 'print an equivalent curl command instead of calling' }],
      run: (context, [job, endpoint, payload], o) => callCommand(context, job as string, endpoint as string, payload as string, { ...remoteOf(o), version: o['version'] as string, curl: o['curl'] === true }),
    },
    { path: ['set', 'remote'], description: 'set the current remote (URL or alias)', arguments: [{ name: 'URL_OR_ALIAS', description: 'lifecycle URL or alias', required: true }], options: [], run: (context, [value]) => settings.setRemoteCommand(context, value as string) },
    {
      path: ['set', 'alias'],
      description: 'give a lifecycle URL a short name',
      arguments: [{ name: 'ALIAS', description: 'short name', required: true }, { name: 'URL', description: 'lifecycle URL', required: true }],
      options: [],
      run: (context, [alias, url]) => settings.setAliasCommand(context, alias as string, url as string),
    },
    {
      path: ['set', 'credentials'],
      description: 'store git credentials for a repository URL or URL prefix',
      arguments: [{ name: 'REPO_URL', description: 'repository URL or prefix (https://github.com)', required: true }, { name: 'USERNAME', description: 'git user name', required: true }, { name: 'TOKEN', description: 'access token', required: true }],
      options: [],
      run: (context, [repo, user, token]) => settings.setCredentialsCommand(context, repo as string, user as string, token as string),
    },
    { path: ['get', 'remote'], description: 'print the resolved lifecycle URL', arguments: [], options: [remote, { flags: '-q, --quiet', description: 'print the URL only (always the case)' }], run: (context, _a, o) => settings.getRemoteCommand(context, remoteOf(o)) },
    { path: ['get', 'pub'], description: 'print the PUB URL the server reports', arguments: [], options: [remote, { flags: '-q, --quiet', description: 'print the URL only (always the case)' }], run: (context, _a, o) => settings.getPubCommand(context, remoteOf(o)) },
    { path: ['get', 'config'], description: 'print the local config file (contains secrets)', arguments: [], options: [], run: (context) => settings.getConfigCommand(context) },
    { path: ['get', 'auth-token'], description: 'print the stored auth token of the remote', arguments: [], options: [remote], run: (context, _a, o) => settings.getAuthTokenCommand(context, remoteOf(o)) },
    { path: ['login'], description: 'store an auth token for the remote', arguments: [{ name: 'TOKEN', description: 'user auth token (dashboard profile page)', required: true }], options: [remote], run: (context, [token], o) => settings.loginCommand(context, token as string, remoteOf(o)) },
    { path: ['logout'], description: 'forget the auth token of the remote', arguments: [], options: [remote], run: (context, _a, o) => settings.logoutCommand(context, remoteOf(o)) },
    { path: ['version'], description: 'print the client version', arguments: [], options: [], run: async (context) => context.out(`racetrack ${cliVersion}\n`) },
  ];
}
