// Pilot's model: services, endpoints and protocols as the registry describes them; the proxy;
// PushRequest (what changed) and PushContext (the immutable indexed snapshot generators read).
export * from './host.js';
export * from './protocol.js';
export * from './labels.js';
export * from './service.js';
export * from './endpoint.js';
export * from './mesh.js';
export * from './visibility.js';
export * from './service-index.js';
export * from './virtual-service-index.js';
export * from './destination-rule-index.js';
export * from './sidecar-scope.js';
export * from './policy-index.js';
export * from './push-context.js';
export {
  ProxyParseError, parseNodeMetadata, parseIstioVersion, parseProxy, proxyFromNode,
  type ProxyType, type InterceptionMode, type IstioVersion, type PodPort, type NodeMetadata, type Proxy,
  type Locality as ProxyLocality,
} from './proxy.js';
export type * from './specs.js';
