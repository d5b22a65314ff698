/** @module Prometheus metrics of the job (spec 7.5 names, plus in-flight gauges and the user's metrics()). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { UserMetric } from '../host/protocol.ts';

const durationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000];

/** The runner's metric registry and the instruments the server updates. */
export class JobMetrics {
  readonly registry = new Registry();
  readonly internalErrors = new Counter({ name: 'request_internal_errors_total', help: 'Calls of job endpoints that failed with a server error', labelNames: ['endpoint'], registers: [this.registry] });
  readonly duration = new Histogram({ name: 'request_duration', help: 'Duration of job endpoint calls in seconds', labelNames: ['endpoint'], buckets: durationBuckets, registers: [this.registry] });
  readonly started = new Counter({ name: 'requests_started_total', help: 'Job endpoint calls started', registers: [this.registry] });
  readonly done = new Counter({ name: 'requests_done_total', help: 'Job endpoint calls finished', registers: [this.registry] });
  readonly endpointStarted = new Counter({ name: 'endpoint_requests_started_total', help: 'Job endpoint calls started, by endpoint', labelNames: ['endpoint'], registers: [this.registry] });
  readonly lastCall = new Gauge({ name: 'last_call_timestamp', help: 'Unix time (seconds) of the last job endpoint call', registers: [this.registry] });
  readonly inFlight = new Gauge({ name: 'requests_in_flight', help: 'Job endpoint calls running now (including those waiting for a concurrency slot)', labelNames: ['endpoint'], registers: [this.registry] });
  /** Reports the concurrency queue's length at scrape time (set by the server). */
  queueLength: () => number = () => 0;
  readonly queued: Gauge = new Gauge({
    name: 'requests_waiting_in_queue',
    help: 'Job endpoint calls waiting for a concurrency slot',
    registers: [this.registry],
    collect: (): void => this.queued.set(this.queueLength()),
  });
  /** Plain counts bumped on every HTTP request, copied into their counters at scrape time (cheaper per request). */
  readonly counts = { commonsStarted: 0, commonsDone: 0, commonsErrors: 0 };
  readonly commonsErrors: Counter = new Counter({ name: 'commons_internal_server_errors_total', help: 'HTTP requests answered with a 5xx status', registers: [this.registry], collect: (): void => syncCounter(this.commonsErrors, this.counts.commonsErrors) });
  readonly commonsDuration = new Histogram({ name: 'commons_request_duration', help: 'Duration of HTTP requests in seconds', buckets: durationBuckets, registers: [this.registry] });
  readonly commonsStarted: Counter = new Counter({ name: 'commons_requests_started_total', help: 'HTTP requests started', registers: [this.registry], collect: (): void => syncCounter(this.commonsStarted, this.counts.commonsStarted) });
  readonly commonsDone: Counter = new Counter({ name: 'commons_requests_done_total', help: 'HTTP requests finished', registers: [this.registry], collect: (): void => syncCounter(this.commonsDone, this.counts.commonsDone) });

  /** The user's metrics() as last read, served when a fresh read takes too long. */
  lastUserMetrics: UserMetric[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Measures one endpoint call: counts, in-flight, duration, and server errors (status >= 500). */
  async track<T>(endpoint: string, fn: () => Promise<T>): Promise<T> {
    const instruments = this.instrumentsFor(endpoint);
    this.started.inc();
    instruments.started.inc();
    this.lastCall.set(Date.now() / 1000);
    instruments.inFlight.inc();
    const begin = process.hrtime.bigint();
    try {
      return await fn();
    } catch (error) {
      if (statusOf(error) >= 500) instruments.errors.inc();
      throw error;
    } finally {
      instruments.duration.observe(Number(process.hrtime.bigint() - begin) / 1e9);
      instruments.inFlight.dec();
      this.done.inc();
    }
  }

  // Label lookups hash the label set on every call; endpoints are few, so bind them once.
  private readonly byEndpoint = new Map<string, { started: Counter.Internal; inFlight: Gauge.Internal<string>; duration: Histogram.Internal<string>; errors: Counter.Internal }>();

  private instrumentsFor(endpoint: string) {
    let instruments = this.byEndpoint.get(endpoint);
    if (!instruments) {
      instruments = {
        started: this.endpointStarted.labels({ endpoint }),
        inFlight: this.inFlight.labels({ endpoint }),
        duration: this.duration.labels({ endpoint }),
        errors: this.internalErrors.labels({ endpoint }),
      };
      this.byEndpoint.set(endpoint, instruments);
    }
    return instruments;
  }

  /** Prometheus text: the runner's metrics followed by the user's. */
  async render(userMetrics: UserMetric[]): Promise<string> {
    return (await this.registry.metrics()) + renderUserMetrics(userMetrics);
  }
}

function syncCounter(counter: Counter, value: number): void {
  counter.reset();
  counter.inc(value);
}

function statusOf(error: unknown): number {
  const detail = (error as { detail?: { status?: number }; status?: number } | undefined) ?? {};
  return detail.detail?.status ?? detail.status ?? 500;
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Renders `metrics()` entries as gauges; entries with a null value or an invalid name are skipped. */
export function renderUserMetrics(metrics: UserMetric[]): string {
  const byName = new Map<string, UserMetric[]>();
  for (const metric of metrics) {
    if (!metric || typeof metric.name !== 'string' || !metricName.test(metric.name)) continue;
    if (typeof metric.value !== 'number' || Number.isNaN(metric.value)) continue;
    byName.set(metric.name, [...(byName.get(metric.name) ?? []), metric]);
  }
  let text = '';
  for (const [name, entries] of byName) {
    const help = entries.find((e) => e.description)?.description ?? name;
    text += `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} gauge\n`;
    for (const entry of entries) text += `${name}${renderLabels(entry.labels)} ${entry.value}\n`;
  }
  return text;
}

function renderLabels(labels: Record<string, string> | undefined): string {
  const pairs = Object.entries(labels ?? {}).filter(([key]) => labelName.test(key));
  if (pairs.length === 0) return '';
  const escaped = pairs.map(([key, value]) => `${key}="${String(value).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`);
  return `{${escaped.join(',')}}`;
}
