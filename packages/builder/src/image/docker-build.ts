/** @module One `docker build` through the Engine API (dockerode), its JSON progress turned into log lines. */
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { RacetrackError } from '@racetrack/core';

/** Options of one build; the context is a tar stream with the Dockerfile inside. */
export interface EngineBuildOptions {
  tag: string;
  dockerfile: string;
  labels: Record<string, string>;
  noCache: boolean;
  /** Values to replace by `***` in every log line (build vars), in case a build step prints them. */
  mask: readonly string[];
  onLog: (line: string) => void;
}

interface BuildEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/** Builds the image, streaming its log line by line; resolves to the image id, rejects with the failing step and its log. */
export async function buildWithEngine(docker: Dockerode, context: Readable, options: EngineBuildOptions): Promise<string> {
  const recent: string[] = [];
  const masked = options.mask.filter((value) => value.length >= 3);
  const emit = (line: string): void => {
    const clean = masked.reduce((text, secret) => text.split(secret).join('***'), line);
    recent.push(clean);
    if (recent.length > 30) recent.shift();
    options.onLog(clean);
  };
  let pending = '';
  let imageId: string | undefined;
  let failure: string | undefined;
  const onEvent = (event: BuildEvent): void => {
    if (event.aux?.ID) imageId = event.aux.ID;
    if (event.error) failure = event.errorDetail?.message ?? event.error;
    const text = event.stream ?? (event.status ? `${event.status}\n` : '');
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') emit(line.trimEnd());
  };

  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(context, {
      t: options.tag,
      dockerfile: options.dockerfile,
      labels: options.labels,
      nocache: options.noCache,
      // Like the original's `--network=host`: package installs reach the network even where the
      // daemon runs without iptables/NAT.
      networkmode: 'host',
      rm: true,
      forcerm: true,
    });
  } catch (error) {
    throw new RacetrackError('UNAVAILABLE', `the Docker Engine refused the build of ${options.tag}: ${(error as Error).message}`, { cause: error });
  }
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve()), onEvent);
  }).catch((error: unknown) => {
    failure ??= (error as Error).message;
  });
  if (pending.trim() !== '') emit(pending.trimEnd());
  if (failure !== undefined) {
    const reason = masked.reduce((text, secret) => text.split(secret).join('***'), failure);
    emit(`error: ${reason}`);
    throw new RacetrackError('BUILD_FAILED', `building image ${options.tag} failed: ${reason}\n${recent.slice(-20).join('\n')}`);
  }
  if (imageId === undefined) {
    const inspected = await docker.getImage(options.tag).inspect();
    imageId = inspected.Id;
  }
  return imageId;
}
