/** @module Batches build-log lines into the deployment row so followers read them live without a write per line. */
import type { DeploymentRepository } from '@racetrack/db';

export interface LogBuffer {
  push(line: string): void;
  /** Writes what is buffered now. */
  flush(): Promise<void>;
  /** The last `count` lines seen (for error messages). */
  tail(count: number): string[];
  stop(): Promise<void>;
}

/** A buffer flushing every `intervalMs` while lines arrive. */
export function createLogBuffer(deployments: DeploymentRepository, deploymentId: string, intervalMs = 200): LogBuffer {
  let pending: string[] = [];
  const recent: string[] = [];
  let writing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    if (pending.length === 0) return writing;
    const text = pending.join('');
    pending = [];
    // Chained so appends land in order even when a flush is slow.
    writing = writing.then(() => deployments.appendLogs(deploymentId, text));
    return writing;
  };
  const timer = setInterval(() => void flush(), intervalMs);
  timer.unref();
  return {
    push(line) {
      const text = line.endsWith('\n') ? line : `${line}\n`;
      pending.push(text);
      recent.push(text.trimEnd());
      if (recent.length > 200) recent.splice(0, recent.length - 200);
    },
    flush,
    tail: (count) => recent.slice(-count),
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
