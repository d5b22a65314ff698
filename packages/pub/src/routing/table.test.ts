/** @module Routing table: version resolution over running versions, failures, round-robin, change detection. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobDto } from '../test-support/servers.ts';
import { RoutingTable, isTarget, nextReplica, type Resolution, type RouteFailure } from './table.ts';

function table() {
  const t = new RoutingTable();
  t.replace([
    jobDto('adder', '1.0.0', 'running', ['h:1']),
    jobDto('adder', '1.2.0', 'running', ['h:2']),
    jobDto('adder', '1.10.0', 'running', ['h:3']),
    jobDto('adder', '1.11.0', 'error', ['h:4']),
    jobDto('adder', '2.0.0-alpha', 'running', ['h:5']),
    jobDto('adder', '2.1.0', 'starting', []),
    jobDto('adder', '3.0.0', 'lost', ['h:6']),
    jobDto('broken', '1.0.0', 'error', ['h:7']),
  ]);
  return t;
}

function versionOf(resolution: Resolution): string {
  assert.ok(isTarget(resolution), `expected a route, got ${JSON.stringify(resolution)}`);
  return resolution.version;
}

function failureOf(resolution: Resolution): RouteFailure {
  assert.ok(!isTarget(resolution), `expected a failure, got version ${JSON.stringify(resolution)}`);
  return resolution;
}

test('latest is the highest stable running version (not error, lost, starting or prerelease)', () => {
  assert.equal(versionOf(table().resolve('adder', 'latest')), '1.10.0');
});

test('wildcards pick the highest running match, numerically', () => {
  const t = table();
  assert.equal(versionOf(t.resolve('adder', '1.x')), '1.10.0');
  assert.equal(versionOf(t.resolve('adder', '1.2.x')), '1.2.0');
  assert.equal(versionOf(t.resolve('adder', 'x')), '1.10.0');
  assert.equal(versionOf(t.resolve('adder', 'x.x.x')), '1.10.0');
});

test('an exact version routes even when it is a prerelease', () => {
  assert.equal(versionOf(table().resolve('adder', '2.0.0-alpha')), '2.0.0-alpha');
});

test('an exact version that is not running is a 503 naming its status', () => {
  const failure = failureOf(table().resolve('adder', '1.11.0'));
  assert.equal(failure.code, 'JOB_NOT_RUNNING');
  assert.match(failure.message, /1\.11\.0 is error, not running/);
  assert.equal(failure.jobStatus, 'error');
});

test('a wildcard whose only matches are not running is a 503, and latest of a job with none running too', () => {
  const t = table();
  const twoX = failureOf(t.resolve('adder', '2.x'));
  assert.equal(twoX.code, 'JOB_NOT_RUNNING');
  assert.match(twoX.message, /no running version of job "adder" matches "2.x"/);
  assert.equal(failureOf(t.resolve('broken', 'latest')).code, 'JOB_NOT_RUNNING');
});

test('unknown jobs and versions are 404s that say which versions exist', () => {
  const t = table();
  const job = failureOf(t.resolve('nope', 'latest'));
  assert.equal(job.code, 'JOB_NOT_FOUND');
  assert.match(job.message, /job "nope" is not deployed/);
  const version = failureOf(t.resolve('adder', '9.9.9'));
  assert.equal(version.code, 'JOB_NOT_FOUND');
  assert.match(version.message, /1\.0\.0 \(running\)/);
  assert.match(version.message, /1\.11\.0 \(error\)/);
  assert.equal(failureOf(t.resolve('adder', '7.x')).code, 'JOB_NOT_FOUND');
});

test('round-robin cycles over replica_internal_names, falling back to internal_name', () => {
  const t = new RoutingTable();
  t.replace([jobDto('a', '1.0.0', 'running', ['r1', 'r2', 'r3']), jobDto('b', '1.0.0', 'running', [], 'only:7000')]);
  const a = t.resolve('a', 'latest');
  assert.ok(isTarget(a));
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => nextReplica(a)), ['r1', 'r2', 'r3', 'r1', 'r2', 'r3']);
  const b = t.resolve('b', '1.0.0');
  assert.ok(isTarget(b));
  assert.equal(nextReplica(b), 'only:7000');
});

test('a running version without any instance address is not routable', () => {
  const t = new RoutingTable();
  t.replace([jobDto('a', '1.0.0', 'running', [], null)]);
  const failure = failureOf(t.resolve('a', '1.0.0'));
  assert.equal(failure.code, 'JOB_NOT_RUNNING');
  assert.match(failure.message, /no reachable instance/);
});

test('an unchanged listing keeps targets and their round-robin cursors; a change rebuilds them', () => {
  const t = new RoutingTable();
  const jobs = [jobDto('a', '1.0.0', 'running', ['r1', 'r2'])];
  assert.equal(t.loaded, false);
  assert.equal(t.replace(jobs), true);
  assert.equal(t.loaded, true);
  const first = t.resolve('a', 'latest');
  assert.equal(t.replace(structuredClone(jobs)), false);
  assert.equal(t.resolve('a', 'latest'), first);
  assert.equal(t.replace([jobDto('a', '1.0.0', 'running', ['r1', 'r2', 'r3'])]), true);
  const rebuilt = t.resolve('a', 'latest');
  assert.notEqual(rebuilt, first);
  assert.ok(isTarget(rebuilt));
  assert.equal(rebuilt.replicas.length, 3);
  assert.deepEqual([...t.hosts()].sort(), ['r1', 'r2', 'r3']);
});
