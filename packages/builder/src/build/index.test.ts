/** @module Tests of the builder: git and archive sources, the content-hash cache, logs and bad input. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { create as createTar } from 'tar';
import { deploymentPhases, isRacetrackError } from '@racetrack/core';
import type { JobType } from '@racetrack/job-types';
import { createBuilder, type BuildRequest } from './index.ts';

/** A minimal job-type plugin: copies the source and "runs" its main.js; it logs a build env value to prove masking. */
const copyJobType: JobType = {
  name: 'copy',
  version: '1.0.0',
  validate: () => [],
  cacheKeyExtras: () => [],
  async buildLocal({ sourceDir, workspaceDir, buildEnv, log }) {
    await cp(sourceDir, workspaceDir, { recursive: true });
    log(`using token ${buildEnv['TOKEN'] ?? 'none'}`);
    return { kind: 'process', cwd: workspaceDir, command: process.execPath, args: [path.join(workspaceDir, 'main.js')] };
  },
};

let root: string;
let repo: string;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' });
}

function request(overrides: Partial<BuildRequest> & { logs?: string[]; phases?: string[] } = {}): BuildRequest {
  const { logs = [], phases = [], ...rest } = overrides;
  return {
    deploymentId: 'dep-1',
    manifest: { name: 'adder', version: '0.0.1', jobtype: 'copy:latest', git: { remote: repo } },
    source: { kind: 'git', remote: `file://${repo}` },
    buildEnv: {},
    noCache: false,
    onLog: (line) => logs.push(line),
    onPhase: (phase) => phases.push(phase),
    ...rest,
  };
}

