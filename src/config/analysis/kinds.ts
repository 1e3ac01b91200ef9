// The kinds analyzers read, group-qualified.
import type { KindRef } from './analyzer.js';

const NET = 'networking.istio.io';
const SEC = 'security.istio.io';

export const K = {
  VirtualService: { group: NET, kind: 'VirtualService' },
  DestinationRule: { group: NET, kind: 'DestinationRule' },
  Gateway: { group: NET, kind: 'Gateway' },
  ServiceEntry: { group: NET, kind: 'ServiceEntry' },
  Sidecar: { group: NET, kind: 'Sidecar' },
  AuthorizationPolicy: { group: SEC, kind: 'AuthorizationPolicy' },
  Namespace: { group: '', kind: 'Namespace' },
  Service: { group: '', kind: 'Service' },
  Pod: { group: '', kind: 'Pod' },
  Node: { group: '', kind: 'Node' },
  Deployment: { group: 'apps', kind: 'Deployment' },
  StatefulSet: { group: 'apps', kind: 'StatefulSet' },
  DaemonSet: { group: 'apps', kind: 'DaemonSet' },
  ReplicaSet: { group: 'apps', kind: 'ReplicaSet' },
} as const satisfies Record<string, KindRef>;

export function kindKey(k: KindRef): string {
  return `${k.group}/${k.kind}`;
}
