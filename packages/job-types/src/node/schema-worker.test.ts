/** @module Tests of the signature worker: schemas are written off the main thread and errors keep their code. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isRacetrackError } from '@racetrack/core';
import { signatureWorkerAlive, stopSignatureWorker, writeJobSchemaIsolated } from './schema-worker.ts';

const dirs: string[] = [];
after(async () => {
  await stopSignatureWorker();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function jobDir(source: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rt-schema-worker-'));
  dirs.push(dir);
  await writeFile(path.join(dir, 'job.ts'), source);
  return dir;
}

test('the worker writes the perform schema and stays for the next build until stopped', async () => {
  const dir = await jobDir('export default class Adder {\n  perform(a: number, b = 2): number { return a + b; }\n}\n');
  const schemaPath = path.join(dir, 'perform.schema.json');
  await writeJobSchemaIsolated(path.join(dir, 'job.ts'), schemaPath, {});
  const schema = JSON.parse(await readFile(schemaPath, 'utf8')) as { methods: { perform: { parameters: { name: string; required: boolean }[] } } };
  assert.deepEqual(schema.methods.perform.parameters.map((p) => [p.name, p.required]), [['a', true], ['b', false]]);
  assert.equal(signatureWorkerAlive(), true);
  await stopSignatureWorker();
  assert.equal(signatureWorkerAlive(), false);
});

test('an extraction error crosses the thread with its code and message', async () => {
  const dir = await jobDir('export default class NoPerform {\n  run(): number { return 1; }\n}\n');
  await assert.rejects(
    writeJobSchemaIsolated(path.join(dir, 'job.ts'), path.join(dir, 'perform.schema.json'), {}),
    (error: unknown) => isRacetrackError(error) && /perform/.test(error.message),
  );
});
