/** @module Tests of payload parsing, shell quoting and the --curl command. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { curlCommand, parsePayload, shellQuote } from './call.ts';

describe('call helpers', () => {
  it('parses JSON and YAML mappings and rejects anything else', () => {
    assert.deepEqual(parsePayload('{"numbers": [40, 2]}'), { numbers: [40, 2] });
    assert.deepEqual(parsePayload('numbers: [40, 2]'), { numbers: [40, 2] });
    assert.throws(() => parsePayload('[1, 2]'), /PAYLOAD must be a JSON or YAML mapping/);
    assert.throws(() => parsePayload('{"a": '), /PAYLOAD must be JSON or YAML/);
  });

  it('quotes for a POSIX shell', () => {
    assert.equal(shellQuote(`it's`), `'it'\\''s'`);
  });

  it('builds a curl command with headers, token and JSON body', () => {
    assert.equal(
      curlCommand('http://127.0.0.1:7200/pub/job/adder/1.0.0/api/v1/perform', { numbers: [40, 2] }, 'tok'),
      `curl -X POST 'http://127.0.0.1:7200/pub/job/adder/1.0.0/api/v1/perform' -H 'Content-Type: application/json' -H 'Accept: application/json, */*' -H 'X-Racetrack-Auth: tok' -d '{"numbers":[40,2]}'`,
    );
  });
});
