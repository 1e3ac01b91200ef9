import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs, compileRetryPolicy, retriableFailure, retriableResponse, type AttemptFailure } from './retry-policy.js';

describe('retry policy decisions', () => {
  const cases: { retryOn: string; codes?: number[]; status: number; grpc?: string; want: boolean }[] = [
    { retryOn: '5xx', status: 500, want: true },
    { retryOn: '5xx', status: 503, want: true },
    { retryOn: '5xx', status: 499, want: false },
    { retryOn: 'gateway-error', status: 500, want: false },
    { retryOn: 'gateway-error', status: 502, want: true },
    { retryOn: 'gateway-error', status: 504, want: true },
    { retryOn: 'retriable-4xx', status: 409, want: true },
    { retryOn: 'retriable-4xx', status: 404, want: false },
    { retryOn: 'retriable-status-codes', codes: [418], status: 418, want: true },
    { retryOn: 'retriable-status-codes', codes: [418], status: 503, want: false },
    { retryOn: 'connect-failure,refused-stream', status: 503, want: false },
    { retryOn: 'unavailable', status: 200, grpc: '14', want: true },
    { retryOn: 'cancelled', status: 200, grpc: '1', want: true },
    { retryOn: 'deadline-exceeded', status: 200, grpc: '4', want: true },
    { retryOn: 'internal', status: 200, grpc: '13', want: true },
    { retryOn: 'resource-exhausted', status: 200, grpc: '8', want: true },
    { retryOn: 'unavailable', status: 200, grpc: '13', want: false },
    { retryOn: 'cancelled,unavailable', status: 200, grpc: '0', want: false },
    { retryOn: ' 5xx , retriable-4xx ', status: 409, want: true },
  ];
  for (const c of cases) {
    it(`${c.retryOn} / ${c.status}${c.grpc === undefined ? '' : ` grpc-status ${c.grpc}`} → ${c.want}`, () => {
      const p = compileRetryPolicy({ retryOn: c.retryOn, retriableStatusCodes: c.codes });
      assert.equal(retriableResponse(p, c.status, c.grpc, false), c.want);
    });
  }

  const failures: { retryOn: string; f: AttemptFailure; sent?: boolean; want: boolean }[] = [
    { retryOn: '5xx', f: 'reset', want: true },
    { retryOn: '5xx', f: 'connect_failure', want: true },
    { retryOn: '5xx', f: 'timeout', want: true },
    { retryOn: '5xx', f: 'overflow', want: false },
    { retryOn: 'gateway-error', f: 'timeout', want: true },
    { retryOn: 'reset', f: 'reset', want: true },
    { retryOn: 'connect-failure', f: 'connect_failure', want: true },
    { retryOn: 'connect-failure', f: 'reset', want: false },
    { retryOn: 'connect-failure', f: 'timeout', want: false },
    { retryOn: 'refused-stream', f: 'refused_stream', want: true },
    { retryOn: 'refused-stream', f: 'reset', want: false },
    { retryOn: 'retriable-4xx', f: 'reset', want: false },
    { retryOn: 'reset-before-request', f: 'reset', sent: false, want: true },
    { retryOn: 'reset-before-request', f: 'reset', sent: true, want: false },
    { retryOn: 'unavailable', f: 'connect_failure', want: false },
  ];
  for (const c of failures) {
    it(`${c.retryOn} / ${c.f} → ${c.want}`, () => {
      assert.equal(retriableFailure(compileRetryPolicy({ retryOn: c.retryOn }), c.f, c.sent ?? true), c.want);
    });
  }

  it('takes Envoy defaults and rejects unknown conditions and predicates', () => {
    const p = compileRetryPolicy({ retryOn: '5xx' });
    assert.deepEqual([p.numRetries, p.perTryTimeoutMs, p.baseMs, p.maxMs, p.previousHosts, p.hostSelectionMaxAttempts], [1, 0, 25, 250, false, 1]);
    assert.throws(() => compileRetryPolicy({ retryOn: '5xx,sometimes' }), /unknown retryOn condition "sometimes"/);
    assert.throws(() => compileRetryPolicy({ retryOn: '5xx', retryHostPredicate: [{ name: 'x' }] }), /unsupported retryHostPredicate/);
    assert.throws(() => compileRetryPolicy({ retryOn: '5xx', retryBackOff: { baseIntervalMs: 100, maxIntervalMs: 50 } }), /maxInterval/);
  });

  it('backs off below min(base·2^(n-1), max)', () => {
    const p = compileRetryPolicy({ retryOn: '5xx', retryBackOff: { baseIntervalMs: 25 } });
    const table: [number, number, number][] = [
      [1, 0.999, 24], [2, 0.999, 49], [3, 0.999, 99], [4, 0.999, 199], [5, 0.999, 249], [9, 0.999, 249], [1, 0, 0], [3, 0.5, 50],
    ];
    for (const [n, r, want] of table) assert.equal(backoffMs(p, n, r), want, `retry ${n} random ${r}`);
  });
});
