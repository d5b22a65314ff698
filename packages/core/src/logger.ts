/** @module Structured JSON logging shared by every component (pino with secret redaction). */
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Paths never written to logs: auth headers, secrets given at deploy time. */
export const redactedPaths = [
  'req.headers["x-racetrack-auth"]',
  'req.headers.cookie',
  'headers["x-racetrack-auth"]',
  'secret_vars',
  '*.secret_vars',
  'git_credentials',
  '*.git_credentials',
  'password',
  '*.password',
];

/** A JSON logger named after the component; level from the caller's resolved config. */
export function createLogger(component: string, options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const config: LoggerOptions = {
    name: component,
    level: options.level ?? 'info',
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
