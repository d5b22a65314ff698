/** @module The job's health as the probes report it, shared by the startup app and the full app. */
import type { EntrypointInfo } from '../host/protocol.ts';

/** Live/ready state of the job; `error` explains why it is not live. */
export interface JobState {
  live: boolean;
  ready: boolean;
  error: string | null;
  info: EntrypointInfo | undefined;
}

/** The state while the entrypoint is still being constructed. */
export function startingState(): JobState {
  return { live: true, ready: false, error: null, info: undefined };
}
