import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProxy } from '../pilot/model/proxy.js';
import { TypeUrl } from '../xds-api/index.js';
import { ControlPlaneMetrics, pushTypeLabel } from './metrics.js';
import { pushRequest } from './push-request.js';

test('push type labels are Istio\'s lower-case short names', () => {
  assert.deepEqual([TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration, TypeUrl.Secret].map(pushTypeLabel), ['cds', 'eds', 'lds', 'rds', 'sds']);
});

test('observer events become pilot_* samples', async () => {
  const m = new ControlPlaneMetrics();
  const p = parseProxy('sidecar~10.0.0.1~a.default~default.svc.cluster.local', { ISTIO_VERSION: '1.24.0' });
  const q = parseProxy('sidecar~10.0.0.2~b.default~default.svc.cluster.local', {});
  m.connected(p);
  m.connected(q);
  m.disconnected(q);
  m.trigger('config', 2);
  m.trigger('endpoint');
  const req = pushRequest({ full: true, reason: 'config', start: 0 });
  m.pushStarted(req);
  m.responseSent(p, TypeUrl.Listener, 'push', 20);
  m.responseSent(p, TypeUrl.Listener, 'request', 2);
  m.nackReceived(p, TypeUrl.RouteConfiguration);
  m.proxyPushed(p, req, 50, 300);
  const text = await m.metrics();
  const samples = text.split('\n').filter((l) => l.startsWith('pilot_') && !l.includes('_bucket'));
  assert.deepEqual(samples, [
    'pilot_xds{version="1.24.0"} 1',
    'pilot_xds{version="unknown"} 0',
    'pilot_xds_pushes{type="lds"} 2',
    'pilot_push_triggers{type="config"} 2',
    'pilot_push_triggers{type="endpoint"} 1',
    'pilot_total_xds_rejects{type="rds"} 1',
    'pilot_proxy_convergence_time_sum 0.3',
    'pilot_proxy_convergence_time_count 1',
    'pilot_proxy_queue_time_sum 0.05',
    'pilot_proxy_queue_time_count 1',
    'pilot_xds_push_time_sum{type="lds"} 0.022',
    'pilot_xds_push_time_count{type="lds"} 2',
  ]);
  assert.deepEqual({ full: m.lastPush?.full, reasons: m.lastPush?.reasons, proxies: m.lastPush?.proxies }, { full: true, reasons: { config: 1 }, proxies: 1 });
});
