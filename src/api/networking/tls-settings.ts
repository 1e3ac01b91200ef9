// TLS settings: ClientTLSSettings (DestinationRule, upstream side) and ServerTLSSettings (Gateway
// servers and Sidecar ingress, downstream side), with Istio's required-field rules per mode.
import type { Diagnostics, PathSegment } from '../diagnostics.js';
import { boolValue, message, z } from '../schema.js';

export const clientTlsSettings = message({
  mode: z.enum(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']).optional(),
  clientCertificate: z.string().optional(),
  privateKey: z.string().optional(),
  caCertificates: z.string().optional(),
  credentialName: z.string().optional(),
  subjectAltNames: z.array(z.string()).optional(),
  sni: z.string().optional(),
  insecureSkipVerify: boolValue.optional(),
  caCrl: z.string().optional(),
});
export type ClientTLSSettings = z.infer<typeof clientTlsSettings>;

const TLS_VERSIONS = ['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'] as const;

export const serverTlsSettings = message({
  httpsRedirect: z.boolean().optional(),
  mode: z.enum(['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL']).optional(),
  serverCertificate: z.string().optional(),
  privateKey: z.string().optional(),
  caCertificates: z.string().optional(),
  caCrl: z.string().optional(),
  credentialName: z.string().optional(),
  credentialNames: z.array(z.string()).optional(),
  tlsCertificates: z
    .array(message({ serverCertificate: z.string().optional(), privateKey: z.string().optional(), caCertificates: z.string().optional() }))
    .optional(),
  subjectAltNames: z.array(z.string()).optional(),
  verifyCertificateSpki: z.array(z.string()).optional(),
  verifyCertificateHash: z.array(z.string()).optional(),
  minProtocolVersion: z.enum(TLS_VERSIONS).optional(),
  maxProtocolVersion: z.enum(TLS_VERSIONS).optional(),
  cipherSuites: z.array(z.string()).optional(),
});
export type ServerTLSSettings = z.infer<typeof serverTlsSettings>;

/** Cipher suites Envoy's BoringSSL build accepts for TLS 1.0–1.2 (1.3 suites are not configurable). */
const CIPHER_SUITES = new Set([
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-PSK-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA', 'ECDHE-PSK-AES128-CBC-SHA',
  'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA', 'ECDHE-PSK-AES256-CBC-SHA', 'AES128-GCM-SHA256',
  'AES256-GCM-SHA384', 'AES128-SHA', 'PSK-AES128-CBC-SHA', 'AES256-SHA', 'PSK-AES256-CBC-SHA', 'DES-CBC3-SHA',
]);

const set = (s: string | undefined): boolean => s !== undefined && s !== '';

/** Gateway/Sidecar server TLS: which certificate fields each mode needs or forbids. */
export function validateServerTls(tls: ServerTLSSettings | undefined, d: Diagnostics, path: PathSegment[]): void {
  if (!tls) return;
  const mode = tls.mode ?? 'PASSTHROUGH';
  const sources = [set(tls.credentialName), (tls.credentialNames?.length ?? 0) > 0, (tls.tlsCertificates?.length ?? 0) > 0];
  if (sources.filter(Boolean).length > 1) {
    d.error('only one of credentialName, credentialNames or tlsCertificates may be set', ...path);
  }
  if ((tls.credentialNames?.length ?? 0) > 2) {
    d.error('credentialNames may hold at most 2 names (one RSA and one ECDSA certificate)', ...path, 'credentialNames');
  }
  if ((tls.tlsCertificates?.length ?? 0) > 2) {
    d.error('tlsCertificates may hold at most 2 entries (one RSA and one ECDSA certificate)', ...path, 'tlsCertificates');
  }
  if (mode === 'ISTIO_MUTUAL') {
    // Istio's own certificates are used; user-supplied ones would be silently ignored.
    if (set(tls.serverCertificate)) d.error('ISTIO_MUTUAL TLS cannot have associated server certificate', ...path, 'serverCertificate');
    if (set(tls.privateKey)) d.error('ISTIO_MUTUAL TLS cannot have associated private key', ...path, 'privateKey');
    if (set(tls.caCertificates)) d.error('ISTIO_MUTUAL TLS cannot have associated CA bundle', ...path, 'caCertificates');
    if (set(tls.credentialName)) d.error('ISTIO_MUTUAL TLS cannot have associated credentialName', ...path, 'credentialName');
  } else if (mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL') {
    const remote = sources.some(Boolean);
    if (!remote) {
      if (!set(tls.serverCertificate)) d.error(`${mode} TLS requires a server certificate`, ...path, 'serverCertificate');
      if (!set(tls.privateKey)) d.error(`${mode} TLS requires a private key`, ...path, 'privateKey');
      if (mode !== 'SIMPLE' && !set(tls.caCertificates)) d.error(`${mode} TLS requires a client CA bundle`, ...path, 'caCertificates');
    }
    if (set(tls.caCrl) && set(tls.credentialName)) d.error('CRL is not supported with credentialName', ...path, 'caCrl');
  }
  const min = tls.minProtocolVersion ?? 'TLS_AUTO';
  const max = tls.maxProtocolVersion ?? 'TLS_AUTO';
  if (min !== 'TLS_AUTO' && max !== 'TLS_AUTO' && TLS_VERSIONS.indexOf(max) < TLS_VERSIONS.indexOf(min)) {
    d.error('TLS max version must be greater than or equal to the min version', ...path, 'maxProtocolVersion');
  }
  const seen = new Set<string>();
  tls.cipherSuites?.forEach((c, i) => {
    if (!CIPHER_SUITES.has(c)) d.warning(`ignoring invalid cipher suite: ${c}`, ...path, 'cipherSuites', i);
    else if (seen.has(c)) d.warning(`ignoring duplicate cipher suite: ${c}`, ...path, 'cipherSuites', i);
    seen.add(c);
  });
}

/** DestinationRule client TLS. */
export function validateClientTls(tls: ClientTLSSettings | undefined, d: Diagnostics, path: PathSegment[]): void {
  if (!tls) return;
  const mode = tls.mode ?? 'DISABLE';
  if ((mode === 'SIMPLE' || mode === 'MUTUAL') && set(tls.credentialName)) {
    if (set(tls.clientCertificate) || set(tls.privateKey) || set(tls.caCertificates) || set(tls.caCrl)) {
      d.error('cannot specify client certificates or CA certificate or CA CRL if credentialName is set', ...path);
    }
    return;
  }
  if (mode === 'MUTUAL') {
    if (!set(tls.clientCertificate)) d.error('client certificate required for mutual tls', ...path, 'clientCertificate');
    if (!set(tls.privateKey)) d.error('private key required for mutual tls', ...path, 'privateKey');
  }
  if (tls.insecureSkipVerify && (set(tls.caCertificates) || (tls.subjectAltNames?.length ?? 0) > 0)) {
    d.warning('caCertificates and subjectAltNames are ignored when insecureSkipVerify is true', ...path, 'insecureSkipVerify');
  }
}
