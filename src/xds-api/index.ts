// Envoy's xDS v3 API for istio-ts: the protos shipped in @grpc/grpc-js-xds (precompiled under
// gen/), type URLs and well-known names, Any/message encode and decode, and the ADS gRPC service.
// Messages use the protos' snake_case field names (see any.ts for why); imported by pilot, xds,
// proxy and cli.
export { TypeUrl, WellKnownName, XDS_RESOURCE_TYPES, shortTypeName, messageName, isWildcardType } from './type-urls.js';
export type { TypeUrlName, XdsResourceTypeUrl } from './type-urls.js';
export { encodeAny, decodeAny, typedAny, encodeMessage, decodeMessage, anyTypeUrl, XdsCodecError } from './any.js';
export { lookupMessageType, protoLoadMillis, DECODE_OPTIONS } from './protos.js';
export { structToJson, jsonToStruct } from './struct.js';
export type { Json } from './struct.js';
export { ADS_SERVICE, ADS_SERVICE_NAME, AdsClient, EncodedMessage } from './ads-service.js';
export type { AdsClientConstructor } from './ads-service.js';
export type { MessageTypeMap, MessageInput, MessageOutput } from './message-types.js';
export type * from './types.js';
