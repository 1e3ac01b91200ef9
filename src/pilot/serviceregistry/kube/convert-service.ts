// Kubernetes Service → registry Service, as Istio converts it: `name.ns.svc.<domain>`, ClusterIP
// VIPs, headless → Passthrough, ExternalName → Alias, exportTo and service-account annotations.
import type { Config } from '../../../api/config.js';
import { spiffeIdentity } from '../../model/endpoint.js';
import { kubeServiceHostname } from '../../model/host.js';
import { kubePortProtocol } from '../../model/protocol.js';
import { creationTimeOf, UNSPECIFIED_IP, type Resolution, type Service } from '../../model/service.js';
import type { KubeServiceSpec } from '../../model/specs.js';
import type { ConversionContext } from '../kinds.js';

export const EXPORT_TO_ANNOTATION = 'networking.istio.io/exportTo';
export const KUBE_SERVICE_ACCOUNTS_ANNOTATION = 'alpha.istio.io/kubernetes-serviceaccounts';
export const CANONICAL_SERVICE_ACCOUNTS_ANNOTATION = 'alpha.istio.io/canonical-serviceaccounts';

export function convertKubeService(cfg: Config<KubeServiceSpec>, ctx: ConversionContext): Service {
  const { meta, spec } = cfg;
  let resolution: Resolution = 'ClientSideLB';
  let externalName: string | undefined;
  if (spec.type === 'ExternalName' && spec.externalName) {
    externalName = spec.externalName;
    resolution = 'Alias';
  }
  let addresses: string[] = [];
  if (spec.clusterIP === 'None') {
    resolution = 'Passthrough';
  } else if (spec.clusterIP) {
    addresses = spec.clusterIPs && spec.clusterIPs.length > 1 ? [...spec.clusterIPs] : [spec.clusterIP];
  }
  const serviceAccounts: string[] = [];
  const canonical = meta.annotations[CANONICAL_SERVICE_ACCOUNTS_ANNOTATION];
  if (canonical) serviceAccounts.push(...canonical.split(','));
  const kubeSAs = meta.annotations[KUBE_SERVICE_ACCOUNTS_ANNOTATION];
  if (kubeSAs) for (const sa of kubeSAs.split(',')) serviceAccounts.push(spiffeIdentity(ctx.mesh.trustDomain, meta.namespace, sa));
  const exportTo = meta.annotations[EXPORT_TO_ANNOTATION];
  return {
    hostname: kubeServiceHostname(meta.name, meta.namespace, ctx.mesh.domainSuffix),
    namespace: meta.namespace,
    name: meta.name,
    registry: 'Kubernetes',
    ports: (spec.ports ?? []).map((p) => ({
      name: p.name ?? '',
      port: p.port,
      protocol: kubePortProtocol(p.port, p.name, p.protocol, p.appProtocol),
      ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}),
    })),
    resolution,
    meshExternal: externalName !== undefined,
    defaultAddress: addresses[0] ?? UNSPECIFIED_IP,
    addresses,
    ...(exportTo ? { exportTo: exportTo.split(',').map((e) => e.trim()) } : {}),
    labels: meta.labels,
    ...(spec.selector && Object.keys(spec.selector).length > 0 ? { selector: spec.selector } : {}),
    serviceAccounts,
    creationTime: creationTimeOf(meta.creationTimestamp),
    ...(externalName ? { externalName } : {}),
    kubeType: spec.type ?? 'ClusterIP',
    ...(spec.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
  };
}
