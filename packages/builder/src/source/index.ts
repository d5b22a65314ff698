/** @module Puts a job's source into a directory: from git or from an uploaded archive, with `git.directory` applied. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { RacetrackError } from '@racetrack/core';
import { extractArchive } from './archive.ts';
import { cloneRepository, type GitSource } from './git.ts';

/** Where a deployment's source comes from. */
export type BuildSource =
  | ({ kind: 'git'; directory?: string } & GitSource)
  | { kind: 'archive'; base64TarGz: string; directory?: string };

/** The fetched source: `contextDir` is the job directory (`git.directory` applied) inside `rootDir`. */
export interface FetchedSource {
  contextDir: string;
  /** `git describe` of the checkout, or `tar` for an uploaded archive (as the original reports it). */
  gitVersion: string;
}

/** Fetches `source` into the empty directory `rootDir`. */
export async function fetchSource(source: BuildSource, rootDir: string, env: Record<string, string>): Promise<FetchedSource> {
  const gitVersion = source.kind === 'git' ? await cloneRepository(source, rootDir, env) : await unpack(source.base64TarGz, rootDir);
  return { contextDir: await resolveDirectory(rootDir, source.directory), gitVersion };
}

async function unpack(base64TarGz: string, rootDir: string): Promise<string> {
  await extractArchive(base64TarGz, rootDir);
  return 'tar';
}

async function resolveDirectory(rootDir: string, directory: string | undefined): Promise<string> {
  if (!directory || directory === '.') return rootDir;
  const resolved = path.resolve(rootDir, directory);
  if (path.relative(rootDir, resolved).startsWith('..') || path.isAbsolute(directory)) {
    throw new RacetrackError('MANIFEST_INVALID', `git.directory "${directory}" must be a subdirectory of the repository`, {
      details: { field: 'git.directory' },
    });
  }
  const info = await stat(resolved).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new RacetrackError('BUILD_CONTEXT_INVALID', `git.directory "${directory}" does not exist in the source; check git.directory in job.yaml`, {
      details: { field: 'git.directory' },
    });
  }
  return resolved;
}
