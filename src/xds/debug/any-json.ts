// Decoded xDS messages as JSON for debug dumps: nested Any fields (typed_config, api_listener...)
// are expanded into `{ "@type": url, ...fields }` as Envoy's /config_dump shows them.
import { decodeAny, lookupMessageType, type Any__Output } from '../../xds-api/index.js';

function isAny(v: unknown): v is Any__Output {
  return typeof v === 'object' && v !== null && 'type_url' in v && 'value' in v && Object.keys(v).length === 2;
}

export function xdsToJson(v: unknown): unknown {
  if (isAny(v)) {
    if (!lookupMessageType(v.type_url)) return { '@type': v.type_url };
    return { '@type': v.type_url, ...(xdsToJson(decodeAny(v)) as object) };
  }
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(xdsToJson);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) {
      // protobufjs output includes unset oneof discriminators and empty defaults; keep what is set.
      if (val === null || val === undefined || val === '' || (Array.isArray(val) && val.length === 0)) continue;
      out[k] = xdsToJson(val);
    }
    return out;
  }
  return v;
}
