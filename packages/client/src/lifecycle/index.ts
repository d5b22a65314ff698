/** @module Typed client of the lifecycle API (`<lifecycleUrl>/api/v1/...`, spec sections 1.2-1.4). */
import type { DeployPayload, DeploymentDto, JobDto } from '@racetrack/core';
import { errorFromResponse, requestJson, send, type HttpOptions } from '../http/index.ts';
import { readSseData } from '../sse/index.ts';

/** `GET /api/v1/info`. */
export interface LifecycleInfo {
  service?: string;
  git_version?: string;
  docker_tag?: string;
  auth_required?: boolean;
  external_pub_url?: string;
  lifecycle_url?: string;
  grafana_url?: string;
}

/** A slice of a deployment's build log starting at a byte offset: `GET /api/v1/deploy/{id}/build-logs?offset=N`. */
export interface BuildLogChunk {
  logs: string;
  /** Offset to ask for next time. */
  offset: number;
}

const segment = encodeURIComponent;

/**
 * Client of one lifecycle server.
 * @example const client = new LifecycleClient({ baseUrl: 'http://127.0.0.1:7200/lifecycle' }); await client.listJobs();
 */
export class LifecycleClient {
  readonly options: HttpOptions;

  constructor(options: HttpOptions) {
    this.options = options;
  }

  /** Base URL of the lifecycle API (`.../lifecycle`). */
  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** Service facts, including `external_pub_url` and `auth_required`. */
  info(): Promise<LifecycleInfo> {
    return requestJson(this.options, { path: '/api/v1/info' });
  }

  /** Starts a deployment; answers at once with its id. */
  deploy(payload: DeployPayload): Promise<{ id: string }> {
    return requestJson(this.options, { method: 'POST', path: '/api/v1/deploy', body: payload, timeoutMs: 10 * 60_000 });
  }

  /** Starts a build of the job image only (racetrack run-local); `image_name` of the deployment names it when done. */
  build(payload: DeployPayload): Promise<{ id: string }> {
    return requestJson(this.options, { method: 'POST', path: '/api/v1/build', body: payload, timeoutMs: 10 * 60_000 });
  }

  /** Status and phase of a deployment. */
  getDeployment(id: string): Promise<DeploymentDto> {
    return requestJson(this.options, { path: `/api/v1/deploy/${segment(id)}` });
  }

  /** Most recent deployments, newest first. */
  listDeployments(limit = 100): Promise<DeploymentDto[]> {
    return requestJson(this.options, { path: '/api/v1/deploy', query: { limit } });
  }

  /** Build log of a deployment from `offset` on (for following a deployment live). */
  deploymentBuildLogs(id: string, offset = 0): Promise<BuildLogChunk> {
    return requestJson(this.options, { path: `/api/v1/deploy/${segment(id)}/build-logs`, query: { offset } });
  }

  /** Every job the caller may read. */
  listJobs(): Promise<JobDto[]> {
    return requestJson(this.options, { path: '/api/v1/job' });
  }

  /** One job; `version` may be an alias such as `latest` or `1.x`. */
  getJob(name: string, version = 'latest'): Promise<JobDto> {
    return requestJson(this.options, { path: `/api/v1/job/${segment(name)}/${segment(version)}` });
  }

  /** Deletes a job version. */
  async deleteJob(name: string, version: string): Promise<void> {
    await requestJson(this.options, { method: 'DELETE', path: `/api/v1/job/${segment(name)}/${segment(version)}` });
  }

  /** Moves a job version to another infrastructure target. */
  async moveJob(name: string, version: string, infrastructureTarget: string): Promise<void> {
    await requestJson(this.options, {
      method: 'POST',
      path: `/api/v1/job/${segment(name)}/${segment(version)}/move`,
      body: { infrastructure_target: infrastructureTarget },
      timeoutMs: 10 * 60_000,
    });
  }

  /** Recent runtime logs of a job (last `tail` lines). */
  async jobLogs(name: string, version: string, tail = 20): Promise<string> {
    const body = await requestJson<{ logs: string }>(this.options, { path: `/api/v1/job/${segment(name)}/${segment(version)}/logs`, query: { tail } });
    return body.logs;
  }

  /** Build logs of a job's most recent deployment (`tail` 0 = all lines). */
  async buildLogs(name: string, version: string, tail = 0): Promise<string> {
    const body = await requestJson<{ logs: string }>(this.options, { path: `/api/v1/job/${segment(name)}/${segment(version)}/build-logs`, query: { tail } });
    return body.logs;
  }

  /** Checks the configured token (`GET /api/v1/users/validate_user_auth`). */
  async validateAuth(): Promise<void> {
    await requestJson(this.options, { path: '/api/v1/users/validate_user_auth' });
  }

  /**
   * Follows a job's logs: yields lines from `GET /api/v1/job/{name}/{version}/logs/stream` (SSE, one
   * `data: <line>` event per line) until the server closes the stream or `signal` aborts.
   */
  async *streamLogs(name: string, version: string, options: { tail?: number; signal?: AbortSignal } = {}): AsyncGenerator<string> {
    const request = {
      path: `/api/v1/job/${segment(name)}/${segment(version)}/logs/stream`,
      query: { tail: options.tail },
      accept: 'text/event-stream',
      // A followed stream is open-ended: only the caller's signal ends it.
      timeoutMs: 2 ** 31 - 1,
      ...(options.signal ? { signal: options.signal } : {}),
    };
    const response = await send(this.options, request);
    if (!response.ok || !response.body) throw errorFromResponse(response, await response.text(), request);
    yield* readSseData(response.body);
  }
}
