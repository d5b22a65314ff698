/**
 * @module PUB's Prometheus metrics (spec section 2.5 names). Per-job figures are plain numbers bumped on
 * the hot path and turned into Prometheus series only when scraped: prom-client's labelled `inc()`
 * hashes the label set on every call, which showed up in profiles of the proxy.
 */
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/** Classes of upstream failure, each with its own counter. */
export type ProxyFailure = 'connection_broken' | 'connection_refused' | 'context_canceled' | 'context_deadline' | 'request';

/** Exponential buckets: 1 ms doubling, 21 of them (as the original). */
const bucketBounds = Array.from({ length: 21 }, (_, i) => 0.001 * 2 ** i);

/** Counters of one job version; kept for the life of the process so Prometheus counters never go back. */
export class TargetStats {
  readonly name: string;
  readonly version: string;
  requests = 0;
  started = 0;
  done = 0;
  seconds = 0;
  readonly codes = new Map<number, number>();
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  readonly buckets = new Float64Array(bucketBounds.length + 1);

  constructor(name: string, version: string) {
    this.name = name;
    this.version = version;
  }

  /** Counts one response status. */
  countCode(status: number): void {
    this.codes.set(status, (this.codes.get(status) ?? 0) + 1);
  }

  /** Records one completed call of `seconds`. */
  observe(seconds: number): void {
    this.done++;
    this.seconds += seconds;
    let i = 0;
    while (i < bucketBounds.length && seconds > (bucketBounds[i] as number)) i++;
    (this.buckets[i] as number)++;
  }
}

interface Sample {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/** A metric whose samples are computed at scrape time, in the shape prom-client's registry formats. */
function scrapedMetric(registry: Registry, name: string, help: string, type: 'counter' | 'histogram', values: () => Sample[]) {
  const metric = { name, help, type, aggregator: 'sum' as const, get: () => ({ name, help, type, aggregator: 'sum' as const, values: values() }) };
  registry.registerMetric(metric as unknown as Counter);
}

/** Creates PUB's metrics on a fresh registry (one per PUB instance, so several can share a process). */
export function createPubMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const stats = new Map<string, TargetStats>();
  let overallSeconds = 0;
  const counter = (name: string, help: string) => new Counter({ name, help, registers: [registry] });
  const perTarget = (pick: (s: TargetStats) => number): (() => Sample[]) => () =>
    [...stats.values()].map((s) => ({ value: pick(s), labels: { job_name: s.name, job_version: s.version } }));

  scrapedMetric(registry, 'pub_job_proxy_requests', 'Requests proxied to a job', 'counter', perTarget((s) => s.requests));
  scrapedMetric(registry, 'pub_job_proxy_requests_started', 'Proxied requests started', 'counter', perTarget((s) => s.started));
  scrapedMetric(registry, 'pub_job_proxy_requests_done', 'Proxied requests whose response completed', 'counter', perTarget((s) => s.done));
  scrapedMetric(registry, 'pub_job_call_response_time', 'Total seconds spent in proxied job calls', 'counter', perTarget((s) => s.seconds));
  scrapedMetric(registry, 'pub_overall_job_proxy_response_time', 'Total seconds spent in all proxied job calls', 'counter', () => [{ value: overallSeconds, labels: {} }]);
  scrapedMetric(registry, 'pub_job_proxy_response_codes', 'Responses by status code', 'counter', () =>
    [...stats.values()].flatMap((s) =>
      [...s.codes].map(([code, value]) => ({ value, labels: { job_name: s.name, job_version: s.version, status_code: code } })),
    ),
  );
  const histogram = 'pub_job_call_response_time_histogram';
  scrapedMetric(registry, histogram, 'Duration of proxied job calls in seconds', 'histogram', () =>
    [...stats.values()].flatMap((s) => {
      const labels = { job_name: s.name, job_version: s.version };
      let cumulative = 0;
      const samples: Sample[] = [...s.buckets].map((count, i) => {
        cumulative += count;
        return { metricName: `${histogram}_bucket`, value: cumulative, labels: { le: bucketBounds[i] ?? '+Inf', ...labels } };
      });
      samples.push({ metricName: `${histogram}_sum`, value: s.seconds, labels }, { metricName: `${histogram}_count`, value: cumulative, labels });
      return samples;
    }),
  );

  return {
    registry,
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
    /** The counters of one job version, created on first use and kept. */
    forTarget(name: string, version: string): TargetStats {
      const key = `${name}\u0000${version}`;
      let entry = stats.get(key);
      if (!entry) stats.set(key, (entry = new TargetStats(name, version)));
      return entry;
    },
    /** Records a completed call in the per-target and overall figures. */
    observe(target: TargetStats, seconds: number): void {
      target.observe(seconds);
      overallSeconds += seconds;
    },
  };
}

export type PubMetrics = ReturnType<typeof createPubMetrics>;
