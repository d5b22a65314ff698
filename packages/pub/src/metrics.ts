/** @module PUB's Prometheus metrics (spec section 2.5 names), with per-target children cached for the hot path. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Classes of upstream failure, each with its own counter. */
export type ProxyFailure = 'connection_broken' | 'connection_refused' | 'context_canceled' | 'context_deadline' | 'request';

/** The label children of one job version, looked up once and kept on the route target. */
export interface TargetMetrics {
  requests: Counter.Internal;
  started: Counter.Internal;
  done: Counter.Internal;
  responseTime: Counter.Internal;
  histogram: Histogram.Internal<string>;
  codes: Map<number, Counter.Internal>;
  name: string;
  version: string;
}

/** Creates PUB's metrics on a fresh registry (one per PUB instance, so several can share a process). */
export function createPubMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['job_name', 'job_version'] as const;
  const counter = (name: string, help: string, labels: readonly string[] = []) =>
    new Counter({ name, help, labelNames: labels, registers: [registry] });
  const metrics = {
    registry,
    requests: counter('pub_job_proxy_requests', 'Requests proxied to a job', labelNames),
    started: counter('pub_job_proxy_requests_started', 'Proxied requests started', labelNames),
    done: counter('pub_job_proxy_requests_done', 'Proxied requests whose response completed', labelNames),
    codes: counter('pub_job_proxy_response_codes', 'Responses by status code', [...labelNames, 'status_code']),
    errors: counter('pub_job_proxy_errors', 'Requests that could not be proxied'),
    failures: {
      connection_broken: counter('pub_job_proxy_connection_broken_errors', 'Job connection closed or reset mid-request'),
      connection_refused: counter('pub_job_proxy_connection_refused_errors', 'Job refused the connection'),
      context_canceled: counter('pub_job_proxy_context_canceled_errors', 'Client went away before the job answered'),
      context_deadline: counter('pub_job_proxy_context_deadline_errors', 'Job did not answer within the request timeout'),
      request: counter('pub_job_proxy_request_errors', 'Other proxy errors'),
    } satisfies Record<ProxyFailure, Counter>,
    lifecycleErrors: counter('pub_lifecycle_errors', 'Failed routing-table refreshes from lifecycle'),
    lifecycleCalls: counter('pub_lifecycle_calls', 'Calls to lifecycle'),
    lifecycleCallTime: counter('pub_lifecycle_call_time', 'Total seconds spent calling lifecycle'),
    healthRequests: counter('pub_health_requests', 'Health endpoint requests'),
    responseTime: counter('pub_job_call_response_time', 'Total seconds spent in proxied job calls', labelNames),
    overallResponseTime: counter('pub_overall_job_proxy_response_time', 'Total seconds spent in all proxied job calls'),
    histogram: new Histogram({
      name: 'pub_job_call_response_time_histogram',
      help: 'Duration of proxied job calls in seconds',
      labelNames,
      buckets: Array.from({ length: 21 }, (_, i) => 0.001 * 2 ** i),
      registers: [registry],
    }),
  };
  return {
    ...metrics,
    /** Label children for one job version, built once per target. */
    forTarget(name: string, version: string): TargetMetrics {
      return {
        requests: metrics.requests.labels(name, version),
        started: metrics.started.labels(name, version),
        done: metrics.done.labels(name, version),
        responseTime: metrics.responseTime.labels(name, version),
        histogram: metrics.histogram.labels(name, version),
        codes: new Map(),
        name,
        version,
      };
    },
    /** Counts one response status for a target. */
    countCode(target: TargetMetrics, status: number): void {
      let child = target.codes.get(status);
      if (!child) target.codes.set(status, (child = metrics.codes.labels(target.name, target.version, String(status))));
      child.inc();
    },
  };
}

export type PubMetrics = ReturnType<typeof createPubMetrics>;
