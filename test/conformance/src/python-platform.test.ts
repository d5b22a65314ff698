/** @module Python samples deployed with `racetrack deploy` on the local infrastructure, checked through PUB with the conformance suite. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, startTestServer, type TestServer } from '@racetrack/testkit';
import { jobApiConformance } from './index.ts';
import type { SampleDescription, StartedJob } from './index.ts';

const samples = ['python-adder', 'python-auxiliary-endpoints', 'python-auxiliary-endpoints-v2', 'python-fatman-legacy', 'python-chain'];
let platform: Promise<TestServer> | undefined;

/** One platform for the whole file, with every sample deployed once (in order: the chain needs the adder). */
function deployedPlatform(): Promise<TestServer> {
  platform ??= (async () => {
    const server = await startTestServer();
    for (const sample of samples) {
      const dir = join(server.workDir, sample);
      await cp(join(repoRoot, 'samples', sample), dir, { recursive: true });
      const result = await server.cli(['deploy', dir]);
      assert.equal(result.code, 0, `racetrack deploy ${sample} failed:\n${result.stdout}\n${result.stderr}\n${server.output().slice(-3000)}`);
      if (sample === 'python-fatman-legacy') assert.match(result.stdout + result.stderr, /"lang" is deprecated/);
    }
    return server;
  })();
  return platform;
}

after(async () => {
  await (await platform)?.stop();
});

/** The job as PUB serves it; stopping is left to the platform. */
async function throughPub(jobName: string): Promise<StartedJob> {
  const server = await deployedPlatform();
  return { baseUrl: `${server.pubUrl}/job/${jobName}/latest`, stop: async () => undefined };
}

const cases: SampleDescription[] = [
  {
    jobName: 'adder',
    perform: { input: { numbers: [40, 2] }, output: 42 },
    parameters: [{ name: 'numbers', required: true }],
    invalidInputs: [{ input: { numbers: [1, 'x'] }, field: 'numbers' }],
  },
  {
    jobName: 'python-auxiliary-endpoints',
    perform: { input: { numbers: [40, 2] }, output: 42 },
    parameters: [{ name: 'numbers', required: true }],
    auxiliary: [{ path: '/explain', input: { x: 1, y: 3 }, output: { x_importance: 0.25, y_importance: 0.75 } }],
  },
  {
    jobName: 'python-auxiliary-endpoints-v2',
    perform: { input: { numbers: [40, 2] }, output: 42 },
    parameters: [{ name: 'numbers', required: true }],
    auxiliary: [{ path: '/explain', input: { x: 1, y: 3 }, output: { x_importance: 0.25, y_importance: 0.75 } }],
  },
  {
    jobName: 'python-fatman-legacy',
    perform: { input: { x: 20, y: 5 }, output: 100 },
    parameters: [{ name: 'x', required: true }, { name: 'y', required: true }],
  },
  {
    jobName: 'python-chain',
    perform: { input: { numbers: [40, 2.7] }, output: 43 },
    parameters: [{ name: 'numbers', required: true }],
  },
];

test('auxiliary_endpoints_v2: a GET route takes its path and query parameters through PUB, and bad input is a 422', async () => {
  const { baseUrl } = await throughPub('python-auxiliary-endpoints-v2');
  const counted = await fetch(`${baseUrl}/api/v1/countdown/5?step=2`);
  assert.equal(counted.status, 200);
  assert.deepEqual(await counted.json(), [5, 3, 1]);
  const bad = await fetch(`${baseUrl}/api/v1/countdown/five`);
  assert.equal(bad.status, 422);
  assert.match(((await bad.json()) as { error: string }).error, /path parameter "start" must be an integer/);
  const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  assert.ok(document.paths['/api/v1/countdown/{start}']?.['get'], Object.keys(document.paths).join(', '));
});

for (const sample of cases) {
  jobApiConformance({ name: `racetrack deploy + PUB: ${sample.jobName} (python3)`, start: () => throughPub(sample.jobName), sample, viaPub: true });
}
