/** @module The body of `POST /api/v1/deploy`: manifest, secrets, git credentials, build context, flags. */
import { dirname } from 'node:path';
import type { DeployPayload } from '@racetrack/core';
import { readSecretVars, type Manifest } from '@racetrack/manifest';
import type { ClientConfig } from '../config/index.ts';
import { findGitCredentials, isLocalRemote } from '../remote/index.ts';
import { packBuildContext } from './context.ts';

/** Where the builder takes the source from. */
export type BuildContextMode = 'local' | 'git';

/**
 * Local (upload the directory) when the lifecycle runs on this machine, git otherwise. Unlike the
 * original client, the owner e-mail plays no part: a local server always builds what is on disk.
 */
export function chooseBuildContext(requested: BuildContextMode | undefined, lifecycleUrl: string): BuildContextMode {
  return requested ?? (isLocalRemote(lifecycleUrl) ? 'local' : 'git');
}

/** What a deploy payload is made from. */
export interface PayloadInput {
  manifest: Manifest;
  manifestPath: string;
  config: ClientConfig;
  buildContext: BuildContextMode;
  force: boolean;
  noCache: boolean;
}

/** Builds the deploy payload; the job directory is the manifest's directory. */
export async function buildDeployPayload(input: PayloadInput): Promise<DeployPayload> {
  const jobDir = dirname(input.manifestPath);
  const secrets = await readSecretVars(jobDir, input.manifest);
  const hasSecrets = Object.keys(secrets.build_env).length + Object.keys(secrets.runtime_env).length > 0;
  return {
    manifest: input.manifest as unknown as Record<string, unknown>,
    git_credentials: findGitCredentials(input.config, input.manifest.git.remote) ?? null,
    secret_vars: hasSecrets ? secrets : null,
    build_context: input.buildContext === 'local' ? (await packBuildContext(jobDir)).toString('base64') : null,
    force: input.force,
    build_flags: input.noCache ? ['--no-cache'] : [],
  };
}
