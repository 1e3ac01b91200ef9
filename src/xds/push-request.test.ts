import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatReason, mergePushRequests, pushRequest } from './push-request.js';

test('merging keeps full over EDS-only, sums reasons, keeps the earliest start and newest push', () => {
  const a = pushRequest({ full: false, reason: 'endpoint', start: 10, configsUpdated: ['ServiceEntry/ns/a'], push: 'p1' });
  const b = pushRequest({ full: true, reason: 'config', start: 20, configsUpdated: ['VirtualService/ns/b'], push: 'p2' });
  const c = pushRequest({ full: false, reason: 'endpoint', start: 5, configsUpdated: ['ServiceEntry/ns/a'] });
  const m = mergePushRequests(mergePushRequests(a, b), c);
  assert.equal(m.full, true);
  assert.deepEqual([...m.configsUpdated].sort(), ['ServiceEntry/ns/a', 'VirtualService/ns/b']);
  assert.deepEqual([...m.reason], [['endpoint', 2], ['config', 1]]);
  assert.equal(m.start, 5);
  assert.equal(m.push, 'p2');
  assert.equal(m.forced, false);
  assert.equal(formatReason(m), 'endpoint:2,config:1');
  assert.deepEqual([...a.reason], [['endpoint', 1]], 'inputs are not modified');
});

test('an empty configsUpdated ("everything") absorbs any list', () => {
  const all = pushRequest({ full: true, reason: 'global', start: 0 });
  const some = pushRequest({ full: true, reason: 'config', start: 0, configsUpdated: ['Gateway/ns/gw'] });
  assert.equal(mergePushRequests(all, some).configsUpdated.size, 0);
  assert.equal(mergePushRequests(some, all).configsUpdated.size, 0);
});

test('forced is sticky and merging into undefined returns the request', () => {
  const f = pushRequest({ full: false, reason: 'debug', start: 1, forced: true });
  assert.equal(mergePushRequests(undefined, f), f);
  assert.equal(mergePushRequests(f, pushRequest({ full: false, reason: 'endpoint', start: 2 })).forced, true);
});
