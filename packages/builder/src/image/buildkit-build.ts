/** @module One image build with BuildKit through the Engine API: secrets from a session, steps and output as log lines. */
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { RacetrackError } from '@racetrack/core';
import { decodeBuildStatus } from './buildkit-protocol.ts';
import { openBuildSession } from './buildkit-session.ts';

/** Options of one BuildKit build; the context is a tar stream with the Dockerfile inside. */
export interface BuildKitOptions {
  tag: string;
  dockerfile: string;
  labels: Record<string, string>;
  noCache: boolean;
  /** Mounted by `RUN --mount=type=secret,id=<key>` steps; never written to the image or the cache. */
  secrets: Record<string, Buffer>;
  /** Values replaced by `***` in every log line, in case a step prints them. */
  mask: readonly string[];
  onLog: (line: string) => void;
}

interface EngineEvent {
  id?: string;
  aux?: unknown;
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** Builds the image; resolves to its id, rejects with the failing step and the last lines of its output. */
export async function buildWithBuildKit(docker: Dockerode, context: Readable, options: BuildKitOptions): Promise<string> {
  const masked = options.mask.filter((value) => value.length >= 3);
  const clean = (text: string): string => masked.reduce((acc, secret) => acc.split(secret).join('***'), text);
  const recent: string[] = [];
  const emit = (line: string): void => {
    const text = clean(line);
    recent.push(text);
    if (recent.length > 30) recent.shift();
    options.onLog(text);
  };
  const steps = new Map<string, { name: string; announced: boolean; pending: string }>();
  let imageId: string | undefined;
  let failure: string | undefined;

  const onStatus = (aux: string): void => {
    const status = decodeBuildStatus(aux);
    for (const step of status.steps) {
      const known = steps.get(step.digest) ?? { name: step.name, announced: false, pending: '' };
      steps.set(step.digest, known);
      if (step.started && !known.announced && !step.name.startsWith('[internal]')) {
        known.announced = true;
        emit(`${step.cached ? 'CACHED ' : ''}${step.name}`);
      }
      if (step.error) failure ??= `${step.name}: ${step.error}`;
    }
    for (const log of status.logs) {
      const step = steps.get(log.vertex) ?? { name: '', announced: true, pending: '' };
      steps.set(log.vertex, step);
      const lines = (step.pending + log.text).split(/\r?\n/);
      step.pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') emit(`  ${line.trimEnd()}`);
    }
  };
  const onEvent = (event: EngineEvent): void => {
    if (event.id === 'moby.buildkit.trace' && typeof event.aux === 'string') onStatus(event.aux);
    else if (event.id === 'moby.image.id') imageId = (event.aux as { ID?: string }).ID;
    if (event.error) failure ??= event.errorDetail?.message ?? event.error;
  };

  const session = await openBuildSession(docker, options.secrets).catch((error: unknown) => {
    throw new RacetrackError('UNAVAILABLE', `the Docker Engine refused a BuildKit session: ${(error as Error).message}`, { cause: error });
  });
  try {
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => {
      docker.modem.dial(
        {
          path: '/build?',
          method: 'POST',
          file: context,
          isStream: true,
          options: {
            t: options.tag,
            dockerfile: options.dockerfile,
            labels: options.labels,
            nocache: options.noCache,
            // Like the original's `--network=host`: package installs reach the network even without NAT.
            networkmode: 'host',
            version: '2',
            session: session.id,
          },
          statusCodes: { 200: true, 500: 'server error' },
        },
        ((error: Error | null, result: NodeJS.ReadableStream) => (error ? reject(error) : resolve(result))) as never,
      );
    }).catch((error: unknown) => {
      throw new RacetrackError('UNAVAILABLE', `the Docker Engine refused the build of ${options.tag}: ${(error as Error).message}`, { cause: error });
    });
    await new Promise<void>((resolve) => {
      docker.modem.followProgress(stream, (error: Error | null) => {
        if (error) failure ??= error.message;
        resolve();
      }, onEvent);
    });
  } finally {
    session.close();
  }
  for (const step of steps.values()) if (step.pending.trim() !== '') emit(`  ${step.pending.trimEnd()}`);
  if (failure !== undefined) {
    const reason = clean(failure);
    emit(`error: ${reason}`);
    throw new RacetrackError('BUILD_FAILED', `building image ${options.tag} failed: ${reason}\n${recent.slice(-20).join('\n')}`);
  }
  if (imageId === undefined) imageId = (await docker.getImage(options.tag).inspect()).Id;
  emit(`built image ${options.tag} (${imageId.slice(0, 19)})`);
  return imageId;
}
