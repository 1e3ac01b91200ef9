import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeMessage, encodeMessage } from './any.js';
import { jsonToStruct, structToJson } from './struct.js';

const cases: Array<{ name: string; json: Record<string, unknown> }> = [
  { name: 'empty', json: {} },
  { name: 'strings, numbers, booleans, null', json: { NAMESPACE: 'default', N: 2.5, B: true, Z: null } },
  { name: 'nested objects and lists', json: { LABELS: { app: 'reviews', version: 'v1' }, L: [1, 'a', [false], { x: 'y' }] } },
];

for (const c of cases) {
  test(`Struct round-trips through the wire: ${c.name}`, () => {
    const bytes = encodeMessage('envoy.config.core.v3.Node', { id: 'n', metadata: jsonToStruct(c.json) });
    const node = decodeMessage('envoy.config.core.v3.Node', bytes);
    assert.deepEqual(structToJson(node.metadata), c.json);
  });
}

test('structToJson of an absent Struct is an empty object', () => {
  assert.deepEqual(structToJson(null), {});
});

test('jsonToStruct drops undefined members and rejects functions', () => {
  assert.deepEqual(jsonToStruct({ a: undefined, b: 'x' }), { fields: { b: { stringValue: 'x' } } });
  assert.throws(() => jsonToStruct({ f: () => 1 }), /cannot represent function/);
});
