/** @module A minimal in-memory Docker Registry (HTTP API v2, push side only), so image pushes can be tested offline. */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

/** A running fake registry: its `host:port` and what was pushed. */
export interface FakeRegistry {
  address: string;
  manifests: Map<string, { contentType: string; body: Buffer }>;
  blobs: Map<string, Buffer>;
  /** While set, every request but the version check is refused with 403 and this message (as a registry denying access does). */
  deny: string | undefined;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const digestOf = (data: Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Starts the registry on 127.0.0.1 and a free port (the Engine treats 127.0.0.0/8 as an insecure, plain-HTTP registry). */
export async function startFakeRegistry(): Promise<FakeRegistry> {
  const manifests = new Map<string, { contentType: string; body: Buffer }>();
  const blobs = new Map<string, Buffer>();
  const uploads = new Map<string, Buffer[]>();
  const registry: FakeRegistry = {
    address: '',
    manifests,
    blobs,
    deny: undefined,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://registry');
      const path = url.pathname;
      res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
      let match: RegExpExecArray | null;
      if (path === '/v2/' || path === '/v2') return res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      if (registry.deny !== undefined) {
        return res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'DENIED', message: registry.deny }] }));
      }
      if ((match = /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/.exec(path))) {
        const [, name, id] = match as unknown as [string, string, string];
        if (req.method === 'POST') {
          const uuid = randomUUID();
          uploads.set(uuid, []);
          return res.writeHead(202, { Location: `/v2/${name}/blobs/uploads/${uuid}`, 'Docker-Upload-UUID': uuid, Range: '0-0', 'Content-Length': '0' }).end();
        }
        const parts = uploads.get(id);
        if (!parts) return res.writeHead(404).end();
        parts.push(await body(req));
        const size = parts.reduce((sum, part) => sum + part.length, 0);
        if (req.method === 'PATCH') {
          return res.writeHead(202, { Location: `/v2/${name}/blobs/uploads/${id}`, 'Docker-Upload-UUID': id, Range: `0-${Math.max(0, size - 1)}`, 'Content-Length': '0' }).end();
        }
        const data = Buffer.concat(parts);
        const digest = url.searchParams.get('digest') ?? '';
        if (digestOf(data) !== digest) return res.writeHead(400).end('digest mismatch');
        blobs.set(digest, data);
        uploads.delete(id);
        return res.writeHead(201, { Location: `/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest, 'Content-Length': '0' }).end();
      }
      if ((match = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]+)$/.exec(path))) {
        const data = blobs.get(match[2] as string);
        if (!data) return res.writeHead(404).end();
        res.writeHead(200, { 'Content-Length': String(data.length), 'Docker-Content-Digest': match[2] as string, 'Content-Type': 'application/octet-stream' });
        return res.end(req.method === 'HEAD' ? undefined : data);
      }
      if ((match = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(path))) {
        const key = `${match[1]}:${match[2]}`;
        if (req.method === 'PUT') {
          const data = await body(req);
          manifests.set(key, { contentType: req.headers['content-type'] ?? '', body: data });
          return res.writeHead(201, { 'Docker-Content-Digest': digestOf(data), Location: path, 'Content-Length': '0' }).end();
        }
        const stored = manifests.get(key);
        if (!stored) return res.writeHead(404).end();
        res.writeHead(200, { 'Content-Type': stored.contentType, 'Docker-Content-Digest': digestOf(stored.body), 'Content-Length': String(stored.body.length) });
        return res.end(req.method === 'HEAD' ? undefined : stored.body);
      }
      res.writeHead(404).end();
    })().catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  registry.address = `127.0.0.1:${port}`;
  return registry;
}
