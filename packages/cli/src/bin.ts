#!/usr/bin/env node
/** @module The `racetrack` executable: re-executes itself on the pinned Node 24 if needed, then runs the CLI. */
import { spawnSync } from 'node:child_process';
import { findPinnedNode, requiredNodeMajor } from './node-version.ts';

const major = Number(process.versions.node.split('.')[0]);
if (major < requiredNodeMajor) {
  const pinned = findPinnedNode();
  if (!pinned) {
    process.stderr.write(`error: racetrack needs Node ${requiredNodeMajor}+ (this is ${process.version}); run "npm install" in the repository to get the pinned Node\n`);
    process.exit(1);
  }
  const result = spawnSync(pinned, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
} else {
  // Loaded only on a new enough Node, so an old one never parses the rest of the CLI.
  const { runCli } = await import('./run.ts');
  process.exitCode = await runCli(process.argv);
}
