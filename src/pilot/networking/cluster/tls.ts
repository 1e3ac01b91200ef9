// Upstream TLS as Istio builds it. ISTIO_MUTUAL: the workload certificate (`default`) and root
// (`ROOTCA`) from the agent's SDS server (`sds-grpc`), SANs from the rule or the service's
// identities, SNI `outbound_.port_.subset_.host`, ALPN `istio-peer-exchange`/`istio` (+`h2`).
// SIMPLE/MUTUAL: files are served over the agent's SDS as `file-cert:<cert>~<key>` and
// `file-root:<ca>` (the CA defaults to `system`); credentialName comes from istiod over ADS as
// `kubernetes://<name>` and `kubernetes://<name>-cacert`. Without a rule TLS setting, auto mTLS
// sends Istio mTLS to endpoints labelled `tlsMode: istio` and plaintext to the rest.
import type { ClientTLSSettings } from '../../../api/networking/index.js';
import { jsonToStruct, TypeUrl, typedAny, type Cluster, type UpstreamTlsContext } from '../../../xds-api/index.js';
import type { TranslationMesh } from '../endpoint/index.js';
import { SDS_CA_SUFFIX, SDS_CLUSTER, SDS_DEFAULT_SECRET, SDS_KUBERNETES_PREFIX, SDS_ROOT_SECRET } from '../names.js';
import { httpOptions, isH2, type ClusterDraft } from './draft.js';

export const TLS_TRANSPORT_SOCKET = 'envoy.transport_sockets.tls';
export const RAW_BUFFER_TRANSPORT_SOCKET = 'envoy.transport_sockets.raw_buffer';

export const ALPN_IN_MESH = ['istio-peer-exchange', 'istio'];
export const ALPN_IN_MESH_H2 = ['istio-peer-exchange', 'istio', 'h2'];
export const ALPN_H2_ONLY = ['h2'];

type CommonTlsContext = NonNullable<UpstreamTlsContext['common_tls_context']>;
type SdsSecretConfig = NonNullable<CommonTlsContext['tls_certificate_sds_secret_configs']>[number];

/** An SDS secret served by the agent over the `sds-grpc` bootstrap cluster. */
export function agentSdsSecret(name: string): SdsSecretConfig {
  const istioOwned = name === SDS_DEFAULT_SECRET || name === SDS_ROOT_SECRET;
  return {
    name,
    sds_config: {
      api_config_source: {
        api_type: 'GRPC',
        set_node_on_first_message_only: true,
        transport_api_version: 'V3',
        grpc_services: [{ envoy_grpc: { cluster_name: SDS_CLUSTER } }],
      },
      // Istio's own secrets never time out waiting: the agent always has them.
      ...(istioOwned ? { initial_fetch_timeout: { seconds: 0 } } : {}),
      resource_api_version: 'V3',
    },
  };
}

/** A credentialName secret, fetched from istiod over the ADS stream. */
export function adsSdsSecret(name: string): SdsSecretConfig {
  return { name, sds_config: { ads: {}, resource_api_version: 'V3' } };
}

export function credentialResourceName(credentialName: string): string {
  return credentialName.includes('://') ? credentialName : `${SDS_KUBERNETES_PREFIX}${credentialName}`;
}

function sanMatchers(sans: readonly string[] | undefined) {
  return (sans ?? []).map((exact) => ({ exact }));
}

