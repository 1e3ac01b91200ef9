// HCM settings decoded from xDS: path transformations (Istio's pathNormalization modes) and stream timeouts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypeUrl, WellKnownName, encodeAny, typedAny } from '../../xds-api/index.js';
import { resourceTypes } from './resource-types.js';

const T = resourceTypes();
const listenerWith = (hcm: object) => encodeAny(TypeUrl.Listener, {
  name: '0.0.0.0_80',
  address: { socket_address: { address: '0.0.0.0', port_value: 80 } },
  filter_chains: [{
    filters: [{
      name: WellKnownName.HttpConnectionManager,
      typed_config: typedAny(TypeUrl.HttpConnectionManager, {
        stat_prefix: 'outbound_0.0.0.0_80', rds: { route_config_name: '80', config_source: { ads: {} } },
        http_filters: [{ name: WellKnownName.Router, typed_config: typedAny(TypeUrl.Router, {}) }], ...hcm,
      }),
    }],
  }],
});

test('path normalization settings: Istio BASE, MERGE_SLASHES, DECODE_AND_MERGE_SLASHES, NONE and Envoy defaults', () => {
  const cases: [string, object, object | undefined][] = [
    ['unset (Envoy defaults)', {}, undefined],
    ['NONE', { normalize_path: { value: false } }, undefined],
    ['BASE (Istio default)', { normalize_path: { value: true } }, { normalize: true, mergeSlashes: false, escapedSlashes: 'KEEP_UNCHANGED' }],
    ['MERGE_SLASHES', { normalize_path: { value: true }, merge_slashes: true }, { normalize: true, mergeSlashes: true, escapedSlashes: 'KEEP_UNCHANGED' }],
    ['DECODE_AND_MERGE_SLASHES', { normalize_path: { value: true }, merge_slashes: true, path_with_escaped_slashes_action: 'UNESCAPE_AND_FORWARD' }, { normalize: true, mergeSlashes: true, escapedSlashes: 'UNESCAPE_AND_FORWARD' }],
    ['reject escaped slashes only', { path_with_escaped_slashes_action: 'REJECT_REQUEST' }, { normalize: false, mergeSlashes: false, escapedSlashes: 'REJECT_REQUEST' }],
    ['IMPLEMENTATION_SPECIFIC_DEFAULT is KEEP_UNCHANGED', { path_with_escaped_slashes_action: 'IMPLEMENTATION_SPECIFIC_DEFAULT' }, undefined],
  ];
  for (const [what, hcm, want] of cases) {
    const d = T.listener.decode(listenerWith(hcm));
    assert.equal(d.error, undefined, what);
    assert.deepEqual(d.value!.value.filterChains[0].httpConnectionManager!.pathNormalization, want, what);
  }
});

test('stream_idle_timeout and request_timeout: unset keeps Envoy defaults (5 min idle, no request timeout), 0s turns idle off', () => {
  const cases: [string, object, number | undefined, number | undefined][] = [
    ['unset', {}, undefined, undefined],
    ['Istio (stream_idle_timeout 0s)', { stream_idle_timeout: { seconds: 0 } }, 0, undefined],
    ['both set', { stream_idle_timeout: { seconds: 30 }, request_timeout: { nanos: 250_000_000 } }, 30_000, 250],
    ['request_timeout 0s is off', { request_timeout: { seconds: 0 } }, undefined, undefined],
  ];
  for (const [what, hcm, idle, request] of cases) {
    const d = T.listener.decode(listenerWith(hcm));
    assert.equal(d.error, undefined, what);
    const h = d.value!.value.filterChains[0].httpConnectionManager!;
    assert.equal(h.streamIdleTimeoutMs, idle, what);
    assert.equal(h.requestTimeoutMs, request, what);
  }
});

test('common_http_protocol_options.idle_timeout: unset keeps Envoy default (1 h), 0s turns it off', () => {
  const cases: [object, number | undefined][] = [
    [{}, undefined],
    [{ common_http_protocol_options: { idle_timeout: { seconds: 0 } } }, 0],
    [{ common_http_protocol_options: { idle_timeout: { seconds: 90 } } }, 90_000],
  ];
  for (const [hcm, want] of cases) {
    const d = T.listener.decode(listenerWith(hcm));
    assert.equal(d.error, undefined);
    assert.equal(d.value!.value.filterChains[0].httpConnectionManager!.idleTimeoutMs, want, JSON.stringify(hcm));
  }
});

test('request_headers_timeout: off unless set above 0', () => {
  for (const [hcm, want] of [[{}, undefined], [{ request_headers_timeout: { seconds: 0 } }, undefined], [{ request_headers_timeout: { seconds: 10 } }, 10_000]] as const) {
    const d = T.listener.decode(listenerWith(hcm));
    assert.equal(d.error, undefined);
    assert.equal(d.value!.value.filterChains[0].httpConnectionManager!.requestHeadersTimeoutMs, want, JSON.stringify(hcm));
  }
});
