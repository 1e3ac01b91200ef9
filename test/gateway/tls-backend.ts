// Test TLS backends: a self-signed certificate per host name (made by the openssl CLI, Debian's
// `openssl` package) and a TLS server that answers each connection with what it saw (its own
// name, the SNI and ALPN it received), then closes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';

export interface TestCert { readonly cert: string; readonly key: string }

export function selfSigned(host: string): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'istio-ts-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host}`,
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface TlsBackend { readonly server: Server; readonly port: number; readonly cert: TestCert; close(): void }

/** Answers `<name> sni=<servername> alpn=<protocol>` on every TLS connection. */
export async function tlsBackend(name: string, host: string): Promise<TlsBackend> {
  const cert = selfSigned(host);
  const server = createServer({ ...cert, ALPNProtocols: ['h2', 'http/1.1'] }, (s: TLSSocket) => {
    s.end(`${name} sni=${s.servername || '-'} alpn=${s.alpnProtocol || '-'}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port, cert, close: () => server.close() };
}

export interface TlsExchange { readonly body: string; readonly peerCN: string; readonly authorized: boolean; readonly alpn: string | false | null }

/** A TLS client through `port` with `servername`, trusting `ca`: what came back and whose certificate it saw. */
export function tlsGet(port: number, servername: string, ca: string, alpn: string[] = ['http/1.1'], timeoutMs = 5000): Promise<TlsExchange> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, servername, ca, ALPNProtocols: alpn });
    let body = '';
    let peerCN: string | undefined;
    s.once('secureConnect', () => { peerCN = String(s.getPeerCertificate().subject?.CN ?? ''); });
    const timer = setTimeout(() => { s.destroy(); reject(new Error(`tls ${servername}: no answer within ${timeoutMs} ms`)); }, timeoutMs);
    s.on('data', (d: Buffer) => { body += d.toString(); });
    s.once('error', (e) => { clearTimeout(timer); reject(e); });
    s.once('end', () => {
      clearTimeout(timer);
      if (peerCN === undefined) reject(new Error(`tls ${servername}: connection closed before the handshake completed`));
      else resolve({ body, peerCN, authorized: s.authorized, alpn: s.alpnProtocol });
      s.destroy();
    });
  });
}