function baseContext(): CommonTlsContext {
  return { tls_params: { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' } };
}

export function istioMutualTlsContext(sans: readonly string[], sni: string, h2: boolean): UpstreamTlsContext {
  return {
    common_tls_context: {
      ...baseContext(),
      alpn_protocols: [...(h2 ? ALPN_IN_MESH_H2 : ALPN_IN_MESH)],
      tls_certificate_sds_secret_configs: [agentSdsSecret(SDS_DEFAULT_SECRET)],
      combined_validation_context: {
        default_validation_context: { match_subject_alt_names: sanMatchers(sans) },
        validation_context_sds_secret_config: agentSdsSecret(SDS_ROOT_SECRET),
      },
    },
    sni,
  };
}

function originationContext(d: ClusterDraft, tls: ClientTLSSettings, mesh: TranslationMesh, sans: readonly string[] | undefined): UpstreamTlsContext {
  const ctx = baseContext();
  const mutual = tls.mode === 'MUTUAL';
  // Without an SNI Envoy derives it from the request's host; without SANs it checks the host too.
  const autoSni = !tls.sni;
  const autoSan = autoSni && (tls.subjectAltNames?.length ?? 0) === 0 && !tls.insecureSkipVerify;
  if (autoSni || autoSan) {
    const o = httpOptions(d);
    o.upstream_http_protocol_options = { ...(autoSni ? { auto_sni: true } : {}), ...(autoSan ? { auto_san_validation: true } : {}) };
  }
  if (tls.credentialName) {
    const name = credentialResourceName(tls.credentialName);
    if (mutual) ctx.tls_certificate_sds_secret_configs = [adsSdsSecret(name)];
    if (!tls.insecureSkipVerify) {
      ctx.combined_validation_context = {
        default_validation_context: { match_subject_alt_names: sanMatchers(sans) },
        validation_context_sds_secret_config: adsSdsSecret(`${name}${SDS_CA_SUFFIX}`),
      };
    }
  } else {
    if (mutual) ctx.tls_certificate_sds_secret_configs = [agentSdsSecret(`file-cert:${tls.clientCertificate ?? ''}~${tls.privateKey ?? ''}`)];
    if (tls.insecureSkipVerify) {
      ctx.validation_context = {};
    } else {
      ctx.combined_validation_context = {
        default_validation_context: {
          match_subject_alt_names: sanMatchers(sans),
          ...(tls.caCrl ? { crl: { filename: tls.caCrl } } : {}),
        },
        validation_context_sds_secret_config: agentSdsSecret(`file-root:${tls.caCertificates || 'system'}`),
      };
    }
  }
  if (mesh.tlsDefaults?.ecdhCurves?.length) ctx.tls_params = { ...ctx.tls_params, ecdh_curves: [...mesh.tlsDefaults.ecdhCurves] };
  if (mesh.tlsDefaults?.cipherSuites?.length) ctx.tls_params = { ...ctx.tls_params, cipher_suites: [...mesh.tlsDefaults.cipherSuites] };
  if (isH2(d)) ctx.alpn_protocols = [...ALPN_H2_ONLY];
  return { common_tls_context: ctx, ...(tls.sni ? { sni: tls.sni } : {}) };
}

export interface TlsInputs {
  /** The effective rule/subset/port TLS setting; undefined when the rule sets none. */
  readonly tls?: ClientTLSSettings;
  /** SPIFFE identities of the destination (ISTIO_MUTUAL SAN default, and SANs of ServiceEntries). */
  readonly serviceAccounts: readonly string[];
  readonly sni: string;
  readonly meshExternal: boolean;
  readonly external: boolean;
  /** What the destination's PeerAuthentication is believed to accept. */
  readonly serviceMtlsMode: 'DISABLE' | 'PERMISSIVE' | 'STRICT';
  /** Sidecars only get credentialName secrets through a rule with a workloadSelector. */
  readonly sidecar: boolean;
  readonly ruleHasSelector: boolean;
}

function tlsSocket(ctx: UpstreamTlsContext) {
  return { name: TLS_TRANSPORT_SOCKET, typed_config: typedAny(TypeUrl.UpstreamTlsContext, ctx) };
}

export function rawBufferSocket() {
  return { name: RAW_BUFFER_TRANSPORT_SOCKET, typed_config: typedAny(TypeUrl.RawBuffer, {}) };
}

/** Sets transport_socket (rule TLS) or transport_socket_matches (auto mTLS) on the draft. */
export function applyUpstreamTls(d: ClusterDraft, mesh: TranslationMesh, input: TlsInputs): void {
  const c: Cluster = d.cluster;
  const tls = input.tls;
  if (tls && tls.mode !== undefined && tls.mode !== 'DISABLE') {
    if (tls.mode === 'ISTIO_MUTUAL') {
      const sans = (tls.subjectAltNames?.length ?? 0) > 0 ? (tls.subjectAltNames as string[]) : input.serviceAccounts;
      c.transport_socket = tlsSocket(istioMutualTlsContext(sans, tls.sni || input.sni, isH2(d)));
      return;
    }
    // A credentialName rule without a selector would make every sidecar it reaches fetch the
    // secret (and wait for it); Istio sends no TLS config then.
    if (tls.credentialName && input.sidecar && !input.ruleHasSelector) return;
    const sans = input.external && (tls.subjectAltNames?.length ?? 0) === 0 ? input.serviceAccounts : tls.subjectAltNames;
    c.transport_socket = tlsSocket(originationContext(d, tls, mesh, sans));
    return;
  }
  if (tls) return;
  if (input.meshExternal || !mesh.enableAutoMtls || input.serviceMtlsMode === 'DISABLE') return;
  // Headless (ORIGINAL_DST) clusters have no endpoint metadata to match on.
  if (c.type === 'ORIGINAL_DST') return;
  c.transport_socket_matches = [
    { name: 'tlsMode-istio', match: jsonToStruct({ tlsMode: 'istio' }), transport_socket: tlsSocket(istioMutualTlsContext(input.serviceAccounts, input.sni, isH2(d))) },
    { name: 'tlsMode-disabled', match: jsonToStruct({}), transport_socket: rawBufferSocket() },
  ];
}
