import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypeUrl, encodeAny, encodeMessage } from '../../src/xds-api/index.js';
import { readDeltaResponse } from './delta-wire.js';
import { RefStates } from './ref-states.js';

const RESP = 'envoy.service.discovery.v3.DeltaDiscoveryResponse';

/** A CDS response whose clusters reference what their `alt_stat_name` says (comma-separated). */
function response(nonce: string, clusters: Record<string, string>, removed: string[] = []) {
  return readDeltaResponse(encodeMessage(RESP, {
    type_url: TypeUrl.Cluster, nonce, removed_resources: removed,
    resources: Object.entries(clusters).map(([name, refs]) => ({ name, version: refs, resource: encodeAny(TypeUrl.Cluster, { name, alt_stat_name: refs }) })),
  }));
}

test('ref-states: transitions give what to subscribe and drop, and are shared by equal content', () => {
  const decoded: string[] = [];
  const states = new RefStates((name, bytes) => {
    decoded.push(name);
    const m = /[a-z,]+$/.exec(bytes.toString('latin1'));
    return m ? m[0].split(',').filter(Boolean) : [];
  });
  const t1 = states.apply(states.empty, response('n1', { c1: 'a,b', c2: 'b' }));
  assert.deepEqual({ add: t1.add, drop: t1.drop, refs: [...t1.state.refs] }, { add: ['a', 'b'], drop: [], refs: ['a', 'b'] });
  // Another client, same content, different nonce: the same transition, nothing decoded again.
  assert.equal(states.apply(states.empty, response('n2', { c1: 'a,b', c2: 'b' })), t1);
  assert.deepEqual(decoded, ['c1', 'c2']);
  // c1 changes to reference c, c2 is removed: b is dropped, c added.
  const t2 = states.apply(t1.state, response('n3', { c1: 'a,c' }, ['c2']));
  assert.deepEqual({ add: t2.add, drop: t2.drop, names: [...t2.state.byName.keys()] }, { add: ['c'], drop: ['b'], names: ['c1'] });
  assert.deepEqual(states.size, { transitions: 2, decoded: 3 });
});
