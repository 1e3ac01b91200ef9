import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspectHttp } from './http-inspector.js';

describe('http_inspector', () => {
  const cases: [string, string, string][] = [
    ['HTTP/1.1 request line', 'GET /index.html HTTP/1.1\r\nhost: a\r\n\r\n', 'http/1.1'],
    ['HTTP/1.0 request line', 'POST /x HTTP/1.0\r\n', 'http/1.0'],
    ['extension method', 'PROPFIND /dav HTTP/1.1\r\n', 'http/1.1'],
    ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'h2c'],
    ['partial preface', 'PRI * HTTP/2.0\r\n', 'need-more'],
    ['partial request line', 'GET /index.ht', 'need-more'],
    ['request line without CRLF yet', 'GET / HTTP/1.1', 'need-more'],
    ['empty', '', 'need-more'],
    ['lowercase method', 'get / HTTP/1.1\r\n', 'not-http'],
    ['HTTP/2 version on a request line', 'GET / HTTP/2.0\r\n', 'not-http'],
    ['TLS record', '\x16\x03\x01\x00\x10', 'not-http'],
    ['binary protocol', '\x00\x00\x00\x0cREDIS', 'not-http'],
    ['two spaces', 'GET  / HTTP/1.1\r\n', 'not-http'],
    ['bare LF', 'GET / HTTP/1.1\n', 'not-http'],
  ];
  for (const [name, input, want] of cases) {
    it(name, () => {
      const r = inspectHttp(Buffer.from(input, 'latin1'));
      assert.equal(r.kind === 'http' ? r.protocol : r.kind, want);
    });
  }
});
