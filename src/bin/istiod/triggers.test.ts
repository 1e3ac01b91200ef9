import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConfigChanges, KindChanges } from '../../config/store.js';
import type { RegistryChange } from '../../pilot/serviceregistry/service-discovery.js';
import { decidePush } from './triggers.js';

const changes = (kinds: Record<string, Partial<KindChanges>>): ConfigChanges => ({
  kinds: new Map(Object.entries(kinds).map(([k, c]) => [k, { added: [], updated: [], removed: [], ...c }])),
  size: Object.keys(kinds).length,
});
const ref = (hostname: string) => ({ hostname, namespace: 'default' });
const reg = (r: Partial<RegistryChange>): RegistryChange => ({ services: [], endpoints: [], headless: [], ...r });

test('what a change pushes: Istio config → full, services → full, endpoints only → EDS, headless → full', () => {
  const cases: Array<[string, ConfigChanges, RegistryChange | undefined, { full: boolean; reasons: Record<string, number> } | undefined]> = [
    ['VirtualService edit', changes({ 'networking.istio.io/VirtualService': { updated: ['vs'] } }), undefined, { full: true, reasons: { config: 1 } }],
    ['endpoint move', changes({ 'discovery.k8s.io/EndpointSlice': { updated: ['s'] } }), reg({ endpoints: [ref('a')] }), { full: false, reasons: { endpoint: 1 } }],
    ['headless endpoint', changes({ '/Endpoints': { updated: ['e'] } }), reg({ endpoints: [ref('h')], headless: [ref('h')] }), { full: true, reasons: { endpoint: 1 } }],
    ['new service', changes({ '/Service': { added: ['s'] } }), reg({ services: [ref('a'), ref('b')] }), { full: true, reasons: { service: 2 } }],
    ['pod change the registry ignores', changes({ '/Pod': { updated: ['p'] } }), undefined, undefined],
    ['mixed', changes({ 'networking.istio.io/DestinationRule': { added: ['d1', 'd2'] }, '/Pod': { updated: ['p'] } }), reg({ endpoints: [ref('a')] }), { full: true, reasons: { config: 2, endpoint: 1 } }],
  ];
  for (const [name, c, r, want] of cases) {
    const got = decidePush(c, r);
    assert.deepEqual(got && { full: got.full, reasons: Object.fromEntries(got.reasons) }, want, name);
  }
});
