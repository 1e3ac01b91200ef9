// security.istio.io: AuthorizationPolicy, PeerAuthentication, RequestAuthentication (v1, v1beta1).
// Typed specs and Istio's semantic validation; the control plane imports the spec types.
import type { KindDefinition } from '../kind.js';
import { authorizationPolicyKind } from './authorization-policy.js';
import { peerAuthenticationKind } from './peer-authentication.js';
import { requestAuthenticationKind } from './request-authentication.js';

export * from './versions.js';
export * from './attributes.js';
export * from './authorization-policy.js';
export * from './peer-authentication.js';
export * from './request-authentication.js';

export const securityKinds: readonly KindDefinition[] = [authorizationPolicyKind, peerAuthenticationKind, requestAuthenticationKind];
