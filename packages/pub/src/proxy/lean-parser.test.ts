/** @module The lean client's response parser: heads, framings, bytes split anywhere, and bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseBodyParser, parseResponseHead } from './lean-parser.ts';

function bodyOf(parser: ResponseBodyParser, pieces: string[]): string {
  let out = '';
  for (const piece of pieces) parser.push(Buffer.from(piece, 'latin1'), (data) => (out += data.toString('latin1')));
  return out;
}

test('a head is parsed once complete, with lowercase names, repeated headers and framing', () => {
  const raw = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 5\r\n\r\nhello';
  assert.equal(parseResponseHead(Buffer.from(raw.slice(0, 30)), 'GET'), undefined);
  const head = parseResponseHead(Buffer.from(raw), 'GET');
  assert.ok(head);
  assert.equal(head.status, 200);
  assert.equal(head.statusText, 'OK');
  assert.deepEqual(head.headers['set-cookie'], ['a=1', 'b=2']);
  assert.equal(head.headers['content-type'], 'text/plain');
  assert.equal(head.framing, 'length');
  assert.equal(head.contentLength, 5);
  assert.equal(head.size, raw.length - 5);
  assert.equal(head.keepAlive, true);
  const chunked = parseResponseHead(Buffer.from('HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\n\r\n'), 'GET');
  assert.deepEqual(chunked?.headers, {});
  assert.equal(chunked?.framing, 'chunked');
});

test('framing follows HEAD, 204/304, chunked, length and close; 1xx is informational', () => {
  const head = (raw: string, method = 'GET') => parseResponseHead(Buffer.from(`${raw}\r\n\r\n`), method);
  assert.equal(head('HTTP/1.1 200 OK\r\nContent-Length: 9', 'HEAD')?.framing, 'none');
  assert.equal(head('HTTP/1.1 204 No Content')?.framing, 'none');
  assert.equal(head('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked')?.framing, 'chunked');
  assert.equal(head('HTTP/1.1 200 OK\r\nContent-Length: 0')?.framing, 'none');
  const close = head('HTTP/1.0 200 OK');
  assert.equal(close?.framing, 'close');
  assert.equal(close?.keepAlive, false);
  assert.equal(head('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1')?.keepAlive, false);
  assert.equal(head('HTTP/1.1 103 Early Hints\r\nLink: </a.css>')?.informational, true);
});

test('bad heads are rejected with a message', () => {
  assert.throws(() => parseResponseHead(Buffer.from('SPDY/3 200 OK\r\n\r\n'), 'GET'), /bad status line/);
  assert.throws(() => parseResponseHead(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'), 'GET'), /Content-Length/);
  assert.throws(() => parseResponseHead(Buffer.from('HTTP/1.1 200 OK\r\nBad Header : x\r\n\r\n'), 'GET'), /bad header line/);
  assert.throws(() => parseResponseHead(Buffer.from('HTTP/1.1 101 Switching Protocols\r\n\r\n'), 'GET'), /upgrades/);
});

test('a length-framed body stops at its length and notices extra bytes', () => {
  const parser = new ResponseBodyParser('length', 5);
  assert.equal(bodyOf(parser, ['he', 'llo!']), 'hello');
  assert.equal(parser.done, true);
  assert.equal(parser.leftover, true);
});

test('a chunked body decodes whatever the split, with extensions and trailers', () => {
  const wire = '5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: y\r\n\r\n';
  for (let cut = 1; cut < wire.length; cut++) {
    const parser = new ResponseBodyParser('chunked', 0);
    assert.equal(bodyOf(parser, [wire.slice(0, cut), wire.slice(cut)]), 'hello, world', `cut at ${cut}`);
    assert.equal(parser.done, true);
    assert.equal(parser.leftover, false);
  }
  const oneByOne = new ResponseBodyParser('chunked', 0);
  assert.equal(bodyOf(oneByOne, [...wire]), 'hello, world');
});

test('a broken chunked body is an error', () => {
  assert.throws(() => bodyOf(new ResponseBodyParser('chunked', 0), ['zz\r\n']), /bad chunk size/);
  assert.throws(() => bodyOf(new ResponseBodyParser('chunked', 0), ['3\r\nabcX']), /CRLF/);
});
