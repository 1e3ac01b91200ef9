import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHUNKED_ERROR, CHUNKED_MORE, ChunkedScanner } from './chunked.js';
import { HeadError, parseRequestHead, parseResponseHead } from './parse-head.js';

describe('request head', () => {
  const errors: [string, string, number][] = [
    ['CL and TE together', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked', 400],
    ['conflicting Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4', 400],
    ['non-numeric Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3x', 400],
    ['unknown transfer coding', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked', 501],
    ['space before colon', 'GET / HTTP/1.1\r\nHost : a', 400],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: a\r\n  folded', 400],
    ['bare LF', 'GET / HTTP/1.1\nHost: a', 400],
    ['NUL in value', 'GET / HTTP/1.1\r\nHost: a\0b', 400],
    ['HTTP/1.0', 'GET / HTTP/1.0\r\nHost: a', 426],
    ['HTTP/2 preface', 'PRI * HTTP/2.0', 400],
    ['bad method', 'G(T / HTTP/1.1\r\nHost: a', 400],
    ['non-ASCII method', 'G\xc9T / HTTP/1.1\r\nHost: a', 400],
    ['DEL in the target', 'GET /a\x7fb HTTP/1.1\r\nHost: a', 400],
    ['non-ASCII target', 'GET /caf\xe9 HTTP/1.1\r\nHost: a', 400],
    ['control character in the target', 'GET /a\tb HTTP/1.1\r\nHost: a', 400],
    ['empty target', 'GET  HTTP/1.1\r\nHost: a', 400],
    ['too many headers', `GET / HTTP/1.1\r\n${Array.from({ length: 5 }, (_, i) => `h${i}: v`).join('\r\n')}`, 431],
  ];
  for (const [name, head, status] of errors) {
    it(`rejects ${name} with ${status}`, () => {
      const r = parseRequestHead(head, 4);
      assert.ok(r instanceof HeadError, 'expected an error');
      assert.equal(r.status, status);
    });
  }

  it('parses framing, keep-alive and lowercase names', () => {
    const r = parseRequestHead('POST /x?y=1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\nConnection: close\r\nX-A:  v  ', 100);
    assert.ok(!(r instanceof HeadError));
    assert.equal(r.method, 'POST');
    assert.equal(r.target, '/x?y=1');
    assert.equal(r.bodyKind, 'chunked');
    assert.equal(r.keepAlive, false);
    assert.deepEqual(r.headers.toObject(), { host: 'a', 'transfer-encoding': 'Chunked', connection: 'close', 'x-a': 'v' });
  });

  const details: [string, string, string][] = [
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: a\r\n\tfolded', 'http1.codec_error'],
    ['a line without a colon', 'GET / HTTP/1.1\r\nHost: a\r\nNoColon', 'http1.codec_error'],
    ['an empty name', 'GET / HTTP/1.1\r\n: v', 'http1.invalid_characters'],
    ['a space inside the name', 'GET / HTTP/1.1\r\nX Y: v', 'http1.invalid_characters'],
    ['a non-ASCII name', 'GET / HTTP/1.1\r\n\xe9: v', 'http1.invalid_characters'],
    ['a quote in the name', 'GET / HTTP/1.1\r\nx"y: v', 'http1.invalid_characters'],
  ];
  for (const [name, head, detail] of details) {
    it(`answers ${name} with ${detail}`, () => {
      const r = parseRequestHead(head, 100);
      assert.ok(r instanceof HeadError);
      assert.equal(r.detail, detail);
    });
  }
  it('lowercases names only as needed and keeps every tchar', () => {
    const r = parseRequestHead("GET / HTTP/1.1\r\nhost: a\r\nX-Mixed-Case: 1\r\n!#$%&'*+-.^_`|~09az: 2", 100);
    assert.ok(!(r instanceof HeadError));
    assert.deepEqual(r.headers.names, ['host', 'x-mixed-case', "!#$%&'*+-.^_`|~09az"]);
  });
  const lengths: [string, number | undefined][] = [['0', 0], ['007', 7], ['123456789012345', 123456789012345], ['1234567890123456', undefined], ['', undefined], ['+1', undefined], ['1 ', 1]];
  for (const [v, want] of lengths) {
    it(`content-length ${JSON.stringify(v)}`, () => {
      const r = parseRequestHead(`POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${v}`, 100);
      if (want === undefined) assert.ok(r instanceof HeadError);
      else assert.ok(!(r instanceof HeadError) && r.contentLength === want);
    });
  }
  it('accepts a repeated identical Content-Length', () => {
    const r = parseRequestHead('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3', 100);
    assert.ok(!(r instanceof HeadError));
    assert.equal(r.contentLength, 3);
  });
});

describe('response head', () => {
  const cases: [string, string, string, string, number][] = [
    ['content-length', 'HTTP/1.1 200 OK\r\nContent-Length: 5', 'GET', 'length', 5],
    ['chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked', 'GET', 'chunked', -1],
    ['close-delimited', 'HTTP/1.1 200 OK', 'GET', 'close', 0],
    ['HEAD has no body', 'HTTP/1.1 200 OK\r\nContent-Length: 5', 'HEAD', 'none', 0],
    ['204 has no body', 'HTTP/1.1 204 No Content', 'GET', 'none', 0],
    ['304 has no body', 'HTTP/1.1 304 Not Modified\r\nContent-Length: 9', 'GET', 'none', 0],
  ];
  for (const [name, head, method, kind, len] of cases) {
    it(name, () => {
      const r = parseResponseHead(head, method, 100);
      assert.ok(!(r instanceof HeadError));
      assert.equal(r.bodyKind, kind);
      assert.equal(r.contentLength, len);
    });
  }
  const lines: [string, number, string][] = [
    ['HTTP/1.1 200', 200, ''],
    ['HTTP/1.1 200 ', 200, ''],
    ['HTTP/1.0 404 Not Found', 404, 'Not Found'],
    ['HTTP/1.1 599 x y', 599, 'x y'],
  ];
  for (const [line, status, reason] of lines) {
    it(`status line ${JSON.stringify(line)}`, () => {
      const r = parseResponseHead(`${line}\r\nContent-Length: 0`, 'GET', 100);
      assert.ok(!(r instanceof HeadError));
      assert.equal(r.status, status);
      assert.equal(r.reason, reason);
    });
  }
  for (const line of ['HTTP/1.2 200 OK', 'HTTP/1.1 20x OK', 'HTTP/1.1 200OK', 'HTTP/1.1  200 OK', 'HTTP/2 200', 'http/1.1 200 OK', 'HTTP/1.1 20']) {
    it(`rejects status line ${JSON.stringify(line)}`, () => assert.ok(parseResponseHead(line, 'GET', 100) instanceof HeadError));
  }
  it('a malformed status line is a 502', () => {
    const r = parseResponseHead('HTTP/1.1 2000 OK', 'GET', 100);
    assert.ok(r instanceof HeadError);
    assert.equal(r.status, 502);
  });
});

describe('chunked scanner', () => {
  const body = '5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n';
  it('finds the end of a body and leaves the next message', () => {
    const buf = Buffer.from(`${body}GET /next`);
    assert.equal(new ChunkedScanner().scan(buf, 0), body.length);
  });
  it('works byte by byte', () => {
    const s = new ChunkedScanner();
    const buf = Buffer.from(body);
    for (let i = 0; i < buf.length - 1; i++) assert.equal(s.scan(buf.subarray(i, i + 1), 0), CHUNKED_MORE);
    assert.equal(s.scan(buf.subarray(buf.length - 1), 0), 1);
    assert.equal(s.done, true);
  });
  const bad: [string, string][] = [
    ['no size', '\r\nabc'],
    ['non-hex size', 'zz\r\n'],
    ['missing CRLF after data', '3\r\nabcX'],
    ['LF in extension', '3;a\nb\r\n'],
    ['oversized size', 'fffffffffffffffff\r\n'],
  ];
  for (const [name, text] of bad) {
    it(`rejects ${name}`, () => assert.equal(new ChunkedScanner().scan(Buffer.from(text), 0), CHUNKED_ERROR));
  }
});
