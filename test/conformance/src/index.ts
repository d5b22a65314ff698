/**
 * @module Job API conformance suite: one set of HTTP-level checks that every job type's runner must pass.
 *
 * Usage: `jobApiConformance({ name, start, sample })` inside a `*.test.ts` file run by node:test.
 */
import { after, before, describe } from 'node:test';
import { concurrencyChecks } from './checks/concurrency.ts';
import { docsChecks } from './checks/docs.ts';
import { extraChecks } from './checks/extras.ts';
import { metricsChecks } from './checks/metrics.ts';
import { performChecks } from './checks/perform.ts';
import { cpuBoundProbeChecks, probeChecks } from './checks/probes.ts';
import { waitFor200 } from './http.ts';
import type { ConformanceOptions, StartedJob } from './sample.ts';

export type { ConformanceOptions, ExpectedCall, SampleDescription, StartedJob } from './sample.ts';
export { send, waitFor200 } from './http.ts';
export { startProcessJob, freePort } from './process.ts';
export { startLocalBuild } from './local-build.ts';
export type { LocalBuildOptions } from './local-build.ts';
export type { ProcessJobOptions } from './process.ts';

/** Registers the conformance checks for one started job as a describe block. */
export function jobApiConformance(options: ConformanceOptions): void {
  const { sample } = options;
  describe(options.name, () => {
    let job: StartedJob | undefined;
    before(async () => {
      job = await options.start();
      await waitFor200(job.baseUrl, '/ready', options.readyTimeoutMs ?? 60_000);
    });
    after(async () => {
      await job?.stop();
    });
    const baseUrl = (): string => {
      if (!job) throw new Error('job not started');
      return job.baseUrl;
    };
    const ctx = { sample, baseUrl, mount: `/pub/job/${sample.jobName}/latest`, viaPub: options.viaPub ?? false };
    probeChecks(ctx);
    performChecks(ctx);
    docsChecks(ctx);
    metricsChecks(ctx);
    extraChecks(ctx);
    cpuBoundProbeChecks(ctx);
    concurrencyChecks(ctx);
  });
}
