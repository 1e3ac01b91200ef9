// The AggregatedDiscoveryService (StreamAggregatedResources and DeltaAggregatedResources) as a
// grpc-js service definition for servers, and a client constructor using the same codec.
import * as grpc from '@grpc/grpc-js';
import { decodeMessage } from './any.js';
import { lookupMessageType } from './protos.js';
import type { AggregatedDiscoveryServiceClient } from './types.js';

export const ADS_SERVICE_NAME = 'envoy.service.discovery.v3.AggregatedDiscoveryService';

/**
 * A message its writer already encoded, possibly into a scratch buffer it will reuse: grpc-js copies
 * it while serializing, which marks it consumed. A write that grpc-js queued instead (the stream was
 * busy) finds it unconsumed, and the writer must `detach()` it before touching the scratch again.
 */
export class EncodedMessage {
  consumed = false;

  constructor(private view: Buffer) {}

  /** The bytes, for the serializer only. */
  take(): Buffer {
    this.consumed = true;
    return this.view;
  }

  /** Copies the bytes out of the writer's scratch buffer (for a write grpc-js queued). */
  detach(): void {
    if (!this.consumed) this.view = Buffer.from(this.view);
  }
}

function serializer(messageName: string): (value: object) => Buffer {
  return (value) => {
    if (value instanceof EncodedMessage) return value.take();
    // A Buffer is a message its writer already encoded (istiod writes responses straight to wire
    // bytes so thousands of streams do not each re-encode the same resources).
    if (Buffer.isBuffer(value)) return value;
    // Skips encodeMessage's unknown-field check: responses are built from Anys the generator
    // already encoded, and this runs once per message on every stream.
    const type = lookupMessageType(messageName)!;
    return Buffer.from(type.encode(type.fromObject(value as Record<string, unknown>)).finish());
  };
}

function deserializer(messageName: string): (bytes: Buffer) => any {
  return (bytes) => decodeMessage(messageName, bytes);
}

function bidi(name: string, request: string, response: string): grpc.MethodDefinition<object, object> {
  return {
    path: `/${ADS_SERVICE_NAME}/${name}`,
    requestStream: true,
    responseStream: true,
    requestSerialize: serializer(request),
    requestDeserialize: deserializer(request),
    responseSerialize: serializer(response),
    responseDeserialize: deserializer(response),
    originalName: name[0].toLowerCase() + name.slice(1),
  };
}

/** Pass to `server.addService(ADS_SERVICE, handlers)`; requests arrive decoded as `__Output` shapes. */
export const ADS_SERVICE: grpc.ServiceDefinition = {
  StreamAggregatedResources: bidi(
    'StreamAggregatedResources',
    'envoy.service.discovery.v3.DiscoveryRequest',
    'envoy.service.discovery.v3.DiscoveryResponse',
  ),
  DeltaAggregatedResources: bidi(
    'DeltaAggregatedResources',
    'envoy.service.discovery.v3.DeltaDiscoveryRequest',
    'envoy.service.discovery.v3.DeltaDiscoveryResponse',
  ),
};

export type AdsClientConstructor = new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ClientOptions,
) => AggregatedDiscoveryServiceClient;

/** `new AdsClient('127.0.0.1:15010', grpc.credentials.createInsecure())`; responses arrive as `__Output` shapes. */
export const AdsClient = grpc.makeGenericClientConstructor(ADS_SERVICE, 'AggregatedDiscoveryService') as unknown as AdsClientConstructor;
