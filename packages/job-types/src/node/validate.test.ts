/** @module Tests of the node job type's jobtype_extra checks. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isRacetrackError } from '@racetrack/core';
import { readNodeExtra } from './validate.ts';

describe('node jobtype_extra', () => {
  it('accepts the known fields, digit strings included', () => {
    const { extra, warnings } = readNodeExtra({
      jobtype_extra: { entrypoint_path: 'src/job.ts', entrypoint_class: 'Adder', home_page: '/docs', max_concurrency: '2', max_concurrency_queue: 0 },
    });
    assert.deepEqual(extra, { entrypoint_path: 'src/job.ts', entrypoint_class: 'Adder', home_page: '/docs', max_concurrency: 2, max_concurrency_queue: 0 });
    assert.deepEqual(warnings, []);
  });

  it('warns about unknown fields', () => {
    assert.match(readNodeExtra({ jobtype_extra: { gomod: 'x' } }).warnings[0] ?? '', /jobtype_extra.gomod/);
  });

  it('names the field of a bad value', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ max_concurrency: '0' }, 'jobtype_extra.max_concurrency'],
      [{ max_concurrency_queue: 'many' }, 'jobtype_extra.max_concurrency_queue'],
      [{ entrypoint_path: '../job.ts' }, 'jobtype_extra.entrypoint_path'],
      [{ entrypoint_class: 'not a class' }, 'jobtype_extra.entrypoint_class'],
    ];
    for (const [extra, field] of cases) {
      assert.throws(
        () => readNodeExtra({ jobtype_extra: extra }),
        (error) => isRacetrackError(error) && error.code === 'MANIFEST_INVALID' && error.message.startsWith(field),
      );
    }
  });
});
