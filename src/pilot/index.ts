// Pilot: the service registry, the proxy model, PushContext/PushRequest, and (later) translation
// of Istio config into per-proxy Envoy resources. Imports shared, api, config and xds-api only.
export * from './model/index.js';
export * from './serviceregistry/index.js';
