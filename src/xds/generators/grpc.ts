// Generators for proxyless gRPC clients: adapters from pilot's grpcgen functions to the xDS
// Generator interface (LDS, RDS, CDS, EDS).
import { buildGrpcClusters, buildGrpcEndpoints, buildGrpcListeners, buildGrpcRoutes } from '../../pilot/networking/grpcgen/index.js';
import type { PushContext } from '../../pilot/model/push-context.js';
import { TypeUrl } from '../../xds-api/index.js';
import type { Generator } from '../generator.js';
import { encodeResources } from './encode.js';

type G = Generator<PushContext>;

const names = (w: { wildcard: boolean; names: ReadonlySet<string> }) => (w.wildcard ? [] : [...w.names]);

export const grpcListenerGenerator: G = {
  generate: (proxy, watch, req) => req.push && encodeResources(TypeUrl.Listener,
    buildGrpcListeners(proxy, req.push, names(watch)).map((l) => ({ name: l.name, message: l.listener }))),
};

export const grpcRouteGenerator: G = {
  generate: (proxy, watch, req) => req.push && encodeResources(TypeUrl.RouteConfiguration,
    buildGrpcRoutes(proxy, req.push, [...watch.names]).map((r) => ({ name: r.name, message: r.routeConfiguration }))),
};

export const grpcClusterGenerator: G = {
  generate: (proxy, watch, req) => req.push && encodeResources(TypeUrl.Cluster,
    buildGrpcClusters(proxy, req.push, names(watch)).map((c) => ({ name: c.name, message: c.cluster }))),
};

export const grpcEndpointGenerator: G = {
  generate: (proxy, watch, req) => req.push && encodeResources(TypeUrl.ClusterLoadAssignment,
    buildGrpcEndpoints(proxy, req.push, [...watch.names]).map((e) => ({ name: e.name, message: e.loadAssignment }))),
};

export const GRPC_GENERATORS: ReadonlyMap<string, G> = new Map([
  [TypeUrl.Listener, grpcListenerGenerator],
  [TypeUrl.RouteConfiguration, grpcRouteGenerator],
  [TypeUrl.Cluster, grpcClusterGenerator],
  [TypeUrl.ClusterLoadAssignment, grpcEndpointGenerator],
]);
