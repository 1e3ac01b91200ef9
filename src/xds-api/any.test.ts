import assert from 'node:assert/strict';
import { test } from 'node:test';
import { anyTypeUrl, decodeAny, decodeMessage, encodeAny, encodeMessage, typedAny, XdsCodecError } from './any.js';
import { lookupMessageType, protoLoadMillis } from './protos.js';
import { TypeUrl, WellKnownName, XDS_RESOURCE_TYPES, isWildcardType, messageName, shortTypeName } from './type-urls.js';

test('every TypeUrl names a message in the precompiled descriptor', () => {
  for (const [key, url] of Object.entries(TypeUrl)) {
    assert.match(url, /^type\.googleapis\.com\/[a-z0-9_.]+\.[A-Za-z0-9]+$/, key);
    const t = lookupMessageType(url);
    assert.ok(t, `${key}: ${url} not in descriptor`);
    assert.equal(t.fullName, `.${messageName(url)}`);
  }
  assert.ok(protoLoadMillis() > 0);
});

test('short names and wildcard semantics of the five ADS resource types', () => {
  assert.deepEqual(XDS_RESOURCE_TYPES.map(shortTypeName), ['CDS', 'EDS', 'LDS', 'RDS', 'SDS']);
  assert.deepEqual(XDS_RESOURCE_TYPES.map(isWildcardType), [true, false, true, false, false]);
  assert.equal(shortTypeName(TypeUrl.Router), 'envoy.extensions.filters.http.router.v3.Router');
});

test('a listener with a nested HttpConnectionManager round-trips through Any', () => {
  const any = encodeAny(TypeUrl.Listener, {
    name: '0.0.0.0_9080',
    address: { socket_address: { address: '0.0.0.0', port_value: 9080 } },
    filter_chains: [{
      filters: [{
        name: WellKnownName.HttpConnectionManager,
        typed_config: typedAny(TypeUrl.HttpConnectionManager, {
          stat_prefix: 'outbound_0.0.0.0_9080',
          rds: { route_config_name: '9080', config_source: { ads: {}, resource_api_version: 'V3' } },
          http_filters: [{ name: WellKnownName.Router, typed_config: typedAny(TypeUrl.Router, {}) }],
        }),
      }],
    }],
    traffic_direction: 'OUTBOUND',
  });
  assert.equal(any.type_url, TypeUrl.Listener);
  assert.ok(Buffer.isBuffer(any.value));

  const l = decodeAny(any, TypeUrl.Listener);
  assert.equal(l.name, '0.0.0.0_9080');
  assert.equal(l.address?.socket_address?.port_value, 9080);
  assert.equal(l.address?.address, 'socket_address'); // the oneof virtual field
  assert.equal(l.traffic_direction, 'OUTBOUND');
  assert.equal(l.use_original_dst, null); // unset wrapper messages are null
  assert.deepEqual(l.listener_filters, []);
  const filter = l.filter_chains[0].filters[0];
  assert.equal(filter.typed_config?.type_url, TypeUrl.HttpConnectionManager);
  const hcm = decodeAny(filter.typed_config!, TypeUrl.HttpConnectionManager);
  assert.equal(hcm.stat_prefix, 'outbound_0.0.0.0_9080');
  assert.equal(hcm.rds?.route_config_name, '9080');
  assert.equal(hcm.rds?.config_source?.resource_api_version, 'V3');
  assert.equal(hcm.http_filters[0].typed_config?.type_url, TypeUrl.Router);
});

test('64-bit integers decode as strings and accept numbers or strings on input', () => {
  const cla = decodeAny(encodeAny(TypeUrl.Cluster, { name: 'c', connect_timeout: { seconds: '10', nanos: 5 } }), TypeUrl.Cluster);
  assert.deepEqual(cla.connect_timeout, { seconds: '10', nanos: 5 });
  const c2 = decodeAny(encodeAny(TypeUrl.Cluster, { name: 'c', connect_timeout: { seconds: 3 } }), TypeUrl.Cluster);
  assert.deepEqual(c2.connect_timeout, { seconds: '3', nanos: 0 });
});

test('decoded objects re-encode to the same message (oneof virtual fields are accepted back)', () => {
  const first = encodeAny(TypeUrl.Listener, { name: 'l', address: { socket_address: { address: '127.0.0.1', port_value: 15001 } } });
  const decoded = decodeAny(first, TypeUrl.Listener);
  const again = encodeMessage(TypeUrl.Listener, decoded as never);
  assert.deepEqual(decodeMessage(TypeUrl.Listener, again), decoded);
});

