/**
 * @module A private Docker Engine for tests that stop and start the daemon: its own data root, socket and
 * containerd, so stopping it never touches the engine the other test files share.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@racetrack/testkit';

const run = promisify(execFile);

/** A daemon that can be stopped and started again on the same socket and data. */
export interface SecondEngine {
  /** `unix://<socket>`, for DOCKER_HOST. */
  readonly host: string;
  /** Copies images from the shared engine (docker save | docker load). */
  loadImages(images: string[]): Promise<void>;
  /** Stops the daemon (its containers stop with it) and waits until its process is gone. */
  stop(): Promise<void>;
  /** Starts it again with the same data, and waits until it answers. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

/** Name and address of the second engine's default bridge (docker0 belongs to the shared engine). */
const bridge = { name: 'rt-dk2-br0', cidr: '10.213.7.1/24' };

/**
 * Starts a second dockerd under `root` (short path: containerd's socket paths are length-limited). It gets its own
 * default bridge: `--bridge=none` would make dockerd delete docker0, the shared engine's bridge.
 */
export async function startSecondEngine(root: string): Promise<SecondEngine> {
  await mkdir(root, { recursive: true });
  const socket = join(root, 'docker.sock');
  const host = `unix://${socket}`;
  const hasBridge = await run('ip', ['link', 'show', bridge.name]).then(() => true, () => false);
  if (!hasBridge) {
    await run('ip', ['link', 'add', bridge.name, 'type', 'bridge']);
    await run('ip', ['addr', 'add', bridge.cidr, 'dev', bridge.name]);
    await run('ip', ['link', 'set', bridge.name, 'up']);
  }
  const args = [
    '--data-root', join(root, 'data'), '--exec-root', join(root, 'exec'), '--pidfile', join(root, 'docker.pid'), '-H', host,
    // No iptables rules to clash with the shared engine's: published ports go through the userland proxy.
    `--bridge=${bridge.name}`, '--iptables=false', '--ip-masq=false', '--shutdown-timeout=3',
  ];
  let daemon: ChildProcess | undefined;
  const answers = async (): Promise<boolean> => run('docker', ['-H', host, 'version', '--format', '{{.Server.Version}}']).then(() => true, () => false);

  const start = async (): Promise<void> => {
    const log = createWriteStream(join(root, 'dockerd.log'), { flags: 'a' });
    daemon = spawn('dockerd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    daemon.stdout?.pipe(log);
    daemon.stderr?.pipe(log);
    const exited = new Promise<never>((_, reject) => daemon?.once('exit', (code) => reject(new Error(`the second dockerd exited with code ${code}; see ${join(root, 'dockerd.log')}`))));
    await Promise.race([waitFor('the second Docker Engine to answer', answers, 60_000), exited]);
  };
  const stop = async (): Promise<void> => {
    const process = daemon;
    if (!process || process.exitCode !== null) return;
    const gone = new Promise((resolve) => process.once('exit', resolve));
    process.kill('SIGTERM');
    await gone;
    daemon = undefined;
  };

  await start();
  return {
    host,
    async loadImages(images) {
      // Through a shell pipe: the archive streams from one engine to the other without a temporary file.
      await run('sh', ['-c', `docker save ${images.join(' ')} | docker -H ${host} load`], { maxBuffer: 16 * 2 ** 20, timeout: 300_000 });
    },
    stop,
    start,
    async destroy() {
      await stop();
      await rm(root, { recursive: true, force: true });
      await run('ip', ['link', 'delete', bridge.name]);
    },
  };
}
