/**
 * @module Runs every test file with node's test runner and closes with a plain
 * `N passed, N failed` line, which CI reads whatever reporter is in use.
 *
 * Usage: `npm test` (everything) or `npm test -- <glob|file>...` (a subset).
 */
import { spawn } from 'node:child_process';

const defaultGlobs = ['packages/*/src/**/*.test.ts', 'test/*/src/**/*.test.ts'];
const globs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : defaultGlobs;
// Two cores: run two files at once; e2e files start servers, so more would only thrash.
const concurrency = process.env['RACETRACK_TEST_CONCURRENCY'] ?? '2';

const child = spawn(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...globs],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);

const counts = { pass: 0, fail: 0, skipped: 0, todo: 0, cancelled: 0 };
let tail = '';
child.stdout.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString('utf8')).slice(-4000);
});
child.on('close', (code) => {
  for (const key of Object.keys(counts) as (keyof typeof counts)[]) {
    const match = new RegExp(`ℹ ${key} (\\d+)`).exec(tail);
    if (match?.[1]) counts[key] = Number(match[1]);
  }
  const failed = counts.fail + counts.cancelled;
  console.log(`\n${counts.pass} passed, ${failed} failed, ${counts.skipped + counts.todo} skipped`);
  process.exit(code ?? 1);
});
