/** @module Runs the job API conformance suite against the Python wrapper (python -m racetrack_job_wrapper run ...). */
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { builtinJobTypes } from '@racetrack/job-types';
import { jobApiConformance, startProcessJob, waitFor200 } from './index.ts';
import { startLocalBuild } from './local-build.ts';
import type { SampleDescription } from './index.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const wrapperDir = join(repoRoot, 'job-types', 'python3');
const python = process.env['RACETRACK_PYTHON'] ?? 'python3';

/** Starts the wrapper from the job's directory, as the python3 job type does. */
function startWrapper(jobDir: string, entrypoint: string, env: Record<string, string> = {}) {
  return () => startProcessJob({
    command: python,
    args: ['-u', '-m', 'racetrack_job_wrapper', 'run', entrypoint, '--port', '{port}', '--host', '127.0.0.1'],
    cwd: jobDir,
    env: { PYTHONPATH: wrapperDir, JOB_DEPLOYMENT_TIMESTAMP: '1700000000', LOG_LEVEL: 'warning', ...env },
  });
}

const adder: SampleDescription = {
  jobName: 'adder',
  perform: { input: { numbers: [40, 2] }, output: 42 },
  parameters: [{ name: 'numbers', required: true }],
  invalidInputs: [
    { input: { numbers: 'forty' }, field: 'numbers' },
    { input: { numbers: [1, 'x'] }, field: 'numbers' },
  ],
};
jobApiConformance({ name: 'python3 wrapper: samples/python-adder', start: startWrapper(join(repoRoot, 'samples/python-adder'), 'adder.py'), sample: adder });

jobApiConformance({
  name: 'python3 wrapper: samples/python-auxiliary-endpoints',
  start: startWrapper(join(repoRoot, 'samples/python-auxiliary-endpoints'), 'entrypoint.py'),
  sample: {
    jobName: 'python-auxiliary-endpoints',
    perform: { input: { numbers: [40, 2] }, output: 42 },
    parameters: [{ name: 'numbers', required: true }],
    auxiliary: [
      { path: '/explain', input: { x: 1, y: 3 }, output: { x_importance: 0.25, y_importance: 0.75 } },
      { path: '/random', input: { start: 5, end: 5 }, output: 5 },
    ],
  },
});

jobApiConformance({
  name: 'python3 wrapper: samples/python-static-endpoints',
  start: startWrapper(join(repoRoot, 'samples/python-static-endpoints'), 'entrypoint.py'),
  sample: {
    jobName: 'python-static-endpoints',
    perform: { input: { name: 'Racetrack' }, output: 'hello Racetrack' },
    parameters: [{ name: 'name', required: false }],
    staticFiles: [
      { path: '/manifest', contentType: 'application/x-yaml', contains: 'name: python-static-endpoints' },
      { path: '/docs/guide.html', contentType: 'text/html', contains: 'Greeter guide' },
    ],
    staticDirectory: { path: '/docs', outsideFile: 'entrypoint.py', outsideText: 'class JobEntrypoint' },
  },
});

jobApiConformance({
  name: 'python3 wrapper: samples/python-metrics',
  start: startWrapper(join(repoRoot, 'samples/python-metrics'), 'entrypoint.py'),
  sample: {
    jobName: 'python-metrics',
    perform: { input: { number: 7 }, output: true },
    parameters: [{ name: 'number', required: true }],
    customMetrics: ['job_wasted_seconds', 'job_positives', 'job_mood'],
  },
});

jobApiConformance({
  name: 'python3 wrapper: conformance fixture (errors, webview, concurrency)',
  start: startWrapper(join(repoRoot, 'test/conformance/fixtures/python-conformance'), 'job.py'),
  sample: {
    jobName: 'conformance',
    perform: { input: { numbers: [40, 2] }, output: 42 },
    parameters: [{ name: 'numbers', required: true }, { name: 'delay', required: false }, { name: 'fail', required: false }, { name: 'burn', required: false }],
    invalidInputs: [{ input: { numbers: [1], fail: 'yes' }, field: 'fail' }],
    failingInput: { input: { numbers: [1], fail: true }, message: 'failing on purpose' },
    webview: { page: '/', contains: 'Conformance webview', staticFile: { path: '/style.css', contains: '#123456' } },
    cpuBoundInput: { numbers: [1], burn: 2 },
    concurrency: { maxConcurrency: 1, maxQueue: 1, slowInput: { numbers: [1], delay: 1.5 } },
  },
});

