import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTable, proxyStatusRows, xdsStatus } from './proxy-status.js';

test('per-type status as istioctl prints it', () => {
  const cases: Array<[string, string, boolean, string]> = [
    ['', '', false, 'NOT SENT'],
    ['n1', 'n1', false, 'SYNCED'],
    ['n2', '', false, 'STALE (Never Acknowledged)'],
    ['n3', 'n2', false, 'STALE'],
    ['n3', 'n2', true, 'ERROR'],
  ];
  for (const [sent, acked, nacked, want] of cases) assert.equal(xdsStatus(sent, acked, nacked), want, `${sent}/${acked}/${nacked}`);
});

test('table: header, rows sorted by proxy, columns padded', () => {
  const rows = proxyStatusRows([
    { proxy: 'b.default', cluster_id: 'Kubernetes', cluster_sent: 'x', cluster_acked: 'x', listener_sent: 'y', listener_acked: '', istiod: 'istiod-1', istio_version: '1.24.0', nacks: {} },
    { proxy: 'a.ns', cluster_id: 'Kubernetes', route_sent: 'r', route_acked: 'q', nacks: { RDS: 'bad route' }, istiod: 'istiod-1', istio_version: '' },
  ]);
  assert.equal(formatTable(rows), [
    'NAME        CLUSTER      CDS        LDS                          EDS        RDS        ECDS       ISTIOD     VERSION',
    'a.ns        Kubernetes   NOT SENT   NOT SENT                     NOT SENT   ERROR      NOT SENT   istiod-1',
    'b.default   Kubernetes   SYNCED     STALE (Never Acknowledged)   NOT SENT   NOT SENT   NOT SENT   istiod-1   1.24.0',
    '',
  ].join('\n'));
});
