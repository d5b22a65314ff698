/** @module staticEndpoints() and the webview's static/ directory: files and directories, never outside the job's root. */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { RacetrackError } from '@racetrack/core';
import type { StaticEntry } from '../host/protocol.ts';

/** Registers one GET route per static entry (a directory also serves everything under it). */
export async function registerStaticEndpoints(app: FastifyInstance, rootDir: string, entries: Record<string, StaticEntry>, hide: boolean): Promise<void> {
  const root = await realpath(rootDir);
  for (const [urlPath, entry] of Object.entries(entries)) {
    const target = await insideRoot(root, entry.file);
    if (!target) {
      app.log.error({ file: entry.file, root }, `staticEndpoints()["${urlPath}"] points outside the job directory or does not exist; not served`);
      continue;
    }
    const schema = { hide, tags: ['static'] };
    if ((await stat(target)).isDirectory()) serveDirectory(app, `/api/v1${urlPath}`, target, hide);
    else app.get(`/api/v1${urlPath}`, { schema }, (_request, reply) => sendFile(reply, target, entry.mimetype));
  }
}

/** Serves every file under `dir` at `urlPath/<relative path>`. */
export function serveDirectory(app: FastifyInstance, urlPath: string, dir: string, hide: boolean): void {
  app.get(`${urlPath}/*`, { schema: { hide, tags: ['static'] } }, async (request, reply) => {
    const relative = (request.params as Record<string, string>)['*'] ?? '';
    const target = await insideRoot(dir, relative);
    if (!target || !(await stat(target)).isFile()) {
      throw new RacetrackError('NOT_FOUND', `no file "${relative}" under ${urlPath}`);
    }
    return sendFile(reply, target, undefined);
  });
}

/** The real path of `relative` under `root`, or undefined when it is missing or escapes `root` (`..`, symlinks). */
async function insideRoot(root: string, relative: string): Promise<string | undefined> {
  const resolved = path.resolve(root, relative);
  let real: string;
  try {
    real = await realpath(resolved);
  } catch {
    return undefined;
  }
  return real === root || real.startsWith(root + path.sep) ? real : undefined;
}

let mime: Promise<typeof import('mime').default> | undefined;

// mime's tables are loaded at the first file served, not at startup.
async function sendFile(reply: FastifyReply, file: string, mimetype: string | undefined): Promise<FastifyReply> {
  const type = mimetype ?? (await (mime ??= import('mime').then((module) => module.default))).getType(file) ?? 'text/plain';
  return reply.type(type).send(createReadStream(file));
}
