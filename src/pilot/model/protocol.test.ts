import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHTTP, isHTTP2, isTCP, kubePortProtocol, parseProtocol, type Protocol } from './protocol.js';

test('parseProtocol: Istio names, any case; anything else is unsupported', () => {
  const cases: [string, Protocol][] = [
    ['HTTP', 'HTTP'], ['http', 'HTTP'], ['Http2', 'HTTP2'], ['https', 'HTTPS'], ['grpc', 'GRPC'],
    ['GRPC-WEB', 'GRPC-Web'], ['tcp', 'TCP'], ['TLS', 'TLS'], ['mongo', 'Mongo'], ['redis', 'Redis'],
    ['MySQL', 'MySQL'], ['udp', 'UDP'], ['http_proxy', 'HTTP_PROXY'], ['', 'UnsupportedProtocol'],
    ['thrift', 'UnsupportedProtocol'], ['h2c', 'UnsupportedProtocol'],
  ];
  for (const [s, want] of cases) assert.equal(parseProtocol(s), want, s);
});

test('kubePortProtocol: appProtocol, then port-name prefix, then server-first ports', () => {
  const cases: { port: number; name?: string; l4?: string; app?: string; want: Protocol }[] = [
    { port: 80, name: 'http', want: 'HTTP' },
    { port: 80, name: 'http-web', want: 'HTTP' },
    { port: 80, name: 'HTTP-web', want: 'HTTP' },
    { port: 80, name: 'http2', want: 'HTTP2' },
    { port: 443, name: 'https-main', want: 'HTTPS' },
    { port: 9000, name: 'grpc', want: 'GRPC' },
    { port: 9000, name: 'grpc-api', want: 'GRPC' },
    { port: 9000, name: 'grpc-web', want: 'GRPC-Web' },
    { port: 9000, name: 'grpc-web-ui', want: 'GRPC-Web' },
    { port: 9000, name: 'GRPC-Web', want: 'GRPC-Web' },
    { port: 9000, name: 'grpcweb', want: 'UnsupportedProtocol' },
    { port: 5000, name: 'tcp-db', want: 'TCP' },
    { port: 5000, name: 'tls', want: 'TLS' },
    { port: 6379, name: 'redis', want: 'Redis' },
    { port: 27018, name: 'mongo-x', want: 'Mongo' },
    { port: 3307, name: 'mysql', want: 'MySQL' },
    { port: 8080, name: 'web', want: 'UnsupportedProtocol' },
    { port: 8080, name: 'httpx', want: 'UnsupportedProtocol' },
    { port: 8080, want: 'UnsupportedProtocol' },
    { port: 8080, name: '', want: 'UnsupportedProtocol' },
    // Server-first ports default to TCP only when nothing else names a protocol.
    { port: 3306, name: 'db', want: 'TCP' },
    { port: 25, want: 'TCP' },
    { port: 53, name: 'dns', want: 'TCP' },
    { port: 27017, want: 'TCP' },
    { port: 3306, name: 'http', want: 'HTTP' },
    // The L4 protocol UDP overrides everything.
    { port: 53, name: 'http', l4: 'UDP', want: 'UDP' },
    { port: 80, name: 'udp', l4: 'TCP', want: 'UDP' },
    // appProtocol replaces the name entirely.
    { port: 80, name: 'tcp', app: 'http', want: 'HTTP' },
    { port: 80, name: 'http', app: 'custom', want: 'UnsupportedProtocol' },
    { port: 80, name: 'web', app: 'grpc-web', want: 'GRPC-Web' },
    { port: 80, name: 'web', app: 'kubernetes.io/h2c', want: 'HTTP2' },
    { port: 80, name: 'web', app: 'kubernetes.io/ws', want: 'HTTP' },
    { port: 443, name: 'web', app: 'kubernetes.io/wss', want: 'HTTPS' },
    { port: 80, name: 'http', app: '', want: 'HTTP' },
  ];
  for (const c of cases) {
    assert.equal(kubePortProtocol(c.port, c.name, c.l4, c.app), c.want, JSON.stringify(c));
  }
});

test('protocol classes', () => {
  assert.deepEqual(
    (['HTTP', 'HTTP2', 'GRPC', 'GRPC-Web', 'HTTPS', 'TCP', 'TLS', 'UnsupportedProtocol'] as Protocol[]).map((p) => [p, isHTTP(p), isHTTP2(p), isTCP(p)]),
    [
      ['HTTP', true, false, false], ['HTTP2', true, true, false], ['GRPC', true, true, false],
      ['GRPC-Web', true, true, false], ['HTTPS', false, false, true], ['TCP', false, false, true],
      ['TLS', false, false, true], ['UnsupportedProtocol', false, false, false],
    ],
  );
});
