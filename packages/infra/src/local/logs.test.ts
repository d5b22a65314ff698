/** @module Tests of reading the replicas' log files. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readVersionLogs } from './logs.ts';

let dir: string;

const line = (time: string, msg: string): string => JSON.stringify({ level: 30, time, msg });

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rt-local-logs-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('replica logs', () => {
  it('interleaves replicas by the time their lines carry, and keeps the last lines asked for', async () => {
    const versionDir = path.join(dir, 'timed');
    await mkdir(versionDir);
    await writeFile(path.join(versionDir, 'replica-0.log'), `${line('2026-01-01T00:00:01Z', 'a1')}\n${line('2026-01-01T00:00:03Z', 'a3')}\n`);
    await writeFile(path.join(versionDir, 'replica-1.log'), `${line('2026-01-01T00:00:02Z', 'b2')}\n${line('2026-01-01T00:00:04Z', 'b4')}\n`);
    const all = await readVersionLogs(versionDir, 0);
    assert.deepEqual(all.split('\n').map((l) => /"msg":"(\w+)"/.exec(l)?.[1]), ['a1', 'b2', 'a3', 'b4']);
    assert.match(all.split('\n')[1] ?? '', /^\[replica 1\] /);
    const tail = await readVersionLogs(versionDir, 2);
    assert.deepEqual(tail.split('\n').map((l) => /"msg":"(\w+)"/.exec(l)?.[1]), ['a3', 'b4']);
  });

  it('keeps file order for plain lines of a single replica', async () => {
    const versionDir = path.join(dir, 'plain');
    await mkdir(versionDir);
    await writeFile(path.join(versionDir, 'replica-0.log'), 'first\nsecond\nthird\n');
    assert.equal(await readVersionLogs(versionDir, 2), 'second\nthird');
    assert.equal(await readVersionLogs(path.join(dir, 'missing'), 5), '');
  });
});
