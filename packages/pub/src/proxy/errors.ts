/** @module JSON error answers of the gateway and the classification of upstream failures. */
import { errorStatus, type ErrorCode } from '@racetrack/core';
import type { ServerResponse } from 'node:http';
import type { ProxyFailure } from '../metrics.ts';

/** What the gateway knows about a failed call, echoed in the error body. */
export interface ErrorContext {
  requestId: string;
  tracingHeader: string;
  jobName?: string | undefined;
  jobVersion?: string | undefined;
  jobStatus?: string | undefined;
  caller?: string | undefined;
}

/** Answers `{"error", "type", "code", "requestId", "jobName", "jobVersion", ...}` with the code's status. */
export function sendError(res: ServerResponse, code: ErrorCode, message: string, context: ErrorContext): void {
  const status = errorStatus[code];
  const body = JSON.stringify({
    error: message,
    type: 'RacetrackError',
    code,
    requestId: context.requestId,
    jobName: context.jobName,
    jobVersion: context.jobVersion,
    jobStatus: context.jobStatus,
    caller: context.caller,
  });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    [context.tracingHeader]: context.requestId,
  });
  res.end(body);
}

/** How an upstream failure is reported: metric class, error code and a phrase for the message. */
export interface FailureKind {
  failure: ProxyFailure;
  code: ErrorCode;
  phrase: string;
}

/** Maps an error from the upstream client (undici codes, socket errnos) to what the caller is told. */
export function classifyFailure(error: unknown): FailureKind {
  const code = (error as { code?: string } | null)?.code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return { failure: 'connection_refused', code: 'JOB_UNREACHABLE', phrase: 'connection refused' };
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return { failure: 'context_deadline', code: 'JOB_TIMEOUT', phrase: 'the job did not answer within the request timeout' };
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { failure: 'connection_refused', code: 'JOB_UNREACHABLE', phrase: 'connecting to the job timed out' };
    case 'UND_ERR_ABORTED':
    case 'UND_ERR_REQ_ABORTED':
      return { failure: 'context_canceled', code: 'JOB_UNREACHABLE', phrase: 'the request was cancelled' };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return { failure: 'connection_broken', code: 'JOB_UNREACHABLE', phrase: 'the job closed the connection' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { failure: 'connection_refused', code: 'JOB_UNREACHABLE', phrase: 'the job address cannot be reached' };
    default:
      return { failure: 'request', code: 'JOB_UNREACHABLE', phrase: 'proxying to the job failed' };
  }
}
