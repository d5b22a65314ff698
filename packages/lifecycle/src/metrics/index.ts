/** @module Lifecycle's Prometheus metrics (names from spec section 1.13), one registry per lifecycle. */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface LifecycleMetrics {
  registry: Registry;
  requestedDeployments: Counter;
  doneDeployments: Counter;
  deployedJobs: Counter;
  scrapes: Counter;
  jobsByStatus: Gauge<'status'>;
}

/** Creates the metrics; `withDefaults` adds process metrics (only once per process is useful). */
export function createLifecycleMetrics(withDefaults = false): LifecycleMetrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    requestedDeployments: new Counter({ name: 'requested_job_deployments', help: 'Deployments requested', registers: [registry] }),
    doneDeployments: new Counter({ name: 'done_job_deployments', help: 'Deployments finished successfully', registers: [registry] }),
    deployedJobs: new Counter({ name: 'deployed_job', help: 'Job versions that became running', registers: [registry] }),
    scrapes: new Counter({ name: 'metrics_scrapes', help: 'Scrapes of this endpoint', registers: [registry] }),
    jobsByStatus: new Gauge({ name: 'jobs_count_by_status', help: 'Jobs per status', labelNames: ['status'], registers: [registry] }),
  };
}
