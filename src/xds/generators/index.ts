// Adapters from pilot's pure translation functions to the ADS server's Generator interface
// (pilot must not import xds, so they live here), and the per-proxy dispatch between them.
export { assemble, encodeResource, encodeResources } from './encode.js';
export { GRPC_GENERATORS, grpcListenerGenerator, grpcRouteGenerator, grpcClusterGenerator, grpcEndpointGenerator } from './grpc.js';
export { changedHosts, envoyGenerators } from './envoy.js';
export { dispatchGenerators, type GeneratorSets } from './dispatch.js';

import type { MeshConfig } from '../../api/mesh/index.js';
import type { PushContext } from '../../pilot/model/push-context.js';
import type { XdsCache } from '../cache.js';
import type { Generators } from '../generator.js';
import { dispatchGenerators } from './dispatch.js';
import { envoyGenerators } from './envoy.js';
import { GRPC_GENERATORS } from './grpc.js';

/**
 * Everything istiod serves: LDS/RDS/CDS/EDS for Envoy proxies and proxyless gRPC. Pass the same
 * `cache` to the AdsServer so that pushes invalidate it.
 */
export function istiodGenerators(mesh?: MeshConfig, cache?: XdsCache): Generators<PushContext> {
  return dispatchGenerators({ grpc: GRPC_GENERATORS, envoy: envoyGenerators(mesh, cache) });
}
