import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGrpcTimeout } from '../route-request.js';
import { looksLikeH2Preface } from '../listener/dispatch.js';
import { encodeGrpcMessage, httpToGrpcStatus, isGrpcContentType } from './grpc.js';

describe('gRPC helpers', () => {
  it('maps HTTP statuses of local replies to gRPC codes', () => {
    const table: [number, number][] = [[400, 13], [401, 16], [403, 7], [404, 12], [429, 14], [502, 14], [503, 14], [504, 14], [500, 2], [418, 2]];
    for (const [http, grpc] of table) assert.equal(httpToGrpcStatus(http), grpc, `HTTP ${http}`);
  });

  it('recognises gRPC content types', () => {
    const table: [string | undefined, boolean][] = [
      ['application/grpc', true], ['application/grpc+proto', true], ['application/grpc;charset=utf-8', true],
      ['application/grpc-web', false], ['application/json', false], [undefined, false],
    ];
    for (const [ct, want] of table) assert.equal(isGrpcContentType(ct), want, String(ct));
  });

  it('percent-encodes grpc-message', () => {
    assert.equal(encodeGrpcMessage('no healthy upstream'), 'no healthy upstream');
    assert.equal(encodeGrpcMessage('50% done'), '50%25 done');
    assert.equal(encodeGrpcMessage('línea\n'), 'l%C3%ADnea%0A');
  });

  it('parses grpc-timeout values', () => {
    const table: [string, number | undefined][] = [
      ['1H', 3_600_000], ['2M', 120_000], ['3S', 3000], ['250m', 250], ['1500u', 2], ['1n', 1], ['123456789S', undefined], ['5', undefined], ['-1S', undefined],
    ];
    for (const [v, ms] of table) assert.equal(parseGrpcTimeout(v), ms, v);
  });

  it('detects the HTTP/2 connection preface, also when split', () => {
    const p = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
    assert.equal(looksLikeH2Preface(Buffer.from(p)), true);
    assert.equal(looksLikeH2Preface(Buffer.from(p + 'extra')), true);
    assert.equal(looksLikeH2Preface(Buffer.from('PRI * HT')), undefined);
    assert.equal(looksLikeH2Preface(Buffer.from('GET / HTTP/1.1\r\n')), false);
    assert.equal(looksLikeH2Preface(Buffer.from('P')), undefined);
    assert.equal(looksLikeH2Preface(Buffer.from('POST')), false);
  });
});
