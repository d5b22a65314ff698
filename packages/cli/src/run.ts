/** @module Runs one CLI invocation: resolves settings, parses arguments, turns failures into `error: <reason>`. */
import { describeError, isRacetrackError } from '@racetrack/core';
import { resolveCliSettings } from './config/index.ts';
import type { CliContext } from './commands/context.ts';
import { createProgram } from './program/index.ts';

/** Exit code of a failed command, as the original client (EX_SOFTWARE). */
export const failureExitCode = 70;

/** Runs the CLI with `argv` (node, script, ...args); returns the exit code. */
export async function runCli(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const context: CliContext = {
    // A terminal without a width (an unsized pty) cannot host a spinner: ora would redraw forever.
    settings: resolveCliSettings(env, { isTTY: process.stdout.isTTY === true && (process.stdout.columns ?? 0) > 0 }),
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    stdout: process.stdout,
  };
  const program = createProgram(context);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (program.opts()['verbose'] && error instanceof Error && error.stack) context.err(`${error.stack}\n`);
    context.err(`error: ${reasonLine(error, context)}\n`);
    return failureExitCode;
  }
}

// Several manifest problems are listed one per line above a short final reason.
function reasonLine(error: unknown, context: CliContext): string {
  const message = describeError(error).split('\n')[0] || 'unknown error';
  const problems = isRacetrackError(error) ? error.details?.['problems'] : undefined;
  if (!Array.isArray(problems) || problems.length < 2) return message;
  for (const problem of problems) context.err(`  - ${String(problem)}\n`);
  return `${message.slice(0, message.indexOf(': '))}, listed above`;
}
