// security.istio.io: AuthorizationPolicy, PeerAuthentication, RequestAuthentication (v1, v1beta1).
import type { KindDefinition } from '../kind.js';

export const securityKinds: readonly KindDefinition[] = [];
