// The ADS server (state-of-the-world and delta xDS over one gRPC stream per proxy): request
// classification, nonces, ACK/NACK bookkeeping, debouncing and the push queue. It asks Generators
// for resources and never builds Envoy config itself.
export { AdsServer, ADS_GRPC_SERVER_OPTIONS } from './server.js';
export type { AdsServerOptions, AdsObserver, ConnectionView } from './server.js';
export { classifyRequest, requestedWildcard } from './classify.js';
export type { Classification, SotwRequestView } from './classify.js';
export type { Generator, Generators, Generated, GeneratedResource, WatchView } from './generator.js';
export { pushRequest, mergePushRequests, formatReason } from './push-request.js';
export type { PushRequest, TriggerReason, ConfigKey } from './push-request.js';
export { Debouncer, DEFAULT_DEBOUNCE } from './debounce.js';
export type { DebounceOptions } from './debounce.js';
export { PushQueue } from './push-queue.js';
export { XdsCache } from './cache.js';
export type { CacheStats } from './cache.js';
export { Semaphore } from './semaphore.js';
export { systemClock, ManualClock } from './clock.js';
export type { Clock } from './clock.js';
export type { SyncStatus, TypeSyncStatus, StreamKind } from './connection.js';
export type { WatchedResource, NackRecord } from './watch.js';
