/** @module Showing a deployment as it goes: a live phase line with elapsed time on a terminal, plain lines otherwise. */
import ora, { type Ora } from 'ora';

/** Receives what happens during a deployment. */
export interface DeployProgress {
  phase(phase: string): void;
  logLines(lines: string[]): void;
  warning(message: string): void;
  succeed(message: string): void;
  fail(message: string): void;
}

type Write = (text: string) => void;

/** Plain lines for pipes and CI: one line per phase, log lines as they come. */
export function createPlainProgress(out: Write, err: Write, now: () => number = Date.now): DeployProgress {
  const start = now();
  return {
    phase: (phase) => out(`deployment in progress: ${phase}... (${Math.round((now() - start) / 1000)}s)\n`),
    logLines: (lines) => out(lines.map((line) => `  | ${line}\n`).join('')),
    warning: (message) => err(`warning: ${message}\n`),
    succeed: (message) => out(`${message}\n`),
    fail: (message) => err(`${message}\n`),
  };
}

/** A spinner (ora) whose text is the current phase and the time since the deployment started. */
export function createTerminalProgress(stream: NodeJS.WriteStream): DeployProgress {
  const start = Date.now();
  let phase = 'submitting';
  const spinner: Ora = ora({ text: phase, stream }).start();
  const render = (): void => {
    spinner.text = `${phase} (${Math.floor((Date.now() - start) / 1000)}s)`;
  };
  const timer = setInterval(render, 1000);
  const above = (text: string): void => {
    spinner.clear();
    stream.write(text);
    spinner.render();
  };
  return {
    phase: (next) => {
      phase = next;
      render();
    },
    logLines: (lines) => above(lines.map((line) => `  │ ${line}\n`).join('')),
    warning: (message) => above(`warning: ${message}\n`),
    succeed: (message) => {
      clearInterval(timer);
      spinner.succeed(message);
    },
    fail: (message) => {
      clearInterval(timer);
      spinner.fail(message);
    },
  };
}
