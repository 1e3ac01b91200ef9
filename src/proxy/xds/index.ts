// The proxy's xDS client: the ADS stream (delta, falling back to state of the world), per-resource
// decoding of Envoy's Listener/RouteConfiguration/Cluster/ClusterLoadAssignment into the proxy's
// config with NACKs naming resource and field, warming, and the Envoy-shaped config dump.
export { XdsClient, type XdsClientOptions, type XdsMode, type TypeStatus } from './xds-client.js';
export { XdsState, TypeState, type Entry, type RejectedUpdate, type Assembled } from './xds-state.js';
export { resourceTypes, rdsNames, type ResourceType, type ResourceTypes, type DecodedResource } from './resource-types.js';
export { decodeListener, decodeHcm, DEFAULT_FILTER_REGISTRIES, type FilterRegistries, type HttpFilterDecoder } from './decode-listener.js';
export { decodeRouteConfiguration } from './decode-route.js';
export { decodeCluster, decodeLoadAssignment, type DecodedCluster } from './decode-cluster.js';
export { DecodeError, type Decoded } from './decode-common.js';
export { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