test('google.protobuf.Value keeps protobufjs\'s camelCase member names (as in grpc-js-xds)', () => {
  const req = decodeMessage('envoy.config.core.v3.Node', encodeMessage('envoy.config.core.v3.Node', {
    metadata: { fields: { LABELS: { structValue: { fields: { app: { stringValue: 'reviews' } } } }, N: { numberValue: 2 } } },
  }));
  assert.deepEqual(req.metadata?.fields.LABELS, { structValue: { fields: { app: { stringValue: 'reviews', kind: 'stringValue' } } }, kind: 'structValue' });
  assert.deepEqual(req.metadata?.fields.N, { numberValue: 2, kind: 'numberValue' });
  assert.throws(() => encodeMessage('envoy.config.core.v3.Node', { metadata: { fields: { A: { string_value: 'x' } } } } as never), /metadata\.fields\[A\]\.string_value: unknown field in google\.protobuf\.Value \(did you mean 'stringValue'\?\)/);
});

const encodeErrors: Array<{ name: string; url: string; msg: Record<string, unknown>; error: RegExp }> = [
  { name: 'camelCase field', url: TypeUrl.Listener, msg: { name: 'l', filterChains: [] }, error: /filterChains: unknown field in envoy\.config\.listener\.v3\.Listener \(did you mean 'filter_chains'\?\)/ },
  { name: 'misspelt nested field', url: TypeUrl.Cluster, msg: { name: 'c', load_assignment: { cluster_name: 'c', endpoint: [] } }, error: /load_assignment\.endpoint: unknown field in envoy\.config\.endpoint\.v3\.ClusterLoadAssignment/ },
  { name: 'unknown field inside a typed_config Any', url: TypeUrl.Listener, msg: { filter_chains: [{ filters: [{ name: 'x', typed_config: { '@type': TypeUrl.TcpProxy, statPrefix: 'a' } }] }] }, error: /filter_chains\[0\]\.filters\[0\]\.typed_config\.statPrefix: unknown field in envoy\.extensions\.filters\.network\.tcp_proxy\.v3\.TcpProxy \(did you mean 'stat_prefix'\?\)/ },
  { name: 'unknown @type', url: TypeUrl.Listener, msg: { filter_chains: [{ filters: [{ name: 'x', typed_config: { '@type': 'type.googleapis.com/no.such.Type' } }] }] }, error: /typed_config: unknown @type type\.googleapis\.com\/no\.such\.Type/ },
  { name: 'repeated field given a scalar', url: TypeUrl.Listener, msg: { filter_chains: 'x' }, error: /filter_chains: expected a list/ },
  { name: 'unknown message type', url: 'type.googleapis.com/no.such.Message', msg: {}, error: /unknown message type type\.googleapis\.com\/no\.such\.Message/ },
];

for (const c of encodeErrors) {
  test(`encodeAny rejects ${c.name}`, () => {
    assert.throws(() => encodeAny(c.url, c.msg), (err: unknown) => {
      assert.ok(err instanceof XdsCodecError);
      assert.equal(err.code, 'ISTS_XDS_NACK');
      assert.match(err.message, c.error);
      return true;
    });
  });
}

test('decodeAny rejects a type URL other than the expected one', () => {
  const any = encodeAny(TypeUrl.Cluster, { name: 'c' });
  assert.throws(() => decodeAny(any, TypeUrl.Listener), /expected a resource of type type\.googleapis\.com\/envoy\.config\.listener\.v3\.Listener, got type\.googleapis\.com\/envoy\.config\.cluster\.v3\.Cluster/);
});

test('decodeAny rejects malformed bytes with a codec error', () => {
  assert.throws(() => decodeAny({ type_url: TypeUrl.Cluster, value: Buffer.from([0x0a, 0xff]) }), (err: unknown) => err instanceof XdsCodecError && /cannot decode envoy\.config\.cluster\.v3\.Cluster/.test(err.message));
});

test('decodeAny accepts the object form with @type', () => {
  const obj = { '@type': TypeUrl.TcpProxy, stat_prefix: 'p', cluster: 'outbound|9080||reviews.default.svc.cluster.local' };
  assert.equal(anyTypeUrl(obj), TypeUrl.TcpProxy);
  const tcp = decodeAny(obj, TypeUrl.TcpProxy);
  assert.equal(tcp.cluster, 'outbound|9080||reviews.default.svc.cluster.local');
  assert.equal(tcp.cluster_specifier, 'cluster');
});

test('decodeMessage decodes a DiscoveryRequest with the node', () => {
  const bytes = encodeMessage('envoy.service.discovery.v3.DiscoveryRequest', {
    type_url: TypeUrl.Cluster,
    node: { id: 'sidecar~10.1.1.1~a.ns~ns.svc.cluster.local', metadata: { fields: { NAMESPACE: { stringValue: 'ns' } } } },
  });
  const req = decodeMessage('envoy.service.discovery.v3.DiscoveryRequest', bytes);
  assert.equal(req.node?.id, 'sidecar~10.1.1.1~a.ns~ns.svc.cluster.local');
  assert.equal(req.node?.metadata?.fields.NAMESPACE.stringValue, 'ns');
  assert.deepEqual(req.resource_names, []);
  assert.equal(req.version_info, '');
  assert.equal(req.error_detail, null);
});
