/** @module Prometheus metrics of the job (spec 7.5 names, plus in-flight gauges and the user's metrics()). */
import type { Counter, Gauge, Registry } from 'prom-client';
import type { UserMetric } from '../host/protocol.ts';
import { histogramHeader, PlainHistogram } from './histogram.ts';

/** Plain per-endpoint numbers, bumped on every call and copied into the registry at scrape time. */
interface EndpointCounts {
  started: number;
  inFlight: number;
  errors: number;
  duration: PlainHistogram;
}

/**
 * The runner's metric registry. Calls only bump plain numbers (and one histogram observation);
 * counters and gauges read them when Prometheus scrapes, which keeps a trivial call cheap.
 */
export class JobMetrics {
  /** Built by prepare(): prom-client is loaded off the path to /live and /ready. */
  private registry: Promise<Registry> | undefined;
  /** HTTP-level counts (every request, probes included). */
  readonly counts = { commonsStarted: 0, commonsDone: 0, commonsErrors: 0, started: 0, done: 0, lastCall: 0 };
  private readonly endpoints = new Map<string, EndpointCounts>();
  /** Reports the concurrency queue's length at scrape time (set by the server). */
  queueLength: () => number = () => 0;
  /** The user's metrics() as last read, served when a fresh read takes too long. */
  lastUserMetrics: UserMetric[] = [];
  /** Duration of every HTTP request (commons_request_duration), in seconds. */
  readonly commonsDuration = new PlainHistogram();

  /** Loads prom-client and builds the registry (default metrics included); the first scrape awaits it. */
  prepare(): Promise<Registry> {
    this.registry ??= import('prom-client').then((client) => this.build(client));
    return this.registry;
  }

  private build({ Counter, Gauge, Registry, collectDefaultMetrics }: typeof import('prom-client')): Registry {
    const registry = new Registry();
    const registers = [registry];
    const total = (name: string, help: string, read: () => number) =>
      new Counter({ name, help, registers, collect(this: Counter) { syncCounter(this, read()); } });
    const perEndpoint = (name: string, help: string, read: (counts: EndpointCounts) => number, kind: 'counter' | 'gauge') => {
      const endpoints = this.endpoints;
      if (kind === 'gauge') {
        return new Gauge({ name, help, labelNames: ['endpoint'], registers, collect(this: Gauge) {
          for (const [endpoint, counts] of endpoints) this.set({ endpoint }, read(counts));
        } });
      }
      return new Counter({ name, help, labelNames: ['endpoint'], registers, collect(this: Counter) {
        this.reset();
        for (const [endpoint, counts] of endpoints) this.inc({ endpoint }, read(counts));
      } });
    };
    total('requests_started_total', 'Job endpoint calls started', () => this.counts.started);
    total('requests_done_total', 'Job endpoint calls finished', () => this.counts.done);
    perEndpoint('endpoint_requests_started_total', 'Job endpoint calls started, by endpoint', (c) => c.started, 'counter');
    perEndpoint('request_internal_errors_total', 'Calls of job endpoints that failed with a server error', (c) => c.errors, 'counter');
    perEndpoint('requests_in_flight', 'Job endpoint calls running now (including those waiting for a concurrency slot)', (c) => c.inFlight, 'gauge');
    const counts = this.counts;
    const queueLength = () => this.queueLength();
    new Gauge({ name: 'last_call_timestamp', help: 'Unix time (seconds) of the last job endpoint call', registers, collect(this: Gauge) { this.set(counts.lastCall); } });
    new Gauge({ name: 'requests_waiting_in_queue', help: 'Job endpoint calls waiting for a concurrency slot', registers, collect(this: Gauge) { this.set(queueLength()); } });
    total('commons_requests_started_total', 'HTTP requests started', () => this.counts.commonsStarted);
    total('commons_requests_done_total', 'HTTP requests finished', () => this.counts.commonsDone);
    total('commons_internal_server_errors_total', 'HTTP requests answered with a 5xx status', () => this.counts.commonsErrors);
    collectDefaultMetrics({ register: registry });
    return registry;
  }

  /** Measures one endpoint call: counts, in-flight, duration, and server errors (status >= 500). */
  track<T>(endpoint: string, fn: () => Promise<T>): Promise<T> {
    const counts = this.endpoint(endpoint);
    this.counts.started++;
    this.counts.lastCall = Date.now() / 1000;
    counts.started++;
    counts.inFlight++;
    const begin = performance.now();
    const finish = (error?: unknown): void => {
      if (error !== undefined && statusOf(error) >= 500) counts.errors++;
      counts.duration.observe((performance.now() - begin) / 1000);
      counts.inFlight--;
      this.counts.done++;
    };
    // then() rather than async/finally: one promise less on every call.
    return fn().then(
      (value) => {
        finish();
        return value;
      },
      (error: unknown) => {
        finish(error ?? new Error('undefined thrown'));
        throw error;
      },
    );
  }

  private endpoint(endpoint: string): EndpointCounts {
    let counts = this.endpoints.get(endpoint);
    if (!counts) {
      counts = { started: 0, inFlight: 0, errors: 0, duration: new PlainHistogram() };
      this.endpoints.set(endpoint, counts);
    }
    return counts;
  }

  /** Prometheus text: the runner's metrics followed by the user's. */
  async render(userMetrics: UserMetric[]): Promise<string> {
    return this.renderHistograms() + (await (await this.prepare()).metrics()) + renderUserMetrics(userMetrics);
  }

  private renderHistograms(): string {
    let text = histogramHeader('request_duration', 'Duration of job endpoint calls in seconds');
    for (const [endpoint, counts] of this.endpoints) text += counts.duration.render('request_duration', `endpoint="${escapeLabel(endpoint)}"`);
    text += histogramHeader('commons_request_duration', 'Duration of HTTP requests in seconds');
    return text + this.commonsDuration.render('commons_request_duration', '');
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
  const escaped = pairs.map(([key, value]) => `${key}="${escapeLabel(String(value))}"`);
  return `{${escaped.join(',')}}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
