/** @module The real `racetrack` CLI as a subprocess against a small fake lifecycle HTTP server serving canned JSON. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));

interface Deployment {
  polls: number;
  script: { status: 'in_progress' | 'done' | 'failed'; phase: string | null; logs: string; warnings?: string; error?: string }[];
}

/** Canned lifecycle: deploying "adder" succeeds through two phases, "broken" fails while building. */
function fakeLifecycle(origin: () => string): { server: Server; deployBodies: Record<string, unknown>[] } {
  const deployBodies: Record<string, unknown>[] = [];
  const deployments = new Map<string, Deployment>();
  const job = () => ({ name: 'adder', version: '1.0.0', status: 'running', pub_url: `${origin()}/pub/job/adder/1.0.0`, job_type_version: 'node:1.0.0', deployed_by: 'alice', update_time: 1_700_000_000 });
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const json = (status: number, value: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname;
      if (path.startsWith('/secure/')) {
        if (req.headers['x-racetrack-auth'] !== 'good-token') return json(401, { error: 'not authenticated: no valid X-Racetrack-Auth header' });
        return json(200, path.endsWith('/job') ? [job()] : null);
      }
      if (path === '/lifecycle/api/v1/deploy' && req.method === 'POST') {
        const payload = JSON.parse(body) as { manifest: { name: string } };
        deployBodies.push(payload as unknown as Record<string, unknown>);
        const id = `dep-${payload.manifest.name}`;
        const broken = payload.manifest.name === 'broken';
        deployments.set(id, {
          polls: 0,
          script: broken
            ? [
                { status: 'in_progress', phase: 'building image', logs: 'step 1\n' },
                { status: 'failed', phase: 'building image', logs: 'step 2\nSyntaxError: Unexpected token\n', error: 'build failed: npm run build exited with 1\nsee the build logs' },
              ]
            : [
                { status: 'in_progress', phase: 'building image', logs: 'installing dependencies\n' },
                { status: 'in_progress', phase: 'starting Job server', logs: 'compiled\nstar', warnings: 'runtime_env value is long' },
                { status: 'done', phase: null, logs: 'ted\n' },
              ],
        });
        return json(200, { id });
      }
      const deployment = /^\/lifecycle\/api\/v1\/deploy\/([^/]+)(\/build-logs)?$/.exec(path);
      if (deployment) {
        const state = deployments.get(deployment[1] as string);
        if (!state) return json(404, { error: 'deployment not found' });
        if (deployment[2]) {
          const text = state.script.slice(0, state.polls).map((step) => step.logs).join('');
          const offset = Number(url.searchParams.get('offset') ?? 0);
          return json(200, { logs: text.slice(offset), offset: text.length });
        }
        const step = state.script[Math.min(state.polls, state.script.length - 1)];
        state.polls += 1;
        return json(200, { id: deployment[1], status: step?.status, phase: step?.phase, error: step?.error ?? null, warnings: step?.warnings ?? null, job: step?.status === 'done' ? job() : null, job_name: 'adder', job_version: '1.0.0' });
      }
      if (path === '/lifecycle/api/v1/job') return json(200, [job(), { ...job(), version: '0.9.0', status: 'error' }]);
      if (path === '/lifecycle/api/v1/job/adder/latest' || path === '/lifecycle/api/v1/job/adder/1.0.0') {
        if (req.method === 'DELETE') return json(200, null);
        return json(200, job());
      }
      if (path === '/lifecycle/api/v1/job/adder/1.0.0/logs') return json(200, { logs: `tail=${url.searchParams.get('tail')}\nline` });
      if (path === '/pub/job/adder/1.0.0/api/v1/perform' && req.method === 'POST') {
        const { numbers } = JSON.parse(body) as { numbers: number[] };
        return json(200, numbers.reduce((a, b) => a + b, 0));
      }
      if (path === '/lifecycle/api/v1/info') return json(200, { external_pub_url: `${origin()}/pub`, auth_required: false });
      if (path.startsWith('/lifecycle/api/v1/job/')) return json(404, { error: `job ${path.split('/')[5]} not found`, code: 'JOB_NOT_FOUND' });
      return json(404, { error: `no route ${path}` });
    });
  });
  return { server, deployBodies };
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('racetrack CLI (subprocess)', () => {
  let root = '';
  let remote = '';
  let fake: ReturnType<typeof fakeLifecycle>;
  const run = (args: string[], input?: string): Promise<RunResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], {
        cwd: root,
        env: { PATH: process.env['PATH'], HOME: root, RACETRACK_CONFIG: join(root, 'config', 'config.yaml'), RACETRACK_DEPLOY_POLL_MS: '20' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(input ?? '');
    });
  const writeJob = async (name: string, extra = ''): Promise<string> => {
    const dir = join(root, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'job.yaml'), `name: ${name}\nowner_email: a@example.com\njobtype: node:latest\nversion: 1.0.0\ngit:\n  remote: https://github.com/org/${name}\n${extra}`);
    await writeFile(join(dir, 'index.ts'), 'export default class {}\n');
    return dir;
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'rt-cli-run-'));
    fake = fakeLifecycle(() => remote.replace(/\/lifecycle$/, ''));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    remote = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}/lifecycle`;
  });
  after(async () => {
    await new Promise<void>((resolve) => fake.server.close(() => resolve()));
    await rm(root, { recursive: true, force: true });
  });

  it('deploys with plain progress lines, live build logs and the job URL last', async () => {
    const dir = await writeJob('adder');
    const result = await run(['deploy', dir, '--remote', remote, '-e', 'replicas=2']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.match(result.stdout, /deployment in progress: building image\.\.\. \(\d+s\)/);
    assert.match(result.stdout, /deployment in progress: starting Job server\.\.\./);
    assert.match(result.stdout, /building image\.\.\. \(\d+s\)\n {2}\| installing dependencies\n/);
    assert.match(result.stdout, /starting Job server\.\.\. \(\d+s\)\n {2}\| compiled\n/);
    assert.match(result.stdout, / {2}\| started\n/);
    assert.match(result.stderr, /warning: runtime_env value is long/);
    assert.equal(lines.at(-1), `deployed adder 1.0.0 at ${remote.replace('/lifecycle', '')}/pub/job/adder/1.0.0`);
    const body = fake.deployBodies.at(-1) as { manifest: { replicas: number }; build_context: string };
    assert.equal(body.manifest.replicas, 2);
    assert.ok(body.build_context.length > 0, 'local build context for a loopback server');
  });

  it('fails a broken deployment with the phase, the last log lines and a one-line reason', async () => {
    const dir = await writeJob('broken');
    const result = await run(['deploy', dir, '--remote', remote]);
    assert.equal(result.code, 70);
    assert.match(result.stdout, / {2}\| step 2\n {2}\| SyntaxError: Unexpected token\n/);
    assert.match(result.stderr, /^see the build logs$/m);
    assert.equal(result.stderr.trim().split('\n').at(-1), 'error: deployment failed at phase "building image": build failed: npm run build exited with 1');
  });

  it('rejects an invalid manifest before contacting the server', async () => {
    const dir = await writeJob('bad', 'replicas: three\n');
    const before = fake.deployBodies.length;
    const result = await run(['deploy', dir, '--remote', remote]);
    assert.equal(result.code, 70);
    assert.equal(result.stderr.trim(), 'error: invalid manifest job.yaml: replicas (line 7): must be an integer between 1 and 50, got "three"');
    assert.equal(fake.deployBodies.length, before);
  });

  it('lists jobs as a table with extra columns', async () => {
    const result = await run(['list', '--remote', remote, '-c', 'job_type', '-c', 'pub_url']);
    assert.equal(result.code, 0, result.stderr);
    const rows = result.stdout.trim().split('\n').map((line) => line.split(/\s{2,}/));
    assert.deepEqual(rows[0], ['NAME', 'VERSION', 'STATUS', 'JOB TYPE', 'PUB URL']);
    assert.deepEqual(rows[1]?.slice(0, 4), ['adder', '1.0.0', 'running', 'node:1.0.0']);
    assert.equal(rows.length, 3);
  });

  it('calls a job through its pub_url, and prints the curl equivalent', async () => {
    const called = await run(['call', 'adder', '/api/v1/perform', '{"numbers": [40, 2]}', '--remote', remote]);
    assert.equal(called.code, 0, called.stderr);
    assert.equal(called.stdout, '42\n');
    const curl = await run(['call', 'adder', '/api/v1/perform', 'numbers: [40, 2]', '--remote', remote, '--curl']);
    assert.equal(curl.stdout.trim(), `curl -X POST '${remote.replace('/lifecycle', '')}/pub/job/adder/1.0.0/api/v1/perform' -H 'Content-Type: application/json' -H 'Accept: application/json, */*' -d '{"numbers":[40,2]}'`);
  });

  it('shows logs with the requested tail', async () => {
    const result = await run(['logs', 'adder', '--remote', remote, '--tail', '5']);
    assert.equal(result.stdout, 'tail=5\nline\n');
  });

  it('reports server errors and unreachable servers as one line', async () => {
    const missing = await run(['delete', 'ghost', '--version', '1.0.0', '--remote', remote]);
    assert.equal(missing.code, 70);
    assert.equal(missing.stderr, 'error: job ghost not found\n');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = await run(['list', '--remote', `http://127.0.0.1:${port}/lifecycle`]);
    assert.equal(down.code, 70);
    assert.equal(down.stderr, `error: cannot reach http://127.0.0.1:${port}/lifecycle/api/v1/job: connection refused (is the server running?)\n`);
    const usage = await run(['delete', 'adder']);
    assert.notEqual(usage.code, 0);
    assert.match(usage.stderr, /error: required option '--version <VERSION>' not specified/);
  });

  it('stores remote, alias, credentials and token in a mode-600 config file', async () => {
    assert.equal((await run(['set', 'alias', 'fake', `${remote}/`])).code, 0);
    assert.equal((await run(['set', 'remote', 'fake'])).code, 0);
    assert.equal((await run(['get', 'remote'])).stdout, `${remote}\n`);
    assert.equal((await run(['set', 'credentials', 'https://github.com', 'u', 'p'])).code, 0);
    const login = await run(['login', 'tok-123']);
    assert.equal(login.code, 0, login.stderr);
    assert.equal((await run(['get', 'auth-token'])).stdout, 'tok-123\n');
    assert.equal((await run(['get', 'pub'])).stdout, `${remote.replace('/lifecycle', '')}/pub\n`);
    const configPath = join(root, 'config', 'config.yaml');
    assert.equal((await stat(configPath)).mode & 0o777, 0o600);
    assert.match(await readFile(configPath, 'utf8'), /lifecycle_url: fake/);
    assert.equal((await run(['logout'])).code, 0);
    assert.equal((await run(['get', 'auth-token'])).code, 70);
  });

  it('validates a manifest from stdin and prints it merged', async () => {
    const result = await run(['validate', '-', '-e', 'git.branch=dev'], 'name: adder\nowner_email: a@b.c\nlang: node:latest\ngit: {remote: https://x.org/y}\n');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^name: adder\n/);
    assert.match(result.stdout, /branch: dev/);
    assert.match(result.stderr, /warning: field "lang" is deprecated/);
  });

  it('asks for a login when a server wants a token, and sends the stored one', async () => {
    const secure = remote.replace('/lifecycle', '/secure');
    const denied = await run(['list', '--remote', secure]);
    assert.equal(denied.code, 70);
    assert.equal(denied.stderr, `error: missing auth token for ${secure} (not authenticated: no valid X-Racetrack-Auth header). You need to do: racetrack login <token> --remote ${secure}\n`);
    const badLogin = await run(['login', 'bad-token', '--remote', secure]);
    assert.equal(badLogin.stderr, `error: invalid auth token for ${secure}\n`);
    assert.equal((await run(['login', 'good-token', '--remote', secure])).code, 0);
    const listed = await run(['list', '--remote', secure]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^adder +1\.0\.0 +running$/m);
  });
});