jobApiConformance({
  name: 'python3 wrapper: samples/python-model (model loaded in __init__)',
  start: startWrapper(join(repoRoot, 'samples/python-model'), 'entrypoint.py'),
  sample: {
    jobName: 'python-model',
    perform: { input: { areas: [50, 100] }, output: [230.9, 429.8] },
    parameters: [{ name: 'areas', required: true }],
  },
});

jobApiConformance({
  name: 'python3 wrapper: samples/python-env-vars',
  start: startWrapper(join(repoRoot, 'samples/python-env-vars'), 'entrypoint.py', {
    DJANGO_DEBUG: 'true', TORCH_MODEL_ZOO: 'zoo', SUPER_SECRET_TOKEN: 's3cr3t-value', GITLAB_TOKEN: '',
  }),
  sample: {
    jobName: 'python-env-vars',
    perform: { input: {}, output: { DJANGO_DEBUG: 'true', TORCH_MODEL_ZOO: 'zoo', SUPER_SECRET_TOKEN: 's3*** (12 chars)', GITLAB_TOKEN: '' } },
    parameters: [],
  },
});

jobApiConformance({
  name: 'python3 wrapper: samples/python-fatman-legacy (fatman.yaml, FatmanEntrypoint)',
  start: startWrapper(join(repoRoot, 'samples/python-fatman-legacy'), 'fatman_entrypoint.py'),
  sample: {
    jobName: 'python-fatman-legacy',
    perform: { input: { x: 20, y: 5 }, output: 100 },
    parameters: [{ name: 'x', required: true }, { name: 'y', required: true }],
  },
});

// The chain sample calls adder through PUB; the wrapper serves /pub/job/adder/<version>/..., so adder stands in for PUB.
jobApiConformance({
  name: 'python3 wrapper: samples/python-chain (calls adder)',
  start: async () => {
    const adderJob = await startWrapper(join(repoRoot, 'samples/python-adder'), 'adder.py')();
    await waitFor200(adderJob.baseUrl, '/ready', 30_000);
    const chain = await startWrapper(join(repoRoot, 'samples/python-chain'), 'entrypoint.py', { PUB_URL: `${adderJob.baseUrl}/pub`, AUTH_TOKEN: 'token' })();
    return { baseUrl: chain.baseUrl, stop: async () => { await chain.stop(); await adderJob.stop(); } };
  },
  sample: {
    jobName: 'python-chain',
    perform: { input: { numbers: [40, 2.7] }, output: 43 },
    parameters: [{ name: 'numbers', required: true }],
  },
});

// The same sample built by the python3 job type (venv, copied wrapper, launcher), once it is registered as built-in.
const python3 = builtinJobTypes().find((jobType) => jobType.name === 'python3');
if (python3) {
  jobApiConformance({
    name: 'python3 job type (buildLocal): samples/python-adder',
    start: () => startLocalBuild({ jobType: python3, sourceDir: join(repoRoot, 'samples/python-adder') }),
    sample: adder,
  });
  jobApiConformance({
    name: 'python3 job type (buildLocal): requirements pinning stdlib backports and old packages',
    start: () => startLocalBuild({ jobType: python3, sourceDir: join(repoRoot, 'test/conformance/fixtures/python-odd-pins') }),
    readyTimeoutMs: 120_000,
    sample: {
      jobName: 'odd-pins',
      perform: { input: { numbers: [40, 2] }, output: { sum: 42, six: '1.10.0' } },
      parameters: [{ name: 'numbers', required: true }],
    },
  });
} else {
  describe('python3 job type (buildLocal): samples/python-adder', () => {
    it('conforms', { skip: 'python3 is not in builtinJobTypes() yet (packages/job-types/src/builtin/index.ts)' }, () => undefined);
  });
}
