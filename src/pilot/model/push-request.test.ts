import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configsOfKind, mayHaveChanged, mergePushRequests, pushRequest, type PushRequest } from './push-request.js';

const vs = { kind: 'VirtualService', namespace: 'default', name: 'reviews' };
const dr = { kind: 'DestinationRule', namespace: 'default', name: 'reviews' };
const eds = { kind: 'ServiceEntry', namespace: 'default', name: 'reviews.default.svc.cluster.local' };

function view(r: PushRequest | undefined) {
  return r && { full: r.full, configs: [...r.configsUpdated.keys()].sort(), reason: Object.fromEntries(r.reason), start: r.start, forced: r.forced };
}

test('mergePushRequests', () => {
  const cases: { name: string; a?: PushRequest; b?: PushRequest; want: ReturnType<typeof view> }[] = [
    { name: 'nothing and nothing', want: undefined },
    {
      name: 'only one side',
      b: pushRequest({ full: false, configsUpdated: [eds], reason: 'eds', start: 5 }),
      want: { full: false, configs: ['ServiceEntry/default/reviews.default.svc.cluster.local'], reason: { eds: 1 }, start: 5, forced: false },
    },
    {
      name: 'EDS + EDS stays EDS, configs united, reasons counted, earliest start',
      a: pushRequest({ full: false, configsUpdated: [eds], reason: 'eds', start: 20 }),
      b: pushRequest({ full: false, configsUpdated: [{ ...eds, name: 'ratings.default.svc.cluster.local' }], reason: 'eds', start: 10 }),
      want: {
        full: false,
        configs: ['ServiceEntry/default/ratings.default.svc.cluster.local', 'ServiceEntry/default/reviews.default.svc.cluster.local'],
        reason: { eds: 2 }, start: 10, forced: false,
      },
    },
    {
      name: 'EDS + config becomes full',
      a: pushRequest({ full: false, configsUpdated: [eds], reason: 'eds', start: 1 }),
      b: pushRequest({ full: true, configsUpdated: [vs, dr], reason: ['config', 'config'], start: 2, forced: true }),
      want: {
        full: true,
        configs: ['DestinationRule/default/reviews', 'ServiceEntry/default/reviews.default.svc.cluster.local', 'VirtualService/default/reviews'],
        reason: { eds: 1, config: 2 }, start: 1, forced: true,
      },
    },
    {
      name: 'a request naming nothing means everything changed',
      a: pushRequest({ full: true, configsUpdated: [vs], reason: 'config', start: 3 }),
      b: pushRequest({ full: true, reason: 'global', start: 4 }),
      want: { full: true, configs: [], reason: { config: 1, global: 1 }, start: 3, forced: false },
    },
  ];
  for (const c of cases) {
    const aBefore = view(c.a);
    assert.deepEqual(view(mergePushRequests(c.a, c.b)), c.want, c.name);
    assert.deepEqual(view(c.a), aBefore, `${c.name}: inputs untouched`);
  }
});

test('configsOfKind and mayHaveChanged', () => {
  const r = pushRequest({ full: true, configsUpdated: [vs, dr, eds], reason: 'config', start: 0 });
  assert.deepEqual(configsOfKind(r, 'VirtualService'), [vs]);
  assert.equal(mayHaveChanged(r, 'Gateway'), false);
  assert.equal(mayHaveChanged(r, 'DestinationRule'), true);
  assert.equal(mayHaveChanged(pushRequest({ full: true, start: 0 }), 'Gateway'), true);
});
