/** @module The body of the signature worker: answers schema requests with `writeJobSchema`. */
import { parentPort } from 'node:worker_threads';
import { writeJobSchema } from '@racetrack/signature';

interface SchemaRequest { id: number; entrypoint: string; schemaPath: string; options: { className?: string } }

parentPort?.on('message', (request: SchemaRequest) => {
  writeJobSchema(request.entrypoint, request.schemaPath, request.options).then(
    () => parentPort?.postMessage({ id: request.id, ok: true }),
    (error: unknown) => {
      const failure = error as { code?: unknown; message?: unknown; details?: unknown };
      parentPort?.postMessage({
        id: request.id,
        ok: false,
        code: typeof failure.code === 'string' ? failure.code : undefined,
        message: typeof failure.message === 'string' ? failure.message : String(error),
        details: typeof failure.details === 'object' && failure.details !== null ? failure.details : undefined,
      });
    },
  );
});
