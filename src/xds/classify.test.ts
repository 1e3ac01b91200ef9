import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypeUrl } from '../xds-api/index.js';
import { classifyRequest, type Classification, type SotwRequestView } from './classify.js';
import { newWatch, type WatchedResource } from './watch.js';

const LDS = TypeUrl.Listener;
const CDS = TypeUrl.Cluster;
const RDS = TypeUrl.RouteConfiguration;
const EDS = TypeUrl.ClusterLoadAssignment;

function watch(type: string, names: string[], wildcard: boolean, nonceSent?: string, versionSent?: string): WatchedResource {
  return { ...newWatch(type, names, wildcard), nonceSent, versionSent };
}
function req(type: string, r: Partial<SotwRequestView> = {}): SotwRequestView {
  return { type_url: type, version_info: '', response_nonce: '', resource_names: [], error_detail: null, ...r };
}

const cases: Array<{ name: string; prev?: WatchedResource; req: SotwRequestView; want: Classification }> = [
  { name: 'initial LDS with no names is wildcard', req: req(LDS), want: { kind: 'initial', names: [], wildcard: true } },
  { name: 'initial CDS with explicit * is wildcard', req: req(CDS, { resource_names: ['*'] }), want: { kind: 'initial', names: [], wildcard: true } },
  { name: 'initial CDS with * and names keeps the names', req: req(CDS, { resource_names: ['*', 'a'] }), want: { kind: 'initial', names: ['a'], wildcard: true } },
  { name: 'initial LDS naming listeners is not wildcard', req: req(LDS, { resource_names: ['l1'] }), want: { kind: 'initial', names: ['l1'], wildcard: false } },
  { name: 'initial RDS with names', req: req(RDS, { resource_names: ['80', '9080'] }), want: { kind: 'initial', names: ['80', '9080'], wildcard: false } },
  { name: 'initial EDS with no names is never wildcard', req: req(EDS), want: { kind: 'initial', names: [], wildcard: false } },
  {
    name: 'first request carrying a version and nonce is a reconnect',
    req: req(CDS, { version_info: 'v7', response_nonce: 'old-nonce' }),
    want: { kind: 'reconnect', names: [], wildcard: true, version: 'v7' },
  },
  {
    name: 'first request with only a version is a reconnect',
    req: req(EDS, { version_info: 'v7', resource_names: ['c1'] }),
    want: { kind: 'reconnect', names: ['c1'], wildcard: false, version: 'v7' },
  },
  {
    name: 'empty nonce on an existing watch restarts it',
    prev: watch(RDS, ['80'], false, 'n1', 'v1'),
    req: req(RDS, { resource_names: ['80'] }),
    want: { kind: 'initial', names: ['80'], wildcard: false },
  },
  {
    name: 'ACK: nonce matches, same names',
    prev: watch(RDS, ['80'], false, 'n1', 'v1'),
    req: req(RDS, { version_info: 'v1', response_nonce: 'n1', resource_names: ['80'] }),
    want: { kind: 'ack', nonce: 'n1', version: 'v1' },
  },
  {
    name: 'ACK of a wildcard watch',
    prev: watch(LDS, [], true, 'n1', 'v1'),
    req: req(LDS, { version_info: 'v1', response_nonce: 'n1' }),
    want: { kind: 'ack', nonce: 'n1', version: 'v1' },
  },
  {
    name: 'NACK: error_detail set (even with matching nonce)',
    prev: watch(CDS, [], true, 'n2', 'v2'),
    req: req(CDS, { version_info: 'v1', response_nonce: 'n2', error_detail: { code: 3, message: 'bad cluster' } }),
    want: { kind: 'nack', nonce: 'n2', keptVersion: 'v1', code: 3, message: 'bad cluster' },
  },
  {
    name: 'NACK is recognised before the stale-nonce check',
    prev: watch(CDS, [], true, 'n3', 'v3'),
    req: req(CDS, { version_info: 'v1', response_nonce: 'n2', error_detail: { code: 13, message: 'x' } }),
    want: { kind: 'nack', nonce: 'n2', keptVersion: 'v1', code: 13, message: 'x' },
  },
  {
    name: 'stale nonce: an older response is being acknowledged',
    prev: watch(EDS, ['c1'], false, 'n5', 'v5'),
    req: req(EDS, { version_info: 'v4', response_nonce: 'n4', resource_names: ['c1', 'c2'] }),
    want: { kind: 'stale-nonce', nonce: 'n4', expected: 'n5' },
  },
  {
    name: 'stale nonce: nothing sent yet on this watch',
    prev: watch(EDS, ['c1'], false),
    req: req(EDS, { response_nonce: 'n1', resource_names: ['c1'] }),
    want: { kind: 'stale-nonce', nonce: 'n1', expected: undefined },
  },
  {
    name: 'names added: respond',
    prev: watch(EDS, ['c1'], false, 'n1', 'v1'),
    req: req(EDS, { version_info: 'v1', response_nonce: 'n1', resource_names: ['c1', 'c2'] }),
    want: { kind: 'subscription-change', names: ['c1', 'c2'], wildcard: false, added: ['c2'], removed: [], nonce: 'n1', version: 'v1' },
  },
  {
    name: 'names replaced: respond',
    prev: watch(RDS, ['80'], false, 'n1', 'v1'),
    req: req(RDS, { version_info: 'v1', response_nonce: 'n1', resource_names: ['8080'] }),
    want: { kind: 'subscription-change', names: ['8080'], wildcard: false, added: ['8080'], removed: ['80'], nonce: 'n1', version: 'v1' },
  },
  {
    name: 'names only removed: unsubscribe, no response',
    prev: watch(EDS, ['c1', 'c2'], false, 'n1', 'v1'),
    req: req(EDS, { version_info: 'v1', response_nonce: 'n1', resource_names: ['c1'] }),
    want: { kind: 'unsubscribe', names: ['c1'], removed: ['c2'], nonce: 'n1', version: 'v1' },
  },
  {
    name: 'all names removed on a named type: drop the watch',
    prev: watch(RDS, ['80'], false, 'n1', 'v1'),
    req: req(RDS, { version_info: 'v1', response_nonce: 'n1' }),
    want: { kind: 'unsubscribe-all', nonce: 'n1' },
  },
  {
    name: 'LDS named watch turning wildcard with *',
    prev: watch(LDS, ['l1'], false, 'n1', 'v1'),
    req: req(LDS, { version_info: 'v1', response_nonce: 'n1', resource_names: ['*', 'l1'] }),
    want: { kind: 'subscription-change', names: ['l1'], wildcard: true, added: [], removed: [], nonce: 'n1', version: 'v1' },
  },
  {
    name: 'wildcard CDS stays wildcard with an empty list',
    prev: watch(CDS, [], true, 'n9', 'v9'),
    req: req(CDS, { version_info: 'v9', response_nonce: 'n9' }),
    want: { kind: 'ack', nonce: 'n9', version: 'v9' },
  },
];

for (const c of cases) {
  test(`classifyRequest: ${c.name}`, () => {
    assert.deepEqual(classifyRequest(c.prev, c.req), c.want);
  });
}

test('classifyRequest does not modify the watch it is given', () => {
  const prev = watch(EDS, ['c1'], false, 'n1', 'v1');
  const before = structuredClone(prev);
  classifyRequest(prev, req(EDS, { version_info: 'v1', response_nonce: 'n1', resource_names: ['c2'] }));
  assert.deepEqual(prev, before);
});
