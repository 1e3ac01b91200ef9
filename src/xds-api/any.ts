// Encoding and decoding of Envoy messages and google.protobuf.Any.
//
// Field names are the protos' snake_case names throughout (`typed_config`, `filter_chains`): they
// match Envoy's documentation, its YAML, its /config_dump and grpc-js-xds's types. Domain models
// built from these messages (the proxy's parsed config, pilot's model) use camelCase; the
// conversion happens once at that edge. One exception: google.protobuf.Value's members are
// `stringValue`, `structValue`, ... because protobufjs bundles its own camelCase struct.proto (the
// same holds in grpc-js-xds); node metadata is therefore `{ fields: { K: { stringValue } } }`.
//
// protobufjs silently drops unknown keys, so encoding first checks every key against the schema:
// a camelCase or misspelt field is an error, not an empty config that Envoy would accept.
import protobuf from 'protobufjs';
import { IstioTsError } from '../shared/errors.js';
import { DECODE_OPTIONS, lookupMessageType } from './protos.js';
import type { Any, Any__Output } from './types.js';
import type { MessageInput, MessageOutput } from './message-types.js';

const ANY = 'google.protobuf.Any';

/** A message that could not be encoded or decoded; `code` is ISTS_XDS_NACK so a proxy can NACK with the message. */
export class XdsCodecError extends IstioTsError {
  constructor(message: string, cause?: unknown) {
    super('ISTS_XDS_NACK', message, cause === undefined ? undefined : { cause });
    this.name = 'XdsCodecError';
  }
}

function typeOrThrow(nameOrTypeUrl: string): protobuf.Type {
  const t = lookupMessageType(nameOrTypeUrl);
  if (!t) throw new XdsCodecError(`unknown message type ${nameOrTypeUrl}`);
  return t;
}

/** Encodes a message given in its input shape (snake_case); throws XdsCodecError on unknown fields. */
export function encodeMessage<U extends string>(nameOrTypeUrl: U, message: MessageInput<U>): Buffer {
  const type = typeOrThrow(nameOrTypeUrl);
  const problems: string[] = [];
  checkFields(type, message as Record<string, unknown>, '', problems);
  if (problems.length > 0) {
    throw new XdsCodecError(`cannot encode ${type.fullName.slice(1)}: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`);
  }
  return Buffer.from(type.encode(type.fromObject(message as Record<string, unknown>)).finish());
}

/** Decodes bytes into the `__Output` shape; throws XdsCodecError on malformed input. */
export function decodeMessage<U extends string>(nameOrTypeUrl: U, bytes: Uint8Array): MessageOutput<U> {
  const type = typeOrThrow(nameOrTypeUrl);
  try {
    return type.toObject(type.decode(bytes), DECODE_OPTIONS) as MessageOutput<U>;
  } catch (err) {
    throw new XdsCodecError(`cannot decode ${type.fullName.slice(1)}: ${(err as Error).message}`, err);
  }
}

/** Wraps a message into an Any with `typeUrl` (which must be a `type.googleapis.com/<message>` URL). */
export function encodeAny<U extends string>(typeUrl: U, message: MessageInput<U>): Any__Output {
  return { type_url: typeUrl, value: encodeMessage(typeUrl, message) };
}

/**
 * A nested Any in object form (`{ '@type': url, ...fields }`), type-checked against the message for
 * `typeUrl`; encoded along with its parent. Use it for `typed_config` and similar fields.
 */
export function typedAny<U extends string>(typeUrl: U, message: MessageInput<U>): Any {
  return { ...(message as object), '@type': typeUrl } as Any;
}

/**
 * Unwraps an Any. With `expectedTypeUrl`, a different type URL is an error (a CDS response that
 * carries a Listener must be NACKed, not half-applied).
 */
export function decodeAny<U extends string>(any: Any | Any__Output, expectedTypeUrl?: U): MessageOutput<U> {
  const typeUrl = anyTypeUrl(any);
  if (expectedTypeUrl !== undefined && typeUrl !== expectedTypeUrl) {
    throw new XdsCodecError(`expected a resource of type ${expectedTypeUrl}, got ${typeUrl || '(no type_url)'}`);
  }
  if ('@type' in any) {
    // Already in object form (written by hand or by a translator): round-trip to get the output shape.
    const { '@type': _ignored, ...fields } = any;
    return decodeMessage(typeUrl, encodeMessage(typeUrl, fields as MessageInput<string>)) as MessageOutput<U>;
  }
  const value = typeof any.value === 'string' ? Buffer.from(any.value, 'base64') : any.value;
  return decodeMessage(typeUrl, value) as MessageOutput<U>;
}

/** The type URL an Any carries, in either shape. */
export function anyTypeUrl(any: Any | Any__Output): string {
  return '@type' in any ? String(any['@type']) : any.type_url;
}

/** Appends one message per key that the schema does not know, recursing into messages and Anys. */
function checkFields(type: protobuf.Type, obj: Record<string, unknown>, path: string, problems: string[]): void {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj) || Buffer.isBuffer(obj) || obj instanceof Uint8Array) {
    problems.push(`${path || '(root)'}: expected an object for ${type.fullName.slice(1)}`);
    return;
  }
  const isAny = isAnyType(type);
  for (const [key, value] of Object.entries(obj)) {
    const at = path ? `${path}.${key}` : key;
    if (isAny && key === '@type') continue;
    const field = type.fields[key];
    if (!field) {
      // Decoded objects carry virtual oneof members (`address: 'socket_address'`); accept them back.
      if (type.oneofs?.[key] && typeof value === 'string') continue;
      problems.push(`${at}: unknown field in ${type.fullName.slice(1)}${didYouMean(type, key)}`);
      continue;
    }
    if (value === null || value === undefined) continue;
    field.resolve();
    const sub = field.resolvedType;
    if (!(sub instanceof protobuf.Type)) continue;
    const subType = sub;
    if (field.map) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) checkValue(subType, v, `${at}[${k}]`, problems);
    } else if (field.repeated) {
      if (!Array.isArray(value)) problems.push(`${at}: expected a list`);
      else value.forEach((v, i) => checkValue(subType, v, `${at}[${i}]`, problems));
    } else {
      checkValue(subType, value, at, problems);
    }
  }
}

function didYouMean(type: protobuf.Type, key: string): string {
  const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const camel = key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  const hit = [snake, camel].find((k) => k !== key && type.fields[k]);
  return hit ? ` (did you mean '${hit}'?)` : '';
}

// By identity: protobufjs rebuilds `fullName` from the parent chain on every read, and this check
// runs for every nested message of every resource istiod encodes (it was ~30 % of a push's CPU).
let anyType: protobuf.Type | undefined;
function isAnyType(type: protobuf.Type): boolean {
  return type === (anyType ??= lookupMessageType(ANY));
}

function checkValue(type: protobuf.Type, value: unknown, path: string, problems: string[]): void {
  if (isAnyType(type) && value !== null && typeof value === 'object' && '@type' in value) {
    const inner = lookupMessageType(String((value as Record<string, unknown>)['@type']));
    if (!inner) {
      problems.push(`${path}: unknown @type ${String((value as Record<string, unknown>)['@type'])}`);
      return;
    }
    const { '@type': _t, ...rest } = value as Record<string, unknown>;
    checkFields(inner, rest, path, problems);
    return;
  }
  checkFields(type, value as Record<string, unknown>, path, problems);
}
