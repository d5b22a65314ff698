import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSourceParameters } from './source-params.ts';

test('reads names, defaults and rest parameters from methods and functions', () => {
  class Job {
    perform(numbers: number[], scale = 1, { deep } = { deep: true }, ...rest: string[]): unknown {
      return [numbers, scale, deep, rest];
    }
  }
  assert.deepEqual(readSourceParameters(Job.prototype.perform), [
    { name: 'numbers', hasDefault: false, rest: false },
    { name: 'scale', hasDefault: true, rest: false },
    { name: 'arg2', hasDefault: true, rest: false },
    { name: 'rest', hasDefault: false, rest: true },
  ]);
  assert.deepEqual(readSourceParameters((x: number) => x), [{ name: 'x', hasDefault: false, rest: false }]);
  assert.deepEqual(readSourceParameters(async function named() {}), []);
});
