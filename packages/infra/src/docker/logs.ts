/** @module Container logs: Docker's multiplexed stream split into lines, replicas merged by time. */
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';

/** Splits Docker's 8-byte-header frames (stdout/stderr multiplexing of non-TTY containers) into text. */
export function demuxFrames(buffer: Buffer): string {
  let text = '';
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    text += buffer.subarray(offset + 8, offset + 8 + size).toString('utf8');
    offset += 8 + size;
  }
  return text;
}

/** Last `tail` lines (0 = all) of each container, merged by their Docker timestamps, timestamps removed. */
export async function readContainerLogs(containers: Dockerode.Container[], tail: number): Promise<string> {
  const stamped: Array<{ time: string; line: string }> = [];
  for (const container of containers) {
    const raw = await container.logs({ stdout: true, stderr: true, timestamps: true, follow: false, ...(tail > 0 ? { tail } : {}) });
    for (const line of demuxFrames(raw).split('\n')) {
      if (line === '') continue;
      const space = line.indexOf(' ');
      stamped.push({ time: line.slice(0, space), line: line.slice(space + 1) });
    }
  }
  // RFC 3339 timestamps with nanoseconds sort as strings.
  stamped.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const lines = stamped.map((entry) => entry.line);
  return (tail > 0 ? lines.slice(-tail) : lines).join('\n');
}

/** Follows new lines of every container until the returned function is called. */
export function followContainerLogs(docker: Dockerode, containers: Dockerode.Container[], onLine: (line: string) => void): () => void {
  const streams: NodeJS.ReadableStream[] = [];
  let stopped = false;
  for (const container of containers) {
    void container
      .logs({ stdout: true, stderr: true, follow: true, tail: 0 })
      .then((stream) => {
        if (stopped) return destroy(stream);
        streams.push(stream);
        const text = new PassThrough();
        docker.modem.demuxStream(stream, text, text);
        let pending = '';
        text.setEncoding('utf8');
        text.on('data', (chunk: string) => {
          const lines = (pending + chunk).split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) onLine(line);
        });
        stream.on('end', () => {
          if (pending) onLine(pending);
        });
      })
      // A container removed while we attach simply has no more lines.
      .catch(() => undefined);
  }
  return () => {
    stopped = true;
    for (const stream of streams) destroy(stream);
  };
}

function destroy(stream: NodeJS.ReadableStream): void {
  (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
}
