/** @module Reading and following the log files of a job version's replicas. */
import { open, readdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';

/** Bytes read from the end of a log file when only its last lines are wanted. */
const tailWindowBytes = 1024 * 1024;
/** How often followed files are checked for new output. */
const followIntervalMs = 200;

/** The last `tail` lines (0 = all) of every replica's log, interleaved by time where lines carry one. */
export async function readVersionLogs(dir: string, tail: number): Promise<string> {
  const files = await logFiles(dir);
  const perFile = await Promise.all(
    files.map(async (file) => {
      const text = await readEnd(path.join(dir, file.name), tail > 0 ? tailWindowBytes : Infinity);
      const lines = text.split('\n').filter((line) => line !== '');
      // A partial first line is the cut of the window, not a log line.
      if (tail > 0 && text.length >= tailWindowBytes) lines.shift();
      return lines.map((line) => ({ line: files.length > 1 ? `[replica ${file.replica}] ${line}` : line, time: lineTime(line) }));
    }),
  );
  let merged = perFile.flat();
  if (merged.every((entry) => entry.time !== undefined)) {
    merged = merged.map((entry, index) => ({ ...entry, index })).sort((a, b) => (a.time as number) - (b.time as number) || a.index - b.index);
  }
  const lines = merged.map((entry) => entry.line);
  return (tail > 0 ? lines.slice(-tail) : lines).join('\n');
}

/** Calls `onLine` for each line appended to any replica's log from now on, until the returned function is called. */
export function followVersionLogs(dir: string, onLine: (line: string) => void): () => void {
  const offsets = new Map<string, number>();
  const pending = new Map<string, string>();
  let stopped = false;
  let busy = false;

  const poll = async (initial: boolean): Promise<void> => {
    if (busy || stopped) return;
    busy = true;
    try {
      const files = await logFiles(dir);
      for (const file of files) {
        const full = path.join(dir, file.name);
        const size = (await stat(full).catch(() => undefined))?.size ?? 0;
        const known = offsets.get(file.name);
        if (initial || known === undefined) offsets.set(file.name, initial ? size : 0);
        const from = offsets.get(file.name) ?? 0;
        if (size < from) offsets.set(file.name, 0); // truncated: start over
        if (size <= from) continue;
        const chunk = await readRange(full, from, size);
        offsets.set(file.name, size);
        const lines = ((pending.get(file.name) ?? '') + chunk).split('\n');
        pending.set(file.name, lines.pop() ?? '');
        for (const line of lines) if (!stopped) onLine(files.length > 1 ? `[replica ${file.replica}] ${line}` : line);
      }
    } finally {
      busy = false;
    }
  };

  void poll(true);
  const timer = setInterval(() => void poll(false), followIntervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

async function logFiles(dir: string): Promise<{ name: string; replica: number }[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .map((name) => ({ name, match: /^replica-(\d+)\.log$/.exec(name) }))
    .filter((entry) => entry.match)
    .map((entry) => ({ name: entry.name, replica: Number(entry.match?.[1]) }))
    .sort((a, b) => a.replica - b.replica);
}

/** Milliseconds of a line's own timestamp: pino's JSON `time`, or a leading ISO date. */
function lineTime(line: string): number | undefined {
  if (line.startsWith('{')) {
    try {
      const time = (JSON.parse(line) as { time?: unknown }).time;
      if (typeof time === 'number') return time;
      if (typeof time === 'string' && !Number.isNaN(Date.parse(time))) return Date.parse(time);
    } catch {
      return undefined;
    }
  }
  const iso = /^\[?(\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)?)/.exec(line)?.[1];
  return iso && !Number.isNaN(Date.parse(iso)) ? Date.parse(iso) : undefined;
}

async function readEnd(file: string, maxBytes: number): Promise<string> {
  const size = (await stat(file).catch(() => undefined))?.size ?? 0;
  return readRange(file, Math.max(0, size - maxBytes), size);
}

async function readRange(file: string, from: number, to: number): Promise<string> {
  if (to <= from) return '';
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return '';
  try {
    const buffer = Buffer.alloc(to - from);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, from);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Moves `file` to `<file>.1` (replacing an older one) when it is bigger than `maxBytes`. */
export async function rotateLog(file: string, maxBytes: number): Promise<void> {
  const size = (await stat(file).catch(() => undefined))?.size ?? 0;
  if (size > maxBytes) await rename(file, `${file}.1`);
}
