/** @module Tests of the SSE parser across chunk boundaries and line endings. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseParser } from './index.ts';

describe('SseParser', () => {
  it('joins events split across chunks and ignores comments and other fields', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push(': hi\n\nevent: log\nda'), []);
    assert.deepEqual(parser.push('ta: one\n\ndata:two\r\n\r\ndata: a\ndata: b\n'), ['one', 'two']);
    assert.deepEqual(parser.push('\n'), ['a\nb']);
  });
});
