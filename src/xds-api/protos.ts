// The Envoy v3 protobuf root, built once on first use from the precompiled descriptor in
// gen/descriptor.ts (parsing the .proto files instead costs ~300 ms at start-up; see ARCHITECTURE.md).
import protobuf from 'protobufjs';
import { ENVOY_DESCRIPTOR_JSON } from './gen/descriptor.js';

let root: protobuf.Root | undefined;
let loadMs = 0;
const types = new Map<string, protobuf.Type | null>();

function envoyRoot(): protobuf.Root {
  if (!root) {
    const t0 = performance.now();
    root = protobuf.Root.fromJSON(JSON.parse(ENVOY_DESCRIPTOR_JSON) as protobuf.INamespace);
    loadMs = performance.now() - t0;
  }
  return root;
}

/** The protobufjs type for a fully qualified message name or a type URL; undefined when unknown. */
export function lookupMessageType(nameOrTypeUrl: string): protobuf.Type | undefined {
  const name = nameOrTypeUrl.slice(nameOrTypeUrl.lastIndexOf('/') + 1);
  let t = types.get(name);
  if (t === undefined) {
    const found = envoyRoot().lookup(name);
    t = found instanceof protobuf.Type ? found : null;
    types.set(name, t);
  }
  return t ?? undefined;
}

/** How long building the root took, for start-up diagnostics (0 before first use). */
export function protoLoadMillis(): number {
  return loadMs;
}

/**
 * Options for turning decoded messages into plain objects; the generated `__Output` types describe
 * exactly this shape (every scalar present, 64-bit integers and enums as strings, oneof virtual
 * fields naming the set member, bytes as Buffer, Any left as `{ type_url, value }`).
 */
export const DECODE_OPTIONS: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

export type { protobuf };
