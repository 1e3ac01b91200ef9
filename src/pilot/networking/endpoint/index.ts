// Endpoint translation (EDS): ClusterLoadAssignments per outbound cluster for one proxy, with
// locality grouping, weights, priorities from locality failover, health and endpoint metadata.
// Also the pieces cluster translation shares: mesh settings, traffic-policy selection, mTLS checks.
export { buildEndpoints, buildClusterLoadAssignment, endpointUnit, localityLbEndpoints } from './eds.js';
export type { EndpointOptions, EndpointTarget } from './eds.js';
export { translationMesh } from './mesh-settings.js';
export type { TranslationMesh, TcpKeepaliveSettings } from './mesh-settings.js';
export { clusterTrafficPolicy, portTrafficPolicy, subsetTrafficPolicy, destinationRuleFor } from './traffic-policy.js';
export type { DestinationRuleConfig } from './traffic-policy.js';
export { effectiveLocalitySetting, localityMatches, localityPriority, applyLocalityLb } from './locality-lb.js';
export type { LocalitySetting, LocalityGroup } from './locality-lb.js';
export { peerAuthenticationMode, serviceMtlsMode, mtlsPossible } from './mtls.js';
export { proxyServiceInstances, proxyLocality } from './proxy-instances.js';
export { envoyAddress, lbEndpoint, canonicalService, workloadMetadata, TRANSPORT_SOCKET_MATCH_KEY, ISTIO_METADATA_KEY } from './lb-endpoints.js';
