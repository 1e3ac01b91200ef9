// HPACK against RFC 7541 Appendix C: integer representations, field representations, and the
// request and response sequences with and without Huffman coding, decoded and encoded (the
// dynamic table after each block included), plus malformed input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { huffmanDecode, huffmanEncode, huffmanLength } from './hpack-huffman.js';
import { HpackDecoder, HpackEncoder, HpackError } from './hpack.js';

type Fields = [string, string][];
interface Step { hex: string; fields: Fields; table: Fields; size: number }

const req1: Fields = [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com']];
const req2: Fields = [...req1, ['cache-control', 'no-cache']];
const req3: Fields = [[':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], [':authority', 'www.example.com'], ['custom-key', 'custom-value']];
const t1: Fields = [[':authority', 'www.example.com']];
const t2: Fields = [['cache-control', 'no-cache'], ...t1];
const t3: Fields = [['custom-key', 'custom-value'], ...t2];

const res1: Fields = [[':status', '302'], ['cache-control', 'private'], ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'], ['location', 'https://www.example.com']];
const res2: Fields = [[':status', '307'], ...res1.slice(1)];
const cookie = 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1';
const res3: Fields = [[':status', '200'], ['cache-control', 'private'], ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'], ['location', 'https://www.example.com'], ['content-encoding', 'gzip'], ['set-cookie', cookie]];
const rt1: Fields = [['location', 'https://www.example.com'], ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'], ['cache-control', 'private'], [':status', '302']];
const rt2: Fields = [[':status', '307'], ...rt1.slice(0, 3)];
const rt3: Fields = [['set-cookie', cookie], ['content-encoding', 'gzip'], ['date', 'Mon, 21 Oct 2013 20:13:22 GMT']];

const sequences: { name: string; tableSize: number; huffman: boolean; steps: Step[] }[] = [
  {
    name: 'C.3 requests without Huffman', tableSize: 4096, huffman: false, steps: [
      { hex: '828684410f7777772e6578616d706c652e636f6d', fields: req1, table: t1, size: 57 },
      { hex: '828684be58086e6f2d6361636865', fields: req2, table: t2, size: 110 },
      { hex: '828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565', fields: req3, table: t3, size: 164 },
    ],
  },
  {
    name: 'C.4 requests with Huffman', tableSize: 4096, huffman: true, steps: [
      { hex: '828684418cf1e3c2e5f23a6ba0ab90f4ff', fields: req1, table: t1, size: 57 },
      { hex: '828684be5886a8eb10649cbf', fields: req2, table: t2, size: 110 },
      { hex: '828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf', fields: req3, table: t3, size: 164 },
    ],
  },
  {
    name: 'C.5 responses without Huffman (eviction)', tableSize: 256, huffman: false, steps: [
      { hex: '4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d', fields: res1, table: rt1, size: 222 },
      { hex: '4803333037c1c0bf', fields: res2, table: rt2, size: 222 },
      { hex: '88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31', fields: res3, table: rt3, size: 215 },
    ],
  },
  {
    name: 'C.6 responses with Huffman (eviction)', tableSize: 256, huffman: true, steps: [
      { hex: '488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3', fields: res1, table: rt1, size: 222 },
      { hex: '4883640effc1c0bf', fields: res2, table: rt2, size: 222 },
      { hex: '88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007', fields: res3, table: rt3, size: 215 },
    ],
  },
];

function pairs(flat: string[]): Fields {
  const out: Fields = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

for (const seq of sequences) {
  test(`RFC 7541 ${seq.name}: decoding`, () => {
    const d = new HpackDecoder(seq.tableSize);
    for (const s of seq.steps) {
      const out: string[] = [];
      d.decode(Buffer.from(s.hex, 'hex'), out);
      assert.deepEqual(pairs(out), s.fields);
      assert.deepEqual(d.entries(), s.table);
      assert.equal(d.tableSize, s.size);
    }
  });
  test(`RFC 7541 ${seq.name}: encoding gives the RFC's bytes`, () => {
    const e = new HpackEncoder(seq.tableSize, seq.huffman);
    for (const s of seq.steps) {
      e.begin(0);
      for (const [n, v] of s.fields) e.field(n, v);
      assert.equal(e.output.toString('hex'), s.hex);
      assert.equal(e.tableSize, s.size);
    }
  });
}

test('RFC 7541 C.1 integers and C.2 field representations decode', () => {
  const cases: [string, Fields, number][] = [
    ['400a637573746f6d2d6b65790d637573746f6d2d686561646572', [['custom-key', 'custom-header']], 55],
    ['040c2f73616d706c652f70617468', [[':path', '/sample/path']], 0],
    ['100870617373776f726406736563726574', [['password', 'secret']], 0],
    ['82', [[':method', 'GET']], 0],
  ];
  for (const [hex, fields, size] of cases) {
    const d = new HpackDecoder();
    const out: string[] = [];
    d.decode(Buffer.from(hex, 'hex'), out);
    assert.deepEqual(pairs(out), fields, hex);
    assert.equal(d.tableSize, size, hex);
  }
  // C.1.2: 1337 with a 5-bit prefix, as a dynamic table size update (above the limit: rejected).
  assert.throws(() => new HpackDecoder(1000).decode(Buffer.from('3f9a0a', 'hex'), []), HpackError);
  const d = new HpackDecoder(2000);
  d.decode(Buffer.from('3f9a0a', 'hex'), []);
});

test('a table size the peer lowers is announced at the start of the next block', () => {
  const e = new HpackEncoder();
  const d = new HpackDecoder();
  e.begin(0);
  e.field('x-a', '1');
  d.decode(Buffer.from(e.output), []);
  e.setMaxTableSize(0);
  e.begin(0);
  e.field('x-a', '1');
  const out: string[] = [];
  d.decode(Buffer.from(e.output), out);
  assert.deepEqual(out, ['x-a', '1']);
  assert.equal(d.tableSize, 0);
  assert.equal(e.output[0], 0x20);
});

test('malformed blocks are compression errors', () => {
  const bad = [
    '80', // index 0
    'ff00', // index beyond the table
    '41', // truncated literal
    '410a6162', // string longer than the block
    '82' + '20', // table size update after a field
    '4185ffffffffff', // Huffman: padding longer than 7 bits / EOS
    'ff8080808080', // integer overflow
  ];
  for (const hex of bad) assert.throws(() => new HpackDecoder().decode(Buffer.from(hex, 'hex'), []), HpackError, hex);
});

test('Huffman round-trips every byte value', () => {
  let all = '';
  for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
  for (const s of [all, 'www.example.com', 'a', '', '\u00ff\u0000\u00fe']) {
    const buf = Buffer.alloc(huffmanLength(s));
    assert.equal(huffmanEncode(s, buf, 0), buf.length);
    assert.equal(huffmanDecode(buf, 0, buf.length), s);
  }
});

test('the encoder refers back to indexed fields and keeps secrets out of the table', () => {
  const e = new HpackEncoder();
  const d = new HpackDecoder();
  const fields: Fields = [['content-type', 'application/grpc'], ['authorization', 'Bearer x'], ['x-long', 'v'.repeat(1000)]];
  for (let round = 0; round < 3; round++) {
    e.begin(0);
    for (const [n, v] of fields) e.field(n, v);
    const out: string[] = [];
    d.decode(Buffer.from(e.output), out);
    assert.deepEqual(pairs(out), fields);
  }
  assert.deepEqual(d.entries(), [['content-type', 'application/grpc']]);
});

test('the dynamic tables wrap and grow: hundreds of fields, evictions, every block decodes to what was encoded', () => {
  const e = new HpackEncoder();
  const d = new HpackDecoder();
  for (let round = 0; round < 50; round++) {
    const fields: Fields = [];
    for (let i = 0; i < 20; i++) fields.push([`x-h${(round * 7 + i) % 150}`, `value-${(round * 3 + i) % 40}`]);
    fields.push(['x-request-id', `id-${round}`]);
    e.begin(0);
    for (const [n, v] of fields) e.field(n, v);
    const out: string[] = [];
    d.decode(Buffer.from(e.output), out);
    assert.deepEqual(pairs(out), fields, `round ${round}`);
    assert.equal(d.tableSize, e.tableSize);
    assert.ok(d.tableSize <= 4096);
  }
  assert.ok(!d.entries().some(([n]) => n === 'x-request-id'), 'per-request values are not indexed');
});
