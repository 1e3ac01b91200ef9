import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChunkedDecoder, lastChunk } from './chunked-decoder.js';

describe('ChunkedDecoder', () => {
  const cases: { name: string; parts: string[]; data: string; done: boolean; error: boolean; trailers?: [string, string][] }[] = [
    { name: 'one chunk', parts: ['5\r\nhello\r\n0\r\n\r\n'], data: 'hello', done: true, error: false },
    { name: 'split everywhere', parts: ['5', '\r', '\nhe', 'llo\r', '\n', 'a\r\n0123456789\r\n0\r', '\n\r\n'], data: 'hello0123456789', done: true, error: false },
    { name: 'hex sizes, either case', parts: ['A\r\n0123456789\r\nb\r\nabcdefghijk\r\n0\r\n\r\n'], data: '0123456789abcdefghijk', done: true, error: false },
    { name: 'chunk extensions ignored', parts: ['3;name=v\r\nabc\r\n0\r\n\r\n'], data: 'abc', done: true, error: false },
    { name: 'trailers', parts: ['2\r\nok\r\n0\r\ngrpc-status: 0\r\nGrpc-Message: fine\r\n\r\n'], data: 'ok', done: true, error: false, trailers: [['grpc-status', '0'], ['grpc-message', 'fine']] },
    { name: 'incomplete', parts: ['5\r\nhel'], data: 'hel', done: false, error: false },
    { name: 'bad size', parts: ['zz\r\n'], data: '', done: false, error: true },
    { name: 'missing CRLF after data', parts: ['2\r\nokX'], data: 'ok', done: false, error: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = new ChunkedDecoder();
      let data = '';
      let ok = true;
      for (const p of c.parts) ok = d.feed(Buffer.from(p, 'latin1'), (b) => { data += b.toString('latin1'); }) && ok;
      assert.equal(data, c.data);
      assert.equal(d.done, c.done);
      assert.equal(!ok, c.error);
      assert.deepEqual(d.trailers, c.trailers ?? []);
    });
  }

  it('writes the last chunk with trailers', () => {
    assert.equal(lastChunk(undefined), '0\r\n\r\n');
    assert.equal(lastChunk([['grpc-status', '14']]), '0\r\ngrpc-status: 14\r\n\r\n');
  });
});
