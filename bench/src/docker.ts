/**
 * @module Deploy-to-ready on the docker target (issue 5) for the TypeScript, Python and docker-proxy sample adders,
 * beside the local-infrastructure figure from the same run (docker-proxy has none: it runs in containers only): local builder → image (base cold / base warm / unchanged) →
 * docker driver → `/live` + `/ready`. Prints image sizes. Needs a Docker Engine and the offline base images
 * (`scripts/base-images/start-dockerd.sh && scripts/base-images/build.sh`); says so and exits 0 without them.
 */
import { execFile } from 'node:child_process';
import { appendFile, cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { parse } from 'yaml';
import { createBuilder, imageFromWorkspace, listRacetrackImages, pruneBuildCache, type BuildResult } from '@racetrack/builder';
import { createLocalDriver, type InfraDriver, type JobArtefact } from '@racetrack/infra';
import { createDockerDriver } from '@racetrack/infra/docker';
import { builtinJobTypes } from '@racetrack/job-types';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const samples = [
  { label: 'TypeScript adder', dir: 'samples/adder', type: 'node', file: 'job.ts', comment: '// bench ' },
  { label: 'Python adder', dir: 'samples/python-adder', type: 'python3', file: 'adder.py', comment: '# bench ' },
  { label: 'docker-proxy adder', dir: 'samples/docker-proxy', type: 'docker-proxy', file: 'server.py', comment: '# bench ' },
];

try {
  await run(path.join(repoRoot, 'scripts/base-images/start-dockerd.sh'), [], { timeout: 90_000 });
  await run(path.join(repoRoot, 'scripts/base-images/build.sh'), [], { timeout: 600_000 });
} catch (error) {
  console.log(`docker bench skipped: no Docker Engine could start here (${(error as Error).message.split('\n')[0]})`);
  process.exit(0);
}
const docker = new Dockerode();
const root = await mkdtemp(path.join(tmpdir(), 'rt-bench-docker-'));
const created: string[] = [];
const docker_ = createDockerDriver({
  docker,
  network: 'racetrack-bench',
  prepareImage: async (spec) => {
    const built = await imageFromWorkspace({ workspaceDir: spec.artefact.cwd, env: spec.env, docker });
    created.push(built.image);
    return built.image;
  },
});
const local = createLocalDriver({ dataDir: path.join(root, 'local'), host: '127.0.0.1', baseEnv: { PATH: process.env['PATH'] ?? '' }, stopGraceMs: 1000 });

async function build(dataDir: string, sourceDir: string, manifest: Record<string, unknown>): Promise<BuildResult> {
  const archive = await run('tar', ['-czf', '-', '-C', sourceDir, '.'], { encoding: 'buffer', maxBuffer: 50 * 2 ** 20 });
  return createBuilder({ dataDir, jobTypes: builtinJobTypes() }).build({
    deploymentId: `bench-${Date.now()}`, manifest, source: { kind: 'archive', base64TarGz: archive.stdout.toString('base64') },
    buildEnv: {}, noCache: false, onLog: () => {}, onPhase: () => {},
  });
}

async function deployToReady(driver: InfraDriver, name: string, artefact: JobArtefact, manifestYaml: string): Promise<void> {
  const timestamp = Math.floor(Date.now() / 1000) + Math.floor(Math.random() * 1000);
  const [instance] = await driver.deploy({
    jobName: name, version: '0.0.1', replicas: 1, artefact, deploymentTimestamp: timestamp,
    env: { JOB_NAME: name, JOB_VERSION: '0.0.1', JOB_MANIFEST_YAML: manifestYaml },
  });
  if (!instance) throw new Error('no instance');
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const live = await fetch(`http://${instance.address}/live`).then((r) => r.json() as Promise<{ deployment_timestamp?: unknown }>, () => undefined);
    if (String(live?.deployment_timestamp) === String(timestamp) && (await fetch(`http://${instance.address}/ready`).then((r) => r.ok, () => false))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${name} not ready in 120 s`);
}

/** Removes an image; false when a running container uses it (the Engine refuses with 409). */
async function removeUnlessUsed(id: string): Promise<boolean> {
  try {
    await docker.getImage(id).remove({ force: true });
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 409) return false;
    throw error;
  }
}

async function timed(what: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await what();
  return (performance.now() - started) / 1000;
}

try {
  for (const sample of samples) {
    const sourceDir = path.join(root, sample.type, 'src');
    await cp(path.join(repoRoot, sample.dir), sourceDir, { recursive: true });
    const manifestYaml = await readFile(path.join(sourceDir, 'job.yaml'), 'utf8');
    const manifest = parse(manifestYaml) as Record<string, unknown>;
    const name = `bench-${sample.type}-${process.pid}`;
    const figures: string[] = [];

    if (sample.type !== 'docker-proxy') {
      const localDir = path.join(root, sample.type, 'local');
      const localSeconds = await timed(async () => deployToReady(local, name, (await build(localDir, sourceDir, manifest)).artefact, manifestYaml));
      const localUnchanged = await timed(async () => deployToReady(local, name, (await build(localDir, sourceDir, manifest)).artefact, manifestYaml));
      await local.remove(name, '0.0.1');
      figures.push(`local first deploy ${localSeconds.toFixed(2)} s`, `local unchanged redeploy ${localUnchanged.toFixed(2)} s`);
    }

    // Cold base: job images of this type go first (they are the base's children), then the base itself.
    const ofType = (await docker.listImages({ filters: { label: [`racetrack.job-type`] } })).filter((i) => i.Labels?.['racetrack.job-type']?.startsWith(`${sample.type}:`));
    // An image a running container uses (another job of this type, e.g. a test's) stays; the bench's own job has
    // other content, and a base in use makes "cold" a warm figure, which the line then says.
    let baseInUse = false;
    for (const image of ofType.filter((i) => i.Labels?.['racetrack.image-kind'] === 'job')) await removeUnlessUsed(image.Id);
    for (const image of ofType.filter((i) => i.Labels?.['racetrack.image-kind'] === 'base')) baseInUse = !(await removeUnlessUsed(image.Id)) || baseInUse;
    // BuildKit keeps step results in its own cache: empty it too, or "cold" would reuse them.
    await pruneBuildCache(docker);
    const dataDir = path.join(root, sample.type, 'docker');
    const cold = await timed(async () => deployToReady(docker_, name, (await build(dataDir, sourceDir, manifest)).artefact, manifestYaml));
    await appendFile(path.join(sourceDir, sample.file), `\n${sample.comment}${Date.now()}\n`);
    const warm = await timed(async () => deployToReady(docker_, name, (await build(dataDir, sourceDir, manifest)).artefact, manifestYaml));
    const unchanged = await timed(async () => deployToReady(docker_, name, (await build(dataDir, sourceDir, manifest)).artefact, manifestYaml));
    await docker_.remove(name, '0.0.1');
    // docker-proxy has no job-type base: its "cold" is an emptied build cache, "warm" a changed job file.
    const [coldLabel, warmLabel] = sample.type === 'docker-proxy' ? ['build cache cold', 'job changed'] : [baseInUse ? 'base cold (NOT cold: the base is in use by a running container)' : 'base cold', 'base warm'];
    figures.push(`docker ${coldLabel} ${cold.toFixed(2)} s`, `docker ${warmLabel} ${warm.toFixed(2)} s`, `docker unchanged redeploy ${unchanged.toFixed(2)} s`);
    const size = (await docker.getImage(created.at(-1) as string).inspect()).Size;
    figures.push(`job image ${(size / 2 ** 20).toFixed(0)} MiB`);
    console.log(`${sample.label} deploy-to-ready: ${figures.join(', ')}`);
  }
  for (const image of await listRacetrackImages(docker)) {
    if (image.kind === 'base' && image.tags.length > 0) console.log(`base image ${image.tags.join(' ')}: ${(image.size / 2 ** 20).toFixed(0)} MiB`);
  }
} finally {
  for (const image of new Set(created)) await docker.getImage(image).remove({ force: true }).catch(() => undefined);
  await local.close();
  await rm(root, { recursive: true, force: true });
}
