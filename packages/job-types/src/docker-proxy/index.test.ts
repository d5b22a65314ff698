/** @module Tests of the docker-proxy job type: manifest checks and the workspace it prepares. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isRacetrackError } from '@racetrack/core';
import { builtinJobTypes } from '../builtin/index.ts';
import { createJobTypeRegistry } from '../registry/index.ts';
import { dockerProxyJobType, readDockerProxyExtra } from './index.ts';

const base = { name: 'proxy', version: '1.0.0', jobtype: 'docker-proxy:latest', infrastructure_target: 'docker' };

function rejects(manifest: Record<string, unknown>, field: string, text: RegExp): void {
  assert.throws(() => readDockerProxyExtra(manifest), (error: unknown) => {
    assert.ok(isRacetrackError(error));
    assert.equal(error.code, 'MANIFEST_INVALID');
    assert.equal(error.details?.['field'], field);
    assert.match(error.message, text);
    return true;
  });
}

describe('docker-proxy job type', () => {
  it('is a built-in job type', () => {
    assert.equal(createJobTypeRegistry(builtinJobTypes()).resolve('docker-proxy:latest'), dockerProxyJobType);
  });

  it('defaults the Dockerfile path and accepts the legacy docker section', () => {
    assert.deepEqual(readDockerProxyExtra(base), { extra: { dockerfile_path: 'Dockerfile' }, warnings: [] });
    assert.equal(readDockerProxyExtra({ ...base, docker: { dockerfile_path: 'build/./Dockerfile' } }).extra.dockerfile_path, 'build/Dockerfile');
    assert.match(readDockerProxyExtra({ ...base, jobtype_extra: { entrypoint_path: 'x.py' } }).warnings[0] ?? '', /entrypoint_path is not used/);
  });

  it('refuses the local target, naming infrastructure_target: docker', () => {
    rejects({ ...base, infrastructure_target: 'local' }, 'infrastructure_target', /infrastructure_target: docker/);
    rejects({ ...base, infrastructure_target: undefined }, 'infrastructure_target', /local infrastructure cannot run/);
  });

  it('refuses Dockerfile paths outside the job directory or not strings', () => {
    rejects({ ...base, jobtype_extra: { dockerfile_path: '../Dockerfile' } }, 'jobtype_extra.dockerfile_path', /inside the job directory/);
    rejects({ ...base, jobtype_extra: { dockerfile_path: '/etc/Dockerfile' } }, 'jobtype_extra.dockerfile_path', /inside the job directory/);
    rejects({ ...base, jobtype_extra: { dockerfile_path: 7 } }, 'jobtype_extra.dockerfile_path', /relative to the job directory/);
    rejects({ ...base, jobtype_extra: 'Dockerfile' }, 'jobtype_extra', /mapping/);
  });

  it('copies the job directory into the workspace, and names a missing Dockerfile', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'rt-docker-proxy-'));
    try {
      const sourceDir = path.join(root, 'source');
      const workspaceDir = path.join(root, 'workspace');
      await mkdir(path.join(sourceDir, 'docker'), { recursive: true });
      await mkdir(workspaceDir);
      await writeFile(path.join(sourceDir, 'server.py'), 'print(1)\n');
      const lines: string[] = [];
      const context = { sourceDir, workspaceDir, buildEnv: {}, log: (line: string) => lines.push(line), noCache: false };
      const manifest = { ...base, jobtype_extra: { dockerfile_path: 'docker/Dockerfile' } };
      await assert.rejects(dockerProxyJobType.buildLocal({ ...context, manifest }), /Dockerfile docker\/Dockerfile not found/);
      await writeFile(path.join(sourceDir, 'docker', 'Dockerfile'), 'FROM scratch\n');
      const artefact = await dockerProxyJobType.buildLocal({ ...context, manifest });
      assert.equal(artefact.cwd, workspaceDir);
      assert.equal(await readFile(path.join(workspaceDir, 'docker', 'Dockerfile'), 'utf8'), 'FROM scratch\n');
      assert.equal(await readFile(path.join(workspaceDir, 'server.py'), 'utf8'), 'print(1)\n');
      assert.ok(lines.some((line) => line.includes('docker/Dockerfile')));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
