/**
 * @module A BuildKit session over the Engine API (`POST /session`, upgraded to HTTP/2) serving build
 * secrets, so `RUN --mount=type=secret` steps read build vars that never enter a layer, the image
 * history or the build cache.
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type Dockerode from 'dockerode';
import { decodeSecretRequest, encodeSecretResponse, getSecretMethod } from './buildkit-protocol.ts';

/** An open session: pass `id` as the build's `session` option, `close()` after the build. */
export interface BuildSession {
  id: string;
  close(): void;
}

/** Opens a session whose secrets service answers `secrets[id]` (NOT_FOUND for any other id). */
export async function openBuildSession(docker: Dockerode, secrets: Record<string, Buffer>): Promise<BuildSession> {
  const id = randomUUID();
  const socket = await new Promise<Duplex>((resolve, reject) => {
    docker.modem.dial(
      {
        method: 'POST',
        path: '/session',
        hijack: true,
        headers: {
          Upgrade: 'h2c',
          'X-Docker-Expose-Session-Uuid': id,
          'X-Docker-Expose-Session-Name': 'racetrack-image-builder',
          // The daemon asks only for methods a session announces.
          'X-Docker-Expose-Session-Grpc-Method': getSecretMethod,
        },
        statusCodes: { 101: true, 200: true, 500: 'server error' },
      },
      ((error: Error | null, stream: Duplex) => (error ? reject(error) : resolve(stream))) as never,
    );
  });
  const server = new grpc.Server();
  const identity = (value: Buffer): Buffer => value;
  server.addService(
    {
      GetSecret: {
        path: getSecretMethod,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    },
    {
      GetSecret: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        const { id: secretId } = decodeSecretRequest(call.request);
        const value = secrets[secretId];
        if (value === undefined) callback({ code: grpc.status.NOT_FOUND, details: `secret ${secretId} not found` });
        else callback(null, encodeSecretResponse(value));
      },
    },
  );
  server.createConnectionInjector(grpc.ServerCredentials.createInsecure()).injectConnection(socket);
  return {
    id,
    close: () => {
      server.forceShutdown();
      socket.end();
    },
  };
}
