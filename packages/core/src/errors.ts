/** @module One catalogue of Racetrack's error codes, each with the HTTP status decided here. */

/** Every error code the platform raises, mapped to the HTTP status it answers with. */
export const errorStatus = {
  BAD_REQUEST: 400,
  MANIFEST_INVALID: 400,
  JOB_TYPE_UNKNOWN: 400,
  INFRASTRUCTURE_UNKNOWN: 400,
  BUILD_CONTEXT_INVALID: 400,
  GIT_FETCH_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  JOB_NOT_FOUND: 404,
  DEPLOYMENT_NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  DEPLOYMENT_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
  BUILD_FAILED: 500,
  JOB_UNREACHABLE: 502,
  JOB_NOT_RUNNING: 503,
  UNAVAILABLE: 503,
  JOB_TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/**
 * The one error type of the platform: a stable code, the HTTP status it maps to and a
 * message a user can act on.
 * @example throw new RacetrackError('JOB_NOT_FOUND', 'job "adder" has no version 9.9.9')
 */
export class RacetrackError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RacetrackError';
    this.code = code;
    this.status = errorStatus[code];
    this.details = options?.details;
  }

  /** The JSON body every component answers with: `{"error", "type", "code"}` (spec section 0). */
  toBody(): Record<string, unknown> {
    return { error: this.message, type: this.name, code: this.code, ...this.details };
  }
}

/** True for a RacetrackError, also across duplicated package copies. */
export function isRacetrackError(value: unknown): value is RacetrackError {
  return value instanceof Error && value.name === 'RacetrackError' && 'code' in value && 'status' in value;
}

/** Turns anything thrown into a message fit for a log line or an error body. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
