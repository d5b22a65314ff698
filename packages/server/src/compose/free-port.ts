/** @module Picks a free TCP port up front, so every component knows the server's URL before it listens. */
import { createServer } from 'node:net';

/** A port the OS just handed out on `host` (port 0), released again for the caller to bind. */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
