import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { extractJobSchema, writeJobSchema } from './index.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'signature-'));
  await writeFile(path.join(dir, 'job.ts'), `
    interface Point { x: number; y?: number }
    type Mode = 'fast' | 'slow';
    export default class Adder {
      /**
       * Add the given numbers.
       * @param numbers values to add
       * @param scale - multiplier
       * @returns the sum
       */
      perform(numbers: number[], scale = 1, mode: Mode = 'fast', at?: Point, when?: Date): number { return 0 }
      /** Explain feature importance. */
      async explain(x: number, tags: Record<string, boolean>, pair: [string, number]): Promise<{ importance: number }> { return { importance: x } }
      docsInputExample() { return { numbers: [40, 2] } }
      auxiliaryEndpoints() { return { '/explain': this.explain } }
      private secret(): void {}
    }
  `);
  await writeFile(path.join(dir, 'prime.js'), `
    export class Prime {
      /**
       * Check if a number is prime.
       * @param {number} number the number to check
       * @param {boolean} [verbose] say more
       * @returns {boolean} whether it is prime
       */
      perform(number, verbose = false) { return number > 1 }
    }
  `);
  await writeFile(path.join(dir, 'two.ts'), `
    export class First { perform(a: string): string { return a } }
    export class Second { perform(b: boolean): boolean { return b } }
  `);
});
after(() => rm(dir, { recursive: true, force: true }));

test('reads perform from a TypeScript class: names, types, required, defaults, docs, return', async () => {
  const schema = await extractJobSchema(path.join(dir, 'job.ts'));
  assert.equal(schema.className, 'Adder');
  assert.equal(schema.exportName, 'default');
  const perform = schema.methods['perform'];
  assert.ok(perform);
  assert.equal(perform.description, 'Add the given numbers.');
  assert.equal(perform.returnsDescription, 'the sum');
  assert.deepEqual(perform.parameters.map((p) => [p.name, p.type, p.required, p.default]), [
    ['numbers', 'number[]', true, undefined],
    ['scale', 'number', false, 1],
    ['mode', 'Mode', false, 'fast'],
    ['at', 'Point', false, undefined],
    ['when', 'Date', false, undefined],
  ]);
  assert.equal(perform.parameters[0]?.description, 'values to add');
  assert.equal(perform.parameters[1]?.description, 'multiplier');
  assert.deepEqual(perform.input['required'], ['numbers']);
  assert.equal(perform.input['additionalProperties'], false);
  const properties = perform.input['properties'] as Record<string, Record<string, unknown>>;
  assert.deepEqual(properties['mode'], { type: 'string', enum: ['fast', 'slow'], default: 'fast' });
  assert.deepEqual(properties['at'], { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } }, required: ['x'] });
  assert.deepEqual(properties['when'], { type: 'string', format: 'date-time' });
  assert.deepEqual(perform.output, { type: 'number' });
});

test('reads every public non-convention method, awaiting async return types', async () => {
  const schema = await extractJobSchema(path.join(dir, 'job.ts'));
  assert.deepEqual(Object.keys(schema.methods).sort(), ['explain', 'perform']);
  const explain = schema.methods['explain'];
  assert.ok(explain);
  assert.deepEqual(explain.output, { type: 'object', properties: { importance: { type: 'number' } }, required: ['importance'] });
  const properties = explain.input['properties'] as Record<string, unknown>;
  assert.deepEqual(properties['tags'], { type: 'object', properties: {}, additionalProperties: { type: 'boolean' } });
  assert.deepEqual(properties['pair'], { type: 'array', items: [{ type: 'string' }, { type: 'number' }], minItems: 2, additionalItems: false });
});

test('reads JavaScript with JSDoc types', async () => {
  const schema = await extractJobSchema(path.join(dir, 'prime.js'));
  assert.equal(schema.exportName, 'Prime');
  const perform = schema.methods['perform'];
  assert.deepEqual(perform?.parameters.map((p) => [p.name, p.type, p.required, p.default, p.description]), [
    ['number', 'number', true, undefined, 'the number to check'],
    ['verbose', 'boolean', false, false, 'say more'],
  ]);
  assert.deepEqual(perform?.output, { type: 'boolean' });
});

test('picks a named class, and refuses to guess among several', async () => {
  const file = path.join(dir, 'two.ts');
  const second = await extractJobSchema(file, { className: 'Second' });
  assert.equal(second.methods['perform']?.parameters[0]?.name, 'b');
  await assert.rejects(extractJobSchema(file), /exports several classes \(First, Second\).*entrypoint_class/);
  await assert.rejects(extractJobSchema(file, { className: 'Third' }), /"Third" is not exported/);
});

test('caches by content: the same file gives the same schema object, a changed file a new one', async () => {
  const file = path.join(dir, 'cached.ts');
  await writeFile(file, 'export default class A { perform(a: number): number { return a } }');
  const first = await extractJobSchema(file);
  assert.equal(await extractJobSchema(file), first);
  await writeFile(file, 'export default class A { perform(b: string): string { return b } }');
  const changed = await extractJobSchema(file);
  assert.equal(changed.methods['perform']?.parameters[0]?.name, 'b');
});

test('writeJobSchema writes the schema as JSON for the runner', async () => {
  const out = path.join(dir, 'out', 'perform.schema.json');
  const schema = await writeJobSchema(path.join(dir, 'job.ts'), out);
  assert.deepEqual(JSON.parse(await readFile(out, 'utf8')), JSON.parse(JSON.stringify(schema)));
});

test('names the file when there is no class or no perform', async () => {
  const file = path.join(dir, 'none.ts');
  await writeFile(file, 'export const x = 1;');
  await assert.rejects(extractJobSchema(file), /exports no class/);
  const noPerform = path.join(dir, 'noperform.ts');
  await writeFile(noPerform, 'export default class A { run() {} }');
  await assert.rejects(extractJobSchema(noPerform), /has no public perform/);
});

test('reports an optional parameter without a default the same way however it is written', async () => {
  const file = path.join(dir, 'optional.ts');
  await writeFile(file, `export default class Optional {
    perform(a: number, b?: string, c: string | undefined, d: number | undefined = undefined, e = 2): unknown { return [a, b, c, d, e] }
  }`);
  const perform = (await extractJobSchema(file)).methods['perform'];
  assert.ok(perform);
  assert.deepEqual(perform.parameters.map((p) => [p.name, p.type, p.required, p.default, p.defaultText]), [
    ['a', 'number', true, undefined, undefined],
    ['b', 'string', false, undefined, undefined],
    ['c', 'string', false, undefined, undefined],
    ['d', 'number', false, undefined, undefined],
    ['e', 'number', false, 2, undefined],
  ]);
});
