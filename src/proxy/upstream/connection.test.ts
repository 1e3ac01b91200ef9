// The HTTP/1.1 upstream codec's request framing: what goes on the wire for each body framing the
// downstream delivered (kept as is, or bare HTTP/2 data sent with a length or chunk-encoded).
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RequestHeaders } from '../http1/headers.js';
import { UpstreamConnection } from './connection.js';
import type { MessageBody, UpstreamReceiver } from './upstream-stream.js';

const nobody: UpstreamReceiver = {
  onResponseHead() {}, onResponseData: () => true, onResponseEnd() {}, onReadComplete() {}, onUpstreamReset() {}, onUpstreamDrain() {},
};

interface Case {
  name: string;
  bodyKind: MessageBody;
  headers: [string, string][];
  /** Body parts known when the connection is ready, then parts written later, then whether endBody follows. */
  initial: string[] | undefined;
  ended: boolean;
  later: string[];
  wire: string;
}

const cases: Case[] = [
  { name: 'no body', bodyKind: 'none', headers: [['host', 'h']], initial: undefined, ended: true, later: [], wire: 'GET /p HTTP/1.1\r\nhost: h\r\n\r\n' },
  { name: 'content-length body kept', bodyKind: 'length', headers: [['host', 'h'], ['content-length', '5']], initial: ['ab'], ended: false, later: ['cde'], wire: 'GET /p HTTP/1.1\r\nhost: h\r\ncontent-length: 5\r\n\r\nabcde' },
  { name: 'chunked body passed through', bodyKind: 'chunked', headers: [['host', 'h']], initial: ['2\r\nab\r\n'], ended: false, later: ['0\r\n\r\n'], wire: 'GET /p HTTP/1.1\r\nhost: h\r\ntransfer-encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n' },
  { name: 'HTTP/2 data complete before the connection: sent with its length', bodyKind: 'stream', headers: [['host', 'h']], initial: ['ab', 'cd'], ended: true, later: [], wire: 'GET /p HTTP/1.1\r\nhost: h\r\ncontent-length: 4\r\n\r\nabcd' },
  { name: 'HTTP/2 data still arriving: chunk-encoded', bodyKind: 'stream', headers: [['host', 'h']], initial: ['ab'], ended: false, later: ['cde'], wire: 'GET /p HTTP/1.1\r\nhost: h\r\ntransfer-encoding: chunked\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n' },
  { name: 'HTTP/2 data with its content-length: kept', bodyKind: 'stream', headers: [['host', 'h'], ['content-length', '3']], initial: undefined, ended: false, later: ['abc'], wire: 'GET /p HTTP/1.1\r\nhost: h\r\ncontent-length: 3\r\n\r\nabc' },
];

describe('UpstreamConnection request framing', () => {
  let server: Server;
  let port: number;
  let accept: ((w: Promise<string>) => void) | undefined;

  before(async () => {
    server = createServer((s) => {
      const w = new Promise<string>((resolve) => {
        let text = '';
        s.on('data', (d: Buffer) => { text += d.toString('latin1'); });
        s.on('end', () => resolve(text));
      });
      accept?.(w);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });

  after(() => server.close());

  for (const c of cases) {
    it(c.name, async () => {
      const accepted = new Promise<Promise<string>>((r) => { accept = r; });
      const conn = await new Promise<UpstreamConnection>((resolve) => {
        const x = new UpstreamConnection({ release() {} }, '127.0.0.1', port, () => resolve(x), () => {});
      });
      const headers = new RequestHeaders();
      for (const [k, v] of c.headers) headers.add(k, v);
      conn.start(nobody, { method: 'GET', upstreamTarget: '/p', headers, bodyKind: c.bodyKind }, c.initial?.map((s) => Buffer.from(s)), c.ended);
      for (const s of c.later) conn.writeBody(Buffer.from(s));
      if (!c.ended) conn.endBody();
      conn.socket.end();
      assert.equal(await (await accepted), c.wire);
    });
  }
});
