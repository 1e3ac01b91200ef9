import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findHeadEnd, HEAD_BAD, HEAD_MORE } from './head-end.js';

const at = (s: string, start = 0, limit = 1000): number => findHeadEnd(Buffer.from(s, 'latin1'), start, limit);

describe('findHeadEnd', () => {
  const cases: [string, string, number, number][] = [
    ['a complete head', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', 0, 23],
    ['body bytes after the head are not scanned', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n\0\n\rbody', 0, 23],
    ['from an offset', 'xxGET / HTTP/1.1\r\n\r\n', 2, 16],
    ['incomplete', 'GET / HTTP/1.1\r\nHost: a\r\n', 0, HEAD_MORE],
    ['a trailing CR waits for its LF', 'GET / HTTP/1.1\r', 0, HEAD_MORE],
    ['bare LF', 'GET / HTTP/1.1\nHost: a\r\n\r\n', 0, HEAD_BAD],
    ['bare LF ending the head', 'GET / HTTP/1.1\r\nHost: a\n\n', 0, HEAD_BAD],
    ['a head starting with LF', '\nGET', 0, HEAD_BAD],
    ['bare CR', 'GET / HTTP/1.1\rHost: a\r\n\r\n', 0, HEAD_BAD],
    ['NUL', 'GET / HTTP/1.1\r\nHost: a\0\r\n\r\n', 0, HEAD_BAD],
    ['obs-text is allowed', 'GET / HTTP/1.1\r\nX: \xe9\xff\r\n\r\n', 0, 21],
    ['an empty head', '\r\n\r\n', 0, 0],
  ];
  for (const [name, text, start, want] of cases) it(name, () => assert.equal(at(text, start), want));

  it('stops looking past the limit', () => {
    const head = `GET / HTTP/1.1\r\nX: ${'v'.repeat(100)}\r\n\r\n`;
    assert.equal(at(head, 0, 50), HEAD_MORE);
    assert.equal(at(head, 0, head.length - 4), head.length - 4);
  });

  it('finds the same end whatever prefix of the bytes has arrived', () => {
    const msg = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx: y\r\n\r\nok';
    const end = msg.indexOf('\r\n\r\n');
    for (let k = 0; k <= msg.length; k++) assert.equal(at(msg.slice(0, k)), k >= end + 4 ? end : HEAD_MORE, `after ${k} bytes`);
  });
});
