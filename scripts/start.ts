/**
 * @module README's first command: starts the all-in-one server with its embedded defaults and
 * deploys the sample adder, then keeps serving until Ctrl-C.
 *
 * Env: RACETRACK_PORT (default 7200), RACETRACK_DATA_DIR (default ~/.racetrack).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServer } from '@racetrack/server';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const port = Number(process.env['RACETRACK_PORT'] ?? 7200);

const server = await startServer({ port });
console.log(`racetrack server listening on ${server.url} (lifecycle ${server.url}/lifecycle, pub ${server.url}/pub)`);

const cliPath = fileURLToPath(new URL('../packages/cli/src/bin.ts', import.meta.url));
const deploy = spawn(
  process.execPath,
  [cliPath, 'deploy', 'samples/adder', '--remote', `${server.url}/lifecycle`],
  { cwd: repoRoot, stdio: 'inherit' },
);
const exitCode: number = await new Promise((resolve) => deploy.on('close', (code) => resolve(code ?? 1)));
if (exitCode === 0) {
  console.log(`\nTry it:\n  curl -s -X POST ${server.url}/pub/job/adder/latest/api/v1/perform ` +
    `-H 'Content-Type: application/json' -d '{"numbers": [40, 2]}'\n` +
    `  open ${server.url}/pub/job/adder/latest/docs\nCtrl-C stops the server (jobs stop with it).`);
} else {
  console.error('deploying the sample adder failed; the server keeps running so you can inspect it');
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
