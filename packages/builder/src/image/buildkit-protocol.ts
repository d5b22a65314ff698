/**
 * @module The two BuildKit protocol messages the image builder speaks: the secrets service a build
 * session offers (RUN --mount=type=secret), and the build status stream (steps and their output).
 * Field numbers follow moby/buildkit's public .proto files.
 */
import protobuf from 'protobufjs';

const root = protobuf.parse(`
syntax = "proto3";
package racetrack.buildkit;
message GetSecretRequest { string ID = 1; map<string, string> annotations = 2; }
message GetSecretResponse { bytes data = 1; }
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
message Vertex { string digest = 1; repeated string inputs = 2; string name = 3; bool cached = 4; Timestamp started = 5; Timestamp completed = 6; string error = 7; }
message VertexLog { string vertex = 1; Timestamp timestamp = 2; int64 stream = 3; bytes msg = 4; }
message VertexWarning { string vertex = 1; int64 level = 2; bytes short = 3; }
message StatusResponse { repeated Vertex vertexes = 1; repeated VertexLog logs = 3; repeated VertexWarning warnings = 4; }
`).root;

const getSecretRequest = root.lookupType('racetrack.buildkit.GetSecretRequest');
const getSecretResponse = root.lookupType('racetrack.buildkit.GetSecretResponse');
const statusResponse = root.lookupType('racetrack.buildkit.StatusResponse');

/** gRPC path of the one method the session serves. */
export const getSecretMethod = '/moby.buildkit.secrets.v1.Secrets/GetSecret';

/** Decoded GetSecret request: which secret a build step mounts. */
export function decodeSecretRequest(bytes: Buffer): { id: string } {
  const message = getSecretRequest.toObject(getSecretRequest.decode(bytes)) as { ID?: string };
  return { id: message.ID ?? '' };
}

/** Encoded GetSecret response carrying the secret's bytes. */
export function encodeSecretResponse(data: Buffer): Buffer {
  return Buffer.from(getSecretResponse.encode(getSecretResponse.create({ data })).finish());
}

/** One build step (vertex) as reported by BuildKit. */
export interface BuildStep {
  digest: string;
  name: string;
  cached: boolean;
  started: boolean;
  completed: boolean;
  error: string;
}

/** A decoded status message: step updates and output chunks. */
export interface BuildStatus {
  steps: BuildStep[];
  logs: Array<{ vertex: string; text: string }>;
}

/** Decodes the base64 `aux` of a `moby.buildkit.trace` event. */
export function decodeBuildStatus(base64: string): BuildStatus {
  const message = statusResponse.toObject(statusResponse.decode(Buffer.from(base64, 'base64')), { defaults: true }) as {
    vertexes: Array<{ digest: string; name: string; cached: boolean; started?: object | null; completed?: object | null; error: string }>;
    logs: Array<{ vertex: string; msg: Uint8Array }>;
  };
  return {
    steps: message.vertexes.map((v) => ({ digest: v.digest, name: v.name, cached: v.cached, started: Boolean(v.started), completed: Boolean(v.completed), error: v.error })),
    logs: message.logs.map((log) => ({ vertex: log.vertex, text: Buffer.from(log.msg).toString('utf8') })),
  };
}
