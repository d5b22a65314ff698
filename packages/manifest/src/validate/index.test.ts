/** @module Tests of validateManifest: defaults, every kind of problem with its path, legacy fields. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRacetrackError } from '@racetrack/core';
import { validateManifest } from './index.ts';

const minimal = { name: 'adder', owner_email: 'a@example.com', jobtype: 'node:latest', git: { remote: 'https://github.com/org/adder' } };

function problemsOf(raw: unknown): string[] {
  try {
    validateManifest(raw);
  } catch (error) {
    assert.ok(isRacetrackError(error), 'a RacetrackError');
    assert.equal(error.code, 'MANIFEST_INVALID');
    assert.equal(error.status, 400);
    return error.details?.['problems'] as string[];
  }
  assert.fail('expected the manifest to be rejected');
}

describe('validateManifest', () => {
  it('applies defaults to a minimal manifest', () => {
    const { manifest, warnings } = validateManifest(minimal);
    assert.deepEqual(manifest, { ...minimal, git: { remote: 'https://github.com/org/adder', directory: '.' }, version: '0.0.1', image_type: 'docker', replicas: 1 });
    assert.deepEqual(warnings, []);
  });

  it('accepts every field of the schema', () => {
    const full = {
      ...minimal,
      version: '1.2.3-rc.1+build.5',
      git: { remote: 'https://github.com/org/adder', branch: 'feature/x', directory: 'jobs/adder' },
      jobtype_extra: { entrypoint_path: 'src/index.ts' },
      image_type: 'docker',
      system_dependencies: ['libgomp1'],
      build_env: { DEBIAN_FRONTEND: 'noninteractive' },
      runtime_env: { DEBUG: true, LIMIT: 3 },
      secret_build_env_file: '.env.build',
      secret_runtime_env_file: '.env.runtime',
      labels: { team: 'ml', tier: 2 },
      public_endpoints: ['/api/v1/perform'],
      replicas: 50,
      resources: { memory_min: '256Mi', memory_max: '1Gi', cpu_min: '10m', cpu_max: 0.5 },
      infrastructure_target: 'local',
    };
    const { manifest } = validateManifest(full);
    assert.deepEqual(manifest.runtime_env, { DEBUG: 'true', LIMIT: '3' });
    assert.deepEqual(manifest.resources, { memory_min: '256Mi', memory_max: '1Gi', cpu_min: '10m', cpu_max: '0.5' });
    assert.equal(manifest.replicas, 50);
    assert.equal(manifest.git.directory, 'jobs/adder');
  });

  it('treats null fields as absent, as the original client sends them', () => {
    const { manifest } = validateManifest({ ...minimal, lang: null, python: null, extends: null, docker: null, resources: null, git: { ...minimal.git, branch: null } });
    assert.equal(manifest.jobtype, 'node:latest');
    assert.equal('resources' in manifest, false);
    assert.equal('branch' in manifest.git, false);
  });

  it('lists ALL problems with their field paths and what was expected', () => {
    const problems = problemsOf({ ...minimal, replicas: 'three', name: 'My_Job', colour: 'red', git: { remote: 'https://x.org/r', brunch: 'main' } });
    assert.ok(problems.includes('replicas: must be an integer between 1 and 50, got "three"'), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('colour: unknown field')));
    assert.ok(problems.some((p) => p.startsWith('git.brunch: unknown field')));
    assert.ok(problems.some((p) => p.startsWith('name: must be DNS-safe')));
    assert.equal(problems.length, 4);
  });

  it('reports missing required fields', () => {
    const problems = problemsOf({ git: {} });
    assert.deepEqual(problems.map((p) => p.split(':')[0]).sort(), ['git.remote', 'jobtype', 'name', 'owner_email']);
  });

  it('rejects replicas out of range and fractional', () => {
    for (const replicas of [0, 51, 1.5]) assert.deepEqual(problemsOf({ ...minimal, replicas }), [`replicas: must be an integer between 1 and 50, got ${replicas}`]);
  });

  it('rejects versions that are not SemVer', () => {
    for (const version of ['1.0', 'v1.0.0', '01.2.3', 'latest']) assert.match(problemsOf({ ...minimal, version })[0] ?? '', /^version: must be a SemVer version/);
    assert.match(problemsOf({ ...minimal, version: 1.2 })[0] ?? '', /^version: must be a SemVer version such as "1.2.3", got 1.2/);
  });

  it('requires DNS-safe names that fit in job-<name>-v-<version>', () => {
    for (const name of ['Adder', 'my_job', '1adder', 'adder-', 'add er']) assert.match(problemsOf({ ...minimal, name })[0] ?? '', /^name: must be DNS-safe/);
    assert.match(problemsOf({ ...minimal, name: 'a'.repeat(60) })[0] ?? '', /^name: is too long/);
    assert.equal(validateManifest({ ...minimal, name: 'my-job-2' }).manifest.name, 'my-job-2');
  });

  it('checks jobtype format and owner e-mail', () => {
    assert.match(problemsOf({ ...minimal, jobtype: 'python3' })[0] ?? '', /^jobtype: must be "name:version"/);
    assert.equal(validateManifest({ ...minimal, jobtype: 'python3:2.x' }).manifest.jobtype, 'python3:2.x');
    assert.match(problemsOf({ ...minimal, owner_email: 'nobody' })[0] ?? '', /^owner_email: must be an e-mail address/);
  });

  it('accepts https, http, file and absolute local git remotes and rejects ssh', () => {
    for (const remote of ['https://github.com/a/b', 'http://127.0.0.1:8080/a.git', 'file:///tmp/repo', '/tmp/repo']) {
      assert.equal(validateManifest({ ...minimal, git: { remote } }).manifest.git.remote, remote);
    }
    for (const remote of ['git@github.com:a/b.git', 'ssh://git@github.com/a/b']) assert.match(problemsOf({ ...minimal, git: { remote } })[0] ?? '', /^git\.remote: SSH and git:\/\/ remotes are not supported/);
    assert.match(problemsOf({ ...minimal, git: { remote: 'relative/path' } })[0] ?? '', /^git\.remote: must be an https:\/\/ git URL/);
  });

  it('checks git branch and directory', () => {
    assert.match(problemsOf({ ...minimal, git: { ...minimal.git, branch: 'a..b' } })[0] ?? '', /^git\.branch: must be a valid git branch name/);
    assert.match(problemsOf({ ...minimal, git: { ...minimal.git, directory: '../other' } })[0] ?? '', /^git\.directory: must be a subdirectory/);
  });

  it('rejects reserved and malformed runtime env names and bad quantities', () => {
    const problems = problemsOf({ ...minimal, runtime_env: { JOB_NAME: 'x', '1BAD': 'y' }, resources: { memory_max: '1Gb', cpu: '1' } });
    assert.ok(problems.some((p) => p.startsWith('runtime_env.JOB_NAME: is reserved by Racetrack')));
    assert.ok(problems.some((p) => p.startsWith('runtime_env.1BAD: is not a valid environment variable name')));
    assert.ok(problems.some((p) => p.startsWith('resources.memory_max: must be a resource quantity')));
    assert.ok(problems.some((p) => p.startsWith('resources.cpu: unknown field')));
  });

  it('names list items by index', () => {
    assert.deepEqual(problemsOf({ ...minimal, public_endpoints: ['/ok', 7] }), ['public_endpoints[1]: must be a string, got 7']);
  });

  it('rejects a manifest that is not a mapping', () => {
    assert.deepEqual(problemsOf(['a']), ['(manifest): must be a mapping of manifest fields, got a list']);
  });

  it('puts every problem in a one-line message', () => {
    try {
      validateManifest({ ...minimal, replicas: 0, name: 'A' });
      assert.fail('expected rejection');
    } catch (error) {
      assert.match((error as Error).message, /^invalid manifest \(2 problems\): .*replicas: .*; name: /);
      assert.doesNotMatch((error as Error).message, /\n/);
    }
  });
});
