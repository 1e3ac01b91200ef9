// DiscoveryResponse and DeltaDiscoveryResponse written straight to protobuf wire bytes. The
// resources are already encoded `Any`s shared by every proxy that gets them; going through
// protobufjs (fromObject + encode) for each stream would walk and copy every 2 MB CDS response
// again per proxy. Here a response costs one allocation and one copy of each resource's bytes.
// Field numbers come from the descriptor, so they cannot drift from the protos; fields go in
// number order, as protobufjs writes them.
import { lookupMessageType, type Any__Output } from '../xds-api/index.js';

function fieldIds(message: string): Record<string, number> {
  const t = lookupMessageType(message);
  if (!t) throw new Error(`xds wire: unknown message ${message}`);
  return Object.fromEntries(Object.values(t.fields).map((f) => [f.name, f.id]));
}

const SOTW = fieldIds('envoy.service.discovery.v3.DiscoveryResponse');
const DELTA = fieldIds('envoy.service.discovery.v3.DeltaDiscoveryResponse');
const RESOURCE = fieldIds('envoy.service.discovery.v3.Resource');
const ANY = fieldIds('google.protobuf.Any');
const CONTROL_PLANE = fieldIds('envoy.config.core.v3.ControlPlane');

export interface SotwResponseParts {
  versionInfo: string;
  resources: readonly Any__Output[];
  typeUrl: string;
  nonce: string;
  controlPlaneId?: string;
}

export interface DeltaResponseParts {
  systemVersionInfo: string;
  resources: ReadonlyArray<{ readonly name: string; readonly version: string; readonly resource: Any__Output }>;
  typeUrl: string;
  removedResources: readonly string[];
  nonce: string;
  controlPlaneId?: string;
}

const LEN = 2; // wire type of length-delimited fields

/**
 * A buffer reused from one response to the next. Each response is about as large as the last
 * (0.6–2 MB here); a fresh one per stream means gigabytes of short-lived external memory per push
 * and the garbage collections that come with it. Responses above `max` get their own buffer.
 */
export class Scratch {
  private buf = Buffer.allocUnsafe(0);

  constructor(private readonly max = 16 * 1024 * 1024) {}

  /** A view of `size` bytes, valid until the next take(). */
  take(size: number): Buffer {
    if (size > this.max) return Buffer.allocUnsafe(size);
    if (size > this.buf.length) this.buf = Buffer.allocUnsafe(Math.min(this.max, Math.max(size, 2 * this.buf.length)));
    return this.buf.subarray(0, size);
  }
}

const alloc = (size: number, scratch: Scratch | undefined) => (scratch ? scratch.take(size) : Buffer.allocUnsafe(size));

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** Size of a length-delimited field (tag + length + body) with a body of `len` bytes. */
export function fieldSize(id: number, len: number): number {
  return varintSize((id << 3) | LEN) + varintSize(len) + len;
}

/** A string field's size; proto3 omits empty strings, as protobufjs does. */
function stringSize(id: number, s: string): number {
  return s === '' ? 0 : fieldSize(id, Buffer.byteLength(s));
}

export class Writer {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  varint(n: number): void {
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  header(id: number, len: number): void {
    this.varint((id << 3) | LEN);
    this.varint(len);
  }

  string(id: number, s: string): void {
    if (s === '') return;
    this.header(id, Buffer.byteLength(s));
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  bytes(id: number, b: Uint8Array): void {
    this.header(id, b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

function anyBodySize(a: Any__Output): number {
  return stringSize(ANY.type_url, a.type_url) + (a.value.length === 0 ? 0 : fieldSize(ANY.value, a.value.length));
}

function writeAny(w: Writer, id: number, a: Any__Output, bodySize: number): void {
  w.header(id, bodySize);
  w.string(ANY.type_url, a.type_url);
  if (a.value.length > 0) w.bytes(ANY.value, a.value);
}

function writeControlPlane(w: Writer, field: number, identifier: string | undefined): void {
  if (identifier === undefined) return;
  w.header(field, stringSize(CONTROL_PLANE.identifier, identifier));
  w.string(CONTROL_PLANE.identifier, identifier);
}

function controlPlaneFieldSize(field: number, identifier: string | undefined): number {
  return identifier === undefined ? 0 : fieldSize(field, stringSize(CONTROL_PLANE.identifier, identifier));
}

/** A state-of-the-world DiscoveryResponse as protobuf bytes (in `scratch` when given). */
export function encodeSotwResponse(p: SotwResponseParts, scratch?: Scratch): Buffer {
  const anySizes = p.resources.map(anyBodySize);
  let size = stringSize(SOTW.version_info, p.versionInfo) + stringSize(SOTW.type_url, p.typeUrl) + stringSize(SOTW.nonce, p.nonce)
    + controlPlaneFieldSize(SOTW.control_plane, p.controlPlaneId);
  for (const s of anySizes) size += fieldSize(SOTW.resources, s);
  const w = new Writer(alloc(size, scratch));
  w.string(SOTW.version_info, p.versionInfo);
  p.resources.forEach((a, i) => writeAny(w, SOTW.resources, a, anySizes[i]));
  w.string(SOTW.type_url, p.typeUrl);
  w.string(SOTW.nonce, p.nonce);
  writeControlPlane(w, SOTW.control_plane, p.controlPlaneId);
  return checked(w, size);
}

/** An incremental (delta) DeltaDiscoveryResponse as protobuf bytes (in `scratch` when given). */
export function encodeDeltaResponse(p: DeltaResponseParts, scratch?: Scratch): Buffer {
  const anySizes = p.resources.map((r) => anyBodySize(r.resource));
  const resourceSizes = p.resources.map((r, i) => stringSize(RESOURCE.name, r.name) + stringSize(RESOURCE.version, r.version) + fieldSize(RESOURCE.resource, anySizes[i]));
  let size = stringSize(DELTA.system_version_info, p.systemVersionInfo) + stringSize(DELTA.type_url, p.typeUrl) + stringSize(DELTA.nonce, p.nonce)
    + controlPlaneFieldSize(DELTA.control_plane, p.controlPlaneId);
  for (const s of resourceSizes) size += fieldSize(DELTA.resources, s);
  // Repeated strings keep empty elements (only singular proto3 strings are omitted when empty).
  for (const n of p.removedResources) size += fieldSize(DELTA.removed_resources, Buffer.byteLength(n));
  const w = new Writer(alloc(size, scratch));
  w.string(DELTA.system_version_info, p.systemVersionInfo);
  p.resources.forEach((r, i) => {
    w.header(DELTA.resources, resourceSizes[i]);
    w.string(RESOURCE.version, r.version);
    writeAny(w, RESOURCE.resource, r.resource, anySizes[i]);
    w.string(RESOURCE.name, r.name);
  });
  w.string(DELTA.type_url, p.typeUrl);
  w.string(DELTA.nonce, p.nonce);
  for (const n of p.removedResources) {
    w.header(DELTA.removed_resources, Buffer.byteLength(n));
    w.pos += w.buf.write(n, w.pos, 'utf8');
  }
  writeControlPlane(w, DELTA.control_plane, p.controlPlaneId);
  return checked(w, size);
}

function checked(w: Writer, size: number): Buffer {
  if (w.pos !== size) throw new Error(`xds wire: wrote ${w.pos} bytes, sized ${size}`);
  return w.buf;
}
