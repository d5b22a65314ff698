/**
 * @module End to end: deploy from git (a local repository with the job in a subdirectory, as `file://`),
 * and a remote that cannot be cloned fails with a message naming git.remote.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { copyJob, readManifest, startTestServer, waitFor, waitForDeployment, type TestServer } from '@racetrack/testkit';
import { adderDir, callAdder } from './helpers.ts';

let server: TestServer;
before(async () => { server = await startTestServer(); });
after(async () => { await server?.stop(); });

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', ...args], { cwd, stdio: 'ignore' });
}

async function deployFromGit(manifest: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${server.lifecycleUrl}/api/v1/deploy`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ manifest }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return String(((await response.json()) as Record<string, unknown>)['id']);
}

test('a job is built from a git repository subdirectory, answers through PUB and can be redeployed from git', async () => {
  const repo = join(server.workDir, 'repo');
  await mkdir(repo, { recursive: true });
  await copyJob(adderDir, join(repo, 'jobs/adder'), { version: '3.0.0' });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'adder');
  const manifest = { ...(await readManifest(join(repo, 'jobs/adder'))), git: { remote: pathToFileURL(repo).href, branch: 'main', directory: 'jobs/adder' } };
  const deployment = await waitForDeployment(server.lifecycleUrl, await deployFromGit(manifest));
  assert.equal(deployment.status, 'done', deployment.error ?? '');
  const call = await waitFor('the git-built job to answer', async () => {
    const result = await callAdder(server.pubUrl, '3.0.0', [1, 2]);
    return result.status === 200 ? result : undefined;
  }, 15_000);
  assert.equal(call.body, 3);
  const redeploy = await fetch(`${server.lifecycleUrl}/api/v1/job/adder/3.0.0/redeploy`, { method: 'POST' });
  assert.equal(redeploy.status, 200, await redeploy.clone().text());
  const job = (await (await fetch(`${server.lifecycleUrl}/api/v1/job/adder/3.0.0`)).json()) as Record<string, unknown>;
  assert.equal(job['status'], 'running');
});

test('a remote that cannot be cloned fails the deployment naming git.remote, and registers nothing', async () => {
  const manifest = { ...(await readManifest(adderDir)), name: 'unclonable', git: { remote: pathToFileURL(join(server.workDir, 'no-such-repo')).href } };
  const deployment = await waitForDeployment(server.lifecycleUrl, await deployFromGit(manifest));
  assert.equal(deployment.status, 'failed');
  assert.match(deployment.error ?? '', /could not clone/);
  assert.match(deployment.error ?? '', /git\.remote/);
  assert.equal((await fetch(`${server.lifecycleUrl}/api/v1/job/unclonable/latest`)).status, 404);
});
