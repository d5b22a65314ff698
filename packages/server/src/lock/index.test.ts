import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockDataDir } from './index.ts';

const dirs: string[] = [];
after(async () => { for (const dir of dirs) await rm(dir, { recursive: true, force: true }); });

test('a second lock on the same data dir is refused until the first is released', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rt-lock-'));
  dirs.push(dir);
  const first = await lockDataDir(dir);
  await writeFile(join(dir, 'server.lock'), '1\n'); // pid 1 is always alive
  await assert.rejects(lockDataDir(dir), /another racetrack server \(pid 1\)/);
  await writeFile(join(dir, 'server.lock'), `${process.pid}\n`);
  await first.release();
  const second = await lockDataDir(dir);
  await second.release();
});

test('a lock left by a dead process is taken over', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rt-lock-'));
  dirs.push(dir);
  await writeFile(join(dir, 'server.lock'), '999999999\n');
  const lock = await lockDataDir(dir);
  await lock.release();
});
