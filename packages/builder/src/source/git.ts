/** @module Fetches a job's source with a shallow, single-branch git clone; credentials go in the URL and never in a log or error. */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { simpleGit } from 'simple-git';
import { RacetrackError, describeError } from '@racetrack/core';

/** Where to clone from: an https URL, a `file://` URL or an absolute local path. */
export interface GitSource {
  remote: string;
  branch?: string;
  credentials?: { username: string; password: string };
}

/** Clones into `dir` (must not exist or be empty), removes `.git` and returns `git describe` of the checkout. */
export async function cloneRepository(source: GitSource, dir: string, env: Record<string, string>): Promise<string> {
  const url = remoteWithCredentials(source);
  const hidden = [source.credentials?.password, source.credentials && encodeURIComponent(source.credentials.password)];
  // GIT_TERMINAL_PROMPT=0: a missing credential fails at once instead of waiting for a prompt nobody answers.
  const gitEnv = { ...env, GIT_TERMINAL_PROMPT: '0' };
  const git = simpleGit({ timeout: { block: 300_000 }, allowEnvironment: ['GIT_TERMINAL_PROMPT'] }).env(gitEnv);
  const options = ['--depth=1', '--single-branch', ...(source.branch ? ['--branch', source.branch] : [])];
  try {
    await git.clone(url, dir, options);
  } catch (error) {
    const reason = mask(describeError(error), hidden, url, source.remote).trim().split('\n').slice(-3).join(' ');
    throw new RacetrackError(
      'GIT_FETCH_FAILED',
      `could not clone ${source.remote}${source.branch ? ` (branch ${source.branch})` : ''}: ${reason}. ${hint(reason)}`,
      { details: { field: 'git.remote' } },
    );
  }
  const version = await simpleGit({ baseDir: dir, allowEnvironment: ['GIT_TERMINAL_PROMPT'] })
    .env(gitEnv)
    .raw(['describe', '--long', '--tags', '--dirty', '--always']);
  await rm(path.join(dir, '.git'), { recursive: true, force: true });
  return version.trim();
}

function remoteWithCredentials(source: GitSource): string {
  if (path.isAbsolute(source.remote)) return pathToFileURL(source.remote).href;
  if (!source.credentials || !/^https?:\/\//.test(source.remote)) return source.remote;
  const url = new URL(source.remote);
  url.username = encodeURIComponent(source.credentials.username);
  url.password = encodeURIComponent(source.credentials.password);
  return url.href;
}

function mask(text: string, secrets: (string | undefined)[], url: string, remote: string): string {
  let result = text.replaceAll(url, remote);
  for (const secret of secrets) if (secret) result = result.replaceAll(secret, '***');
  return result;
}

function hint(reason: string): string {
  if (/authentication|could not read Username|403|401/i.test(reason)) {
    return 'Check the git credentials (racetrack set credentials) for this repository.';
  }
  if (/Remote branch .* not found|couldn't find remote ref/i.test(reason)) return 'Check git.branch in job.yaml and that it is pushed.';
  return 'Check git.remote in job.yaml: it must be a repository this server can reach.';
}
