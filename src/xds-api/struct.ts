// google.protobuf.Struct <-> plain JSON, for node metadata and filter metadata. Member names are
// protobufjs's camelCase ones (`stringValue`), see any.ts.
import type { Struct, Struct__Output } from './types.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type ValueOut = { nullValue?: unknown; numberValue?: number; stringValue?: string; boolValue?: boolean; structValue?: Struct__Output | null; listValue?: { values: ValueOut[] } | null; kind?: string };

/** A decoded Struct as plain JSON (`null` or absent becomes `{}`). */
export function structToJson(s: Struct__Output | null | undefined): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(s?.fields ?? {})) out[k] = valueToJson(v as ValueOut);
  return out;
}

function valueToJson(v: ValueOut): Json {
  switch (v.kind) {
    case 'numberValue': return v.numberValue ?? 0;
    case 'stringValue': return v.stringValue ?? '';
    case 'boolValue': return v.boolValue ?? false;
    case 'structValue': return structToJson(v.structValue);
    case 'listValue': return (v.listValue?.values ?? []).map(valueToJson);
    default: return null;
  }
}

/** Plain JSON as a Struct input; `undefined` members are left out, as JSON.stringify would. */
export function jsonToStruct(obj: Record<string, unknown>): Struct {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) fields[k] = jsonToValue(v);
  return { fields } as Struct;
}

function jsonToValue(v: unknown): unknown {
  if (v === null) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(jsonToValue) } };
  if (typeof v === 'object') return { structValue: jsonToStruct(v as Record<string, unknown>) };
  throw new TypeError(`cannot represent ${typeof v} in google.protobuf.Struct`);
}

export type { Json };
