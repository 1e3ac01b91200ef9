// Whether a destination workload can be sent Istio mTLS, as Istio's EDS decides it: the cluster's
// DestinationRule TLS (a mode other than ISTIO_MUTUAL means the client originates something else)
// and the PeerAuthentication in force at the workload (DISABLE means it does not terminate mTLS).
import type { ClientTLSSettings } from '../../../api/networking/index.js';
import type { PeerAuthenticationSpec } from '../../../api/security/peer-authentication.js';
import type { Labels } from '../../model/labels.js';
import type { PushContext } from '../../model/push-context.js';

export type MtlsMode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT';

/**
 * The effective PeerAuthentication mode for a workload (port optional): a workload policy's port
 * entry, else the workload policy, else the namespace's, else the mesh's (root namespace); UNSET
 * defers to the next level, and PERMISSIVE is Istio's default.
 */
export function peerAuthenticationMode(push: PushContext, namespace: string, labels: Labels, port?: number): Exclude<MtlsMode, 'UNSET'> {
  const root = push.mesh.rootNamespace;
  const all = push.peerAuthentications.forWorkload(namespace, labels) as readonly { meta: { namespace: string }; spec: PeerAuthenticationSpec }[];
  const hasSelector = (s: PeerAuthenticationSpec): boolean => Object.keys(s.selector?.matchLabels ?? {}).length > 0;
  const workload = all.find((c) => c.meta.namespace === namespace && hasSelector(c.spec));
  const nsWide = namespace === root ? undefined : all.find((c) => c.meta.namespace === namespace && !hasSelector(c.spec));
  const mesh = all.find((c) => c.meta.namespace === root && !hasSelector(c.spec));
  const candidates: (MtlsMode | undefined)[] = [
    port !== undefined ? workload?.spec.portLevelMtls?.[String(port)]?.mode : undefined,
    workload?.spec.mtls?.mode,
    nsWide?.spec.mtls?.mode,
    mesh?.spec.mtls?.mode,
  ];
  for (const m of candidates) if (m && m !== 'UNSET') return m;
  return 'PERMISSIVE';
}

/** Whether an endpoint labelled `tlsMode: istio` keeps that label in EDS for this cluster. */
export function mtlsPossible(tls: ClientTLSSettings | undefined, push: PushContext, namespace: string, labels: Labels, port: number): boolean {
  if (tls?.mode !== undefined && tls.mode !== 'ISTIO_MUTUAL') return false;
  return peerAuthenticationMode(push, namespace, labels, port) !== 'DISABLE';
}

/**
 * Istio's best-effort guess of what a service's workloads accept, used to decide auto mTLS on the
 * client side: mesh-external services never; else the namespace-wide policy, else the mesh-wide.
 * Workload- and port-level policies are not considered (the client cannot know which it hits).
 */
export function serviceMtlsMode(push: PushContext, service: { readonly namespace: string; readonly meshExternal: boolean }): Exclude<MtlsMode, 'UNSET'> {
  if (service.meshExternal) return 'DISABLE';
  const root = push.mesh.rootNamespace;
  const nsWide = (ns: string) => (push.peerAuthentications.inNamespace(ns) as readonly { spec: PeerAuthenticationSpec }[])
    .find((c) => Object.keys(c.spec.selector?.matchLabels ?? {}).length === 0)?.spec.mtls?.mode;
  for (const m of [service.namespace !== root ? nsWide(service.namespace) : undefined, nsWide(root)]) {
    if (m && m !== 'UNSET') return m;
  }
  return 'PERMISSIVE';
}
