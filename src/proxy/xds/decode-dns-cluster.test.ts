// STRICT_DNS / LOGICAL_DNS clusters as istiod sends them (dns_lookup_family, dns_refresh_rate,
// respect_dns_ttl) and the rest of Envoy's DNS fields, with Envoy's bounds as NACKs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeAny, TypeUrl } from '../../xds-api/index.js';
import { resourceTypes } from './resource-types.js';

const T = resourceTypes();
const ep = (address: string, port = 443) => ({ endpoint: { address: { socket_address: { address, port_value: port } } } });
const decode = (c: Record<string, unknown>) => T.cluster.decode(encodeAny(TypeUrl.Cluster, { name: 'outbound|443||api.example.com', ...c } as never));

test('DNS clusters keep their type, hostnames and how to resolve them', () => {
  const strict = decode({
    type: 'STRICT_DNS', dns_lookup_family: 'V4_ONLY', dns_refresh_rate: { seconds: 60 }, respect_dns_ttl: true,
    dns_failure_refresh_rate: { base_interval: { seconds: 1 } },
    dns_resolvers: [{ socket_address: { address: '10.0.0.10', port_value: 53 } }, { socket_address: { address: 'fd00::a' } }],
    load_assignment: { cluster_name: 'x', endpoints: [{ locality: { zone: 'z1' }, lb_endpoints: [ep('api.example.com'), { ...ep('api2.example.com'), load_balancing_weight: { value: 3 } }] }] },
  });
  assert.equal(strict.error, undefined);
  assert.deepEqual(strict.value!.value.config, {
    name: 'outbound|443||api.example.com', type: 'STRICT_DNS',
    dns: { lookupFamily: 'V4_ONLY', refreshRateMs: 60_000, respectDnsTtl: true, failureRefresh: { baseIntervalMs: 1000, maxIntervalMs: 10_000 }, resolvers: ['10.0.0.10:53', '[fd00::a]:53'] },
    loadAssignment: { clusterName: 'outbound|443||api.example.com', endpoints: [
      { address: 'api.example.com', port: 443, locality: { zone: 'z1' } },
      { address: 'api2.example.com', port: 443, weight: 3, locality: { zone: 'z1' } },
    ] },
  });
  const logical = decode({ type: 'LOGICAL_DNS', dns_resolution_config: { resolvers: [{ socket_address: { address: '127.0.0.1', port_value: 5353 } }] }, load_assignment: { cluster_name: 'x', endpoints: [{ lb_endpoints: [ep('api.example.com')] }] } });
  assert.deepEqual(logical.value!.value.config.dns, { resolvers: ['127.0.0.1:5353'] });
  assert.equal(logical.value!.value.config.type, 'LOGICAL_DNS');
});

test('DNS fields out of Envoy\'s bounds, or beyond what the resolver does, are NACKed naming the field', () => {
  const la = { cluster_name: 'x', endpoints: [{ lb_endpoints: [ep('api.example.com')] }] };
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['two endpoints for LOGICAL_DNS', { type: 'LOGICAL_DNS', load_assignment: { cluster_name: 'x', endpoints: [{ lb_endpoints: [ep('a.example'), ep('b.example')] }] } },
      'load_assignment: a LOGICAL_DNS cluster must have a single locality_lb_endpoint and a single lb_endpoint'],
    ['refresh of 1ms', { type: 'STRICT_DNS', dns_refresh_rate: { nanos: 1_000_000 }, load_assignment: la }, 'dns_refresh_rate: must be greater than 1ms'],
    ['failure refresh without base', { type: 'STRICT_DNS', dns_failure_refresh_rate: { max_interval: { seconds: 1 } }, load_assignment: la }, 'dns_failure_refresh_rate.base_interval: is required'],
    ['failure max below base', { type: 'STRICT_DNS', dns_failure_refresh_rate: { base_interval: { seconds: 2 }, max_interval: { seconds: 1 } }, load_assignment: la },
      'dns_failure_refresh_rate.max_interval: must be greater than or equal to base_interval'],
    ['DNS over TCP', { type: 'STRICT_DNS', use_tcp_for_dns_lookups: true, load_assignment: la }, 'use_tcp_for_dns_lookups: is not supported (UDP only)'],
    ['a resolver by name', { type: 'STRICT_DNS', dns_resolvers: [{ socket_address: { address: 'dns.example', port_value: 53 } }], load_assignment: la },
      'dns_resolvers[0].socket_address.address: "dns.example" is not an IP address'],
    ['a hostname in a STATIC cluster', { type: 'STATIC', load_assignment: la }, 'load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address: "api.example.com" is not an IP address'],
  ];
  for (const [what, c, error] of cases) assert.equal(decode(c).error, error, what);
});
