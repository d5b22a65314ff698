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

/**
 * Follows new lines of every running container matching `labels`, and of each one that starts later (a replica the
 * supervisor restarted, a redeploy's new containers), until the returned function is called.
 */
export function followContainerLogs(docker: Dockerode, labels: string[], onLine: (line: string) => void): () => void {
  const streams = new Map<string, NodeJS.ReadableStream>();
  /** Docker timestamp of the last line seen per container, so a restarted container resumes exactly after it. */
  const lastSeen = new Map<string, string>();
  let events: NodeJS.ReadableStream | undefined;
  let stopped = false;

  const attach = (id: string, from: { tail: 0 } | { since: string }): void => {
    if (stopped || streams.has(id)) return;
    // Reserved before the call resolves, so a start event and the initial listing never attach twice.
    streams.set(id, new PassThrough());
    // Docker's `since` takes "seconds.nanoseconds"; the typings say number.
    const options = { stdout: true, stderr: true, follow: true, timestamps: true, ...from } as unknown as Dockerode.ContainerLogsOptions & { follow: true };
    void docker.getContainer(id).logs(options).then((stream) => {
      if (stopped) return destroy(stream);
      streams.set(id, stream);
      splitLines(docker, stream, (stamped) => {
        const space = stamped.indexOf(' ');
        lastSeen.set(id, stamped.slice(0, space));
        onLine(stamped.slice(space + 1));
      });
      // The container stopped: its next start (if any) is attached again from the start event.
      stream.on('end', () => streams.delete(id));
      stream.on('error', () => streams.delete(id));
    }, () => streams.delete(id));
  };

  const onStart = (id: string, startedSeconds: number): void => {
    const seen = lastSeen.get(id);
    // A container seen before resumes after its last line; a new one is read from just before it started.
    attach(id, { since: seen ? afterTimestamp(seen) : (startedSeconds - 2).toFixed(9) });
  };

  // Events first, then the listing: a container starting in between is seen by one or both, never by neither.
  void docker.getEvents({ filters: { type: ['container'], event: ['start'], label: labels } }).then((stream) => {
    if (stopped) return destroy(stream);
    events = stream;
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        const event = JSON.parse(line) as { id?: string; timeNano?: number; time?: number };
        if (event.id) onStart(event.id, event.timeNano !== undefined ? event.timeNano / 1e9 : (event.time ?? Date.now() / 1000));
      }
    });
    // A stopped daemon ends the stream: say so, rather than going silent.
    const ended = (): void => { if (!stopped) onLine('[racetrack] the Docker Engine closed the log stream; follow the logs again once it answers'); };
    stream.once('end', ended);
    stream.once('error', ended);
  }, (error: unknown) => onLine(`cannot follow container starts: ${(error as Error).message}`))
    .then(() => docker.listContainers({ filters: { label: labels, status: ['running'] } }))
    .then((running) => { for (const info of running ?? []) attach(info.Id, { tail: 0 }); }, (error: unknown) => onLine(`cannot follow logs: ${(error as Error).message}`));

  return () => {
    stopped = true;
    if (events) destroy(events);
    for (const stream of streams.values()) destroy(stream);
    streams.clear();
  };
}

/** Docker's `since` ("seconds.nanoseconds") one nanosecond after an RFC 3339 timestamp with nanoseconds. */
export function afterTimestamp(rfc3339: string): string {
  const match = /^(.*?T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(rfc3339);
  if (!match) return (Date.parse(rfc3339) / 1000).toFixed(9);
  const seconds = Date.parse(`${match[1]}${match[3]}`) / 1000;
  const nanos = Number((match[2] ?? '').padEnd(9, '0')) + 1;
  return nanos >= 1e9 ? `${seconds + 1}.000000000` : `${seconds}.${String(nanos).padStart(9, '0')}`;
}

/** Demultiplexes a container's log stream into text lines for `onLine`. */
function splitLines(docker: Dockerode, stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
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
}

function destroy(stream: NodeJS.ReadableStream): void {
  (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
}
