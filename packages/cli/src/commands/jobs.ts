/** @module Job commands: list, logs (with --follow), build-logs, delete, move. */
import Table from 'cli-table3';
import type { JobDto } from '@racetrack/core';
import { connect, explainAuthFailure, type CliContext, type Connection } from './context.ts';

/** Extra columns of `racetrack list -c`. */
export const listColumns = {
  job_type: { title: 'JOB TYPE', value: (job: JobDto) => job.job_type_version ?? '' },
  infrastructure: { title: 'INFRASTRUCTURE', value: (job: JobDto) => job.infrastructure_target ?? '' },
  deployed_by: { title: 'DEPLOYED BY', value: (job: JobDto) => job.deployed_by ?? '' },
  updated_at: { title: 'UPDATED AT', value: (job: JobDto) => formatTime(job.update_time) },
  last_call_at: { title: 'LAST CALL AT', value: (job: JobDto) => formatTime(job.last_call_time) },
  pub_url: { title: 'PUB URL', value: (job: JobDto) => job.pub_url },
} as const;

export type ListColumn = keyof typeof listColumns | 'all';

function formatTime(seconds: number | null | undefined): string {
  return seconds ? new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 19) : '';
}

/** Renders jobs as a borderless table: NAME, VERSION, STATUS and the chosen columns. */
export function renderJobTable(jobs: JobDto[], columns: ListColumn[]): string {
  const chosen = columns.includes('all') ? (Object.keys(listColumns) as (keyof typeof listColumns)[]) : [...new Set(columns as (keyof typeof listColumns)[])];
  const table = new Table({
    head: ['NAME', 'VERSION', 'STATUS', ...chosen.map((column) => listColumns[column].title)],
    chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ' },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const job of jobs) table.push([job.name, job.version, job.status, ...chosen.map((column) => listColumns[column].value(job))]);
  return `${table.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`;
}

async function withConnection<T>(context: CliContext, remote: string | undefined, run: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await connect(context, remote);
  try {
    return await run(connection);
  } catch (error) {
    throw explainAuthFailure(error, connection);
  }
}

/** `racetrack list`. */
export function listCommand(context: CliContext, options: { remote?: string; column?: ListColumn[] }): Promise<void> {
  return withConnection(context, options.remote, async ({ client }) => {
    context.out(renderJobTable(await client.listJobs(), options.column ?? []));
  });
}

/** `racetrack logs NAME`: recent lines, or followed live with `--follow`. */
export function logsCommand(context: CliContext, name: string, options: { remote?: string; version: string; tail: number; follow?: boolean }): Promise<void> {
  return withConnection(context, options.remote, async ({ client }) => {
    const { version } = await client.getJob(name, options.version);
    if (!options.follow) {
      context.out(ensureNewline(await client.jobLogs(name, version, options.tail)));
      return;
    }
    const abort = new AbortController();
    const stop = (): void => abort.abort();
    process.once('SIGINT', stop);
    try {
      for await (const line of client.streamLogs(name, version, { tail: options.tail, signal: abort.signal })) context.out(`${line}\n`);
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    } finally {
      process.off('SIGINT', stop);
    }
  });
}

/** `racetrack build-logs NAME`. */
export function buildLogsCommand(context: CliContext, name: string, options: { remote?: string; version: string; tail: number }): Promise<void> {
  return withConnection(context, options.remote, async ({ client }) => {
    const { version } = await client.getJob(name, options.version);
    context.out(ensureNewline(await client.buildLogs(name, version, options.tail)));
  });
}

/** `racetrack delete NAME --version V`. */
export function deleteCommand(context: CliContext, name: string, options: { remote?: string; version: string }): Promise<void> {
  return withConnection(context, options.remote, async ({ client }) => {
    await client.deleteJob(name, options.version);
    context.out(`deleted ${name} ${options.version}\n`);
  });
}

/** `racetrack move NAME --version V --infrastructure T`. */
export function moveCommand(context: CliContext, name: string, options: { remote?: string; version: string; infrastructure: string }): Promise<void> {
  return withConnection(context, options.remote, async ({ client }) => {
    await client.moveJob(name, options.version, options.infrastructure);
    context.out(`moved ${name} ${options.version} to ${options.infrastructure}\n`);
  });
}

function ensureNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}
