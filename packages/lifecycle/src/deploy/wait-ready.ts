/** @module Waits until every new instance answers /live with this deployment's timestamp, then /ready. */
import { RacetrackError } from '@racetrack/core';
import type { InfraDriver } from '@racetrack/infra';

export interface WaitOptions {
  driver: InfraDriver;
  jobName: string;
  version: string;
  addresses: string[];
  deploymentTimestamp: number;
  aliveTimeoutMs: number;
  readyTimeoutMs: number;
  /** Called once every instance is alive (phase "initializing Job entrypoint"). */
  onAlive?: () => void;
}

type Probe = { status: number; body: Record<string, unknown> | null } | undefined;

async function probe(url: string): Promise<Probe> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    const text = await response.text();
    let body: Record<string, unknown> | null = null;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = null;
    }
    return { status: response.status, body };
  } catch {
    return undefined; // not listening yet
  }
}

async function exitedInstance(options: WaitOptions): Promise<string | undefined> {
  const instances = await options.driver.list();
  const dead = instances.find((i) => i.jobName === options.jobName && i.version === options.version && i.state === 'exited');
  return dead ? `the job process exited with code ${dead.exitCode ?? 'unknown'}` : undefined;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Probe intervals: 10 ms for the first second (a warm Node job is up in a few hundred ms, and every
 * millisecond here is deploy time), then doubling to 200 ms. A probe of a port nobody listens on is cheap.
 */
function* probeDelays(): Generator<number> {
  const fastUntil = Date.now() + 1000;
  while (Date.now() < fastUntil) yield 10;
  for (let delay = 20; ; delay = Math.min(delay * 2, 200)) yield delay;
}

/** Asks the driver whether an instance died at most every 100 ms (listing reads state files). */
function exitChecker(options: WaitOptions): () => Promise<string | undefined> {
  let last = 0;
  return async () => {
    if (Date.now() - last < 100) return undefined;
    last = Date.now();
    return exitedInstance(options);
  };
}

/** Resolves when all instances are ready; throws BUILD_FAILED-style errors with the reason otherwise. */
export async function waitUntilReady(options: WaitOptions): Promise<void> {
  const aliveDeadline = Date.now() + options.aliveTimeoutMs;
  const exitedNow = exitChecker(options);
  const delays = probeDelays();
  for (const address of options.addresses) {
    for (;;) {
      const result = await probe(`http://${address}/live`);
      if (result?.status === 200 && Number(result.body?.['deployment_timestamp']) === options.deploymentTimestamp) break;
      if (result && result.status !== 200) {
        const reason = typeof result.body?.['error'] === 'string' ? result.body['error'] : `/live answered HTTP ${result.status}`;
        throw new RacetrackError('BUILD_FAILED', `the job failed to start: ${reason}`);
      }
      const exited = await exitedNow();
      if (exited) throw new RacetrackError('BUILD_FAILED', `the job failed to start: ${exited}`);
      if (Date.now() > aliveDeadline) {
        throw new RacetrackError('BUILD_FAILED', `the job did not answer /live within ${options.aliveTimeoutMs / 1000} s`);
      }
      await pause(delays.next().value as number);
    }
  }
  options.onAlive?.();
  const readyDeadline = Date.now() + options.readyTimeoutMs;
  for (const address of options.addresses) {
    for (;;) {
      const result = await probe(`http://${address}/ready`);
      if (result?.status === 200) break;
      if (result?.status === 404) throw new RacetrackError('BUILD_FAILED', 'the job has no /ready endpoint (HTTP 404)');
      // The entrypoint is constructed after the server listens: a failing constructor shows up as /live failing.
      const live = await probe(`http://${address}/live`);
      if (live && live.status !== 200) {
        const reason = typeof live.body?.['error'] === 'string' ? live.body['error'] : `/live answered HTTP ${live.status}`;
        throw new RacetrackError('BUILD_FAILED', `the job failed to start: ${reason}`);
      }
      const exited = await exitedNow();
      if (exited) throw new RacetrackError('BUILD_FAILED', `the job failed while getting ready: ${exited}`);
      if (Date.now() > readyDeadline) {
        throw new RacetrackError('BUILD_FAILED', `the job did not become ready within ${options.readyTimeoutMs / 1000} s`);
      }
      await pause(delays.next().value as number);
    }
  }
}
