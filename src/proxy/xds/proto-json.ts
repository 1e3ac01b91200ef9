// Envoy messages as Envoy's admin API prints them: proto3 JSON with the protos' field names
// (`connect_timeout: "1s"`, wrappers as bare values, Any as `{"@type": ..., ...fields}`, enums by
// name, defaults omitted), so /config_dump reads like Envoy's and istioctl can parse it.
import { lookupMessageType, type Any__Output } from '../../xds-api/index.js';
import type { protobuf } from '../../xds-api/protos.js';

const WRAPPERS = new Set(['DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue']);

/** An Any (bytes) as proto3 JSON with `@type`; an unknown type keeps its bytes in base64. */
export function anyToJson(any: Any__Output): Record<string, unknown> {
  const type = lookupMessageType(any.type_url);
  if (type === undefined) return { '@type': any.type_url, value: Buffer.from(any.value ?? []).toString('base64') };
  return { '@type': any.type_url, ...(messageToJson(type, type.decode(any.value ?? Buffer.alloc(0))) as Record<string, unknown>) };
}

function messageToJson(type: protobuf.Type, msg: any): unknown {
  const full = type.fullName.slice(1);
  if (full === 'google.protobuf.Duration' || full === 'google.protobuf.Timestamp') {
    const seconds = Number(msg.seconds ?? 0);
    const nanos = Number(msg.nanos ?? 0);
    if (full === 'google.protobuf.Timestamp') return new Date(seconds * 1000 + nanos / 1e6).toISOString();
    const s = seconds + nanos / 1e9;
    return `${Number.isInteger(s) ? s : s.toFixed(9).replace(/0+$/, '')}s`;
  }
  if (full.startsWith('google.protobuf.') && WRAPPERS.has(full.slice('google.protobuf.'.length))) {
    return scalar(type.fields.value, msg.value);
  }
  if (full === 'google.protobuf.Struct') return structJson(msg);
  if (full === 'google.protobuf.Value') return valueJson(msg);
  if (full === 'google.protobuf.ListValue') return (msg.values ?? []).map(valueJson);
  if (full === 'google.protobuf.Any') return anyToJson({ type_url: msg.type_url, value: msg.value } as Any__Output);
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const v = msg[field.name];
    if (v === undefined || v === null) continue;
    field.resolve();
    const inOneof = field.partOf !== null && field.partOf !== undefined;
    // A oneof member counts only when it is the member set (protobufjs exposes the name).
    if (inOneof && msg[field.partOf!.name] !== field.name) continue;
    if (field.map) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length === 0) continue;
      out[field.name] = Object.fromEntries(entries.map(([k, x]) => [k, valueOf(field, x)]));
    } else if (field.repeated) {
      if ((v as unknown[]).length === 0) continue;
      out[field.name] = (v as unknown[]).map((x) => valueOf(field, x));
    } else {
      if (!Object.prototype.hasOwnProperty.call(msg, field.name) && !inOneof) continue;
      const j = valueOf(field, v);
      if (!inOneof && isDefault(j) && !(field.resolvedType && 'fields' in field.resolvedType)) continue;
      out[field.name] = j;
    }
  }
  return out;
}

function valueOf(field: protobuf.Field, v: unknown): unknown {
  const rt = field.resolvedType;
  if (rt !== null && rt !== undefined && 'fields' in rt) return messageToJson(rt as protobuf.Type, v);
  if (rt !== null && rt !== undefined && 'values' in rt) {
    const en = rt as protobuf.Enum;
    return en.valuesById[v as number] ?? v;
  }
  return scalar(field, v);
}

function scalar(field: protobuf.Field, v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (typeof v === 'object' && v !== null && 'low' in v) return String((v as { toString(): string }).toString());
  if (['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64'].includes(field.type)) return String(v);
  return v;
}

function isDefault(v: unknown): boolean {
  return v === 0 || v === '' || v === false || v === '0';
}

function structJson(msg: any): Record<string, unknown> {
  return Object.fromEntries(Object.entries(msg.fields ?? {}).map(([k, v]) => [k, valueJson(v)]));
}

function valueJson(v: any): unknown {
  if (v === null || v === undefined) return null;
  switch (v.kind) {
    case 'numberValue': return v.numberValue;
    case 'stringValue': return v.stringValue;
    case 'boolValue': return v.boolValue;
    case 'structValue': return structJson(v.structValue);
    case 'listValue': return (v.listValue.values ?? []).map(valueJson);
    default: return null;
  }
}