async function archiveOf(dir: string, entries: string[]): Promise<string> {
  const file = path.join(root, `ctx-${Math.random().toString(16).slice(2)}.tar.gz`);
  await createTar({ gzip: true, cwd: dir, file, preservePaths: true }, entries);
  return (await readFile(file)).toString('base64');
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'rt-builder-'));
  repo = path.join(root, 'repo');
  await mkdir(path.join(repo, 'sub'), { recursive: true });
  await writeFile(path.join(repo, 'main.js'), 'console.log("hi")\n');
  await writeFile(path.join(repo, 'sub', 'main.js'), 'console.log("sub")\n');
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'first');
  git(repo, 'branch', 'other');
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('builder', () => {
  it('builds from a file:// git repository, reporting phases and logs', async () => {
    const dataDir = path.join(root, 'data-git');
    const logs: string[] = [];
    const phases: string[] = [];
    const result = await createBuilder({ dataDir, jobTypes: [copyJobType] }).build(request({ logs, phases }));
    assert.equal(result.cacheHit, false);
    assert.equal(result.jobTypeVersion, 'copy:1.0.0');
    assert.match(result.gitVersion, /^[0-9a-f]{7,}$/);
    assert.equal(result.workspaceDir, path.join(dataDir, 'builds', result.contentHash));
    assert.equal(result.artefact.kind === 'process' && result.artefact.cwd, result.workspaceDir);
    assert.equal(result.artefact.kind === 'process' && result.artefact.args[0], path.join(result.workspaceDir, 'main.js'));
    assert.equal(await readFile(path.join(result.workspaceDir, 'main.js'), 'utf8'), 'console.log("hi")\n');
    assert.deepEqual(phases, [deploymentPhases.fetching, deploymentPhases.preparing, 'building image (1/1)', deploymentPhases.finalizing]);
    const logFile = await readFile(path.join(dataDir, 'build-logs', 'dep-1.log'), 'utf8');
    assert.equal(logFile, logs.map((l) => `${l}\n`).join(''));
    assert.deepEqual(await readdir(path.join(dataDir, 'builds', '.tmp')), [], 'scratch space is cleaned up');
  });

  it('reuses the workspace of an unchanged redeploy and rebuilds with noCache', async () => {
    const dataDir = path.join(root, 'data-cache');
    const builder = createBuilder({ dataDir, jobTypes: [copyJobType] });
    const first = await builder.build(request());
    const second = await builder.build(request({ deploymentId: 'dep-2' }));
    assert.equal(second.cacheHit, true);
    assert.equal(second.contentHash, first.contentHash);
    assert.deepEqual(second.artefact, first.artefact);
    const forced = await builder.build(request({ deploymentId: 'dep-3', noCache: true }));
    assert.equal(forced.cacheHit, false);
    assert.equal(forced.contentHash, first.contentHash);
    const changed = await builder.build(request({ deploymentId: 'dep-4', buildEnv: { MODE: 'fast' } }));
    assert.equal(changed.cacheHit, false);
    assert.notEqual(changed.contentHash, first.contentHash);
  });

  it('builds again when a cached build refers to a file that is gone', async () => {
    const dataDir = path.join(root, 'data-stale');
    const builder = createBuilder({ dataDir, jobTypes: [copyJobType] });
    const first = await builder.build(request());
    await rm(path.join(first.workspaceDir, 'main.js'));
    const logs: string[] = [];
    const again = await builder.build(request({ deploymentId: 'dep-2', logs }));
    assert.equal(again.cacheHit, false);
    assert.ok(logs.some((line) => line.includes(`refers to ${path.join(first.workspaceDir, 'main.js')}, which no longer exists`)), logs.join('\n'));
    assert.equal(await readFile(path.join(again.workspaceDir, 'main.js'), 'utf8'), 'console.log("hi")\n');
  });

  it('warms job types up in the shared cache dir, and a job type failing to warm up does not fail the others', async () => {
    const dataDir = path.join(root, 'data-warm');
    const warmed: string[] = [];
    const warming = (name: string, fail: boolean): JobType => ({
      ...copyJobType, name,
      warmUp: async (dir) => {
        if (fail) throw new Error('no esbuild here');
        warmed.push(`${name}:${dir}`);
      },
    });
    await createBuilder({ dataDir, jobTypes: [warming('broken', true), warming('fine', false), copyJobType] }).warmUp();
    assert.deepEqual(warmed, [`fine:${path.join(dataDir, 'job-type-cache')}`]);
  });

  it('builds the same content once when two deployments ask for it at the same time', async () => {
    const builder = createBuilder({ dataDir: path.join(root, 'data-concurrent'), jobTypes: [copyJobType] });
    const results = await Promise.all([builder.build(request({ deploymentId: 'a' })), builder.build(request({ deploymentId: 'b' }))]);
    assert.deepEqual(results.map((r) => r.cacheHit).sort(), [false, true]);
    assert.equal(results[0]?.contentHash, results[1]?.contentHash);
  });

  it('prunes cached workspaces no job keeps', async () => {
    const builder = createBuilder({ dataDir: path.join(root, 'data-prune'), jobTypes: [copyJobType] });
    const kept = await builder.build(request());
    const dropped = await builder.build(request({ deploymentId: 'dep-2', buildEnv: { MODE: 'other' } }));
    assert.deepEqual(await builder.prune([kept.contentHash]), [], 'young entries stay');
    assert.deepEqual(await builder.prune([kept.contentHash], 0), [dropped.contentHash]);
    assert.deepEqual((await readdir(path.join(root, 'data-prune', 'builds'))).filter((n) => n !== '.tmp'), [kept.contentHash]);
  });

  it('applies git.directory and branch', async () => {
    const result = await createBuilder({ dataDir: path.join(root, 'data-dir'), jobTypes: [copyJobType] }).build(
      request({ source: { kind: 'git', remote: repo, branch: 'other', directory: 'sub' } }),
    );
    assert.equal(await readFile(path.join(result.workspaceDir, 'main.js'), 'utf8'), 'console.log("sub")\n');
  });

  it('gives the same content hash for the same files from git and from an archive', async () => {
    const builder = createBuilder({ dataDir: path.join(root, 'data-archive'), jobTypes: [copyJobType] });
    const fromGit = await builder.build(request());
    const fromArchive = await builder.build(request({ source: { kind: 'archive', base64TarGz: await archiveOf(repo, ['main.js', 'sub']) } }));
    assert.equal(fromArchive.gitVersion, 'tar');
    assert.equal(fromArchive.contentHash, fromGit.contentHash);
    assert.equal(fromArchive.cacheHit, true);
  });

  it('refuses archives with entries escaping the root and leaves nothing behind', async () => {
    const dataDir = path.join(root, 'data-hostile');
    const outside = path.join(root, 'outside');
    await mkdir(path.join(outside, 'inner'), { recursive: true });
    await writeFile(path.join(outside, 'evil.txt'), 'x');
    const hostile = await archiveOf(path.join(outside, 'inner'), ['../evil.txt']);
    await assert.rejects(
      createBuilder({ dataDir, jobTypes: [copyJobType] }).build(request({ source: { kind: 'archive', base64TarGz: hostile } })),
      (error) => isRacetrackError(error) && error.code === 'BUILD_CONTEXT_INVALID' && error.message.includes('../evil.txt'),
    );
    assert.deepEqual(await readdir(path.join(dataDir, 'builds', '.tmp')), []);
    assert.deepEqual((await readdir(path.join(dataDir, 'builds'))).filter((n) => n !== '.tmp'), []);
  });

  it('rejects garbage instead of an archive', async () => {
    await assert.rejects(
      createBuilder({ dataDir: path.join(root, 'data-garbage'), jobTypes: [copyJobType] }).build(
        request({ source: { kind: 'archive', base64TarGz: Buffer.from('not a tarball at all').toString('base64') } }),
      ),
      (error) => isRacetrackError(error) && error.code === 'BUILD_CONTEXT_INVALID',
    );
  });

  it('says what to fix when the repository cannot be cloned, without leaking credentials', async () => {
    const logs: string[] = [];
    await assert.rejects(
      createBuilder({ dataDir: path.join(root, 'data-badgit'), jobTypes: [copyJobType] }).build(
        request({ logs, source: { kind: 'git', remote: `file://${root}/nope`, credentials: { username: 'u', password: 'hunter2-secret' } } }),
      ),
      (error) => isRacetrackError(error) && error.code === 'GIT_FETCH_FAILED' && /git\.remote/.test(error.message) && !error.message.includes('hunter2'),
    );
    assert.ok(logs.some((l) => l.startsWith('build failed')));
    assert.ok(!logs.join('\n').includes('hunter2-secret'));
  });

  it('names a missing git.directory', async () => {
    await assert.rejects(
      createBuilder({ dataDir: path.join(root, 'data-nodir'), jobTypes: [copyJobType] }).build(
        request({ source: { kind: 'git', remote: repo, directory: 'missing' } }),
      ),
      (error) => isRacetrackError(error) && error.code === 'BUILD_CONTEXT_INVALID' && error.message.includes('git.directory "missing"'),
    );
  });

  it('rejects an unknown job type', async () => {
    await assert.rejects(
      createBuilder({ dataDir: path.join(root, 'data-jt'), jobTypes: [copyJobType] }).build(
        request({ manifest: { name: 'adder', jobtype: 'cobol:latest' } }),
      ),
      (error) => isRacetrackError(error) && error.code === 'JOB_TYPE_UNKNOWN',
    );
  });

  it('masks secrets in the error of a failed build', async () => {
    const leakyJobType: JobType = { ...copyJobType, buildLocal: ({ buildEnv }) => Promise.reject(new Error(`tool said: token=${buildEnv['TOKEN']}`)) };
    await assert.rejects(
      createBuilder({ dataDir: path.join(root, 'data-leak'), jobTypes: [leakyJobType] }).build(
        request({ manifest: { name: 'adder', jobtype: 'copy:latest' }, buildEnv: { TOKEN: 'leaky-secret' } }),
      ),
      (error) => isRacetrackError(error) && error.code === 'BUILD_FAILED' && error.message.includes('token=***') && !error.message.includes('leaky-secret'),
    );
  });

  it('masks secret build env values in the log stream and file', async () => {
    const dataDir = path.join(root, 'data-secret');
    const logs: string[] = [];
    await createBuilder({ dataDir, jobTypes: [copyJobType] }).build(
      request({ logs, buildEnv: { TOKEN: 's3cr3t-value', MODE: 'plain-mode' }, secretKeys: ['TOKEN'] }),
    );
    const file = await readFile(path.join(dataDir, 'build-logs', 'dep-1.log'), 'utf8');
    assert.ok(logs.includes('using token ***'));
    assert.ok(!file.includes('s3cr3t-value') && file.includes('using token ***'));
  });
});
