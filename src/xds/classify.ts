// Classifies each state-of-the-world DiscoveryRequest against the watch state of its type, in the
// spirit of Istio's ShouldRespond. Pure: it decides, the caller applies. Order matters and follows
// the protocol: a NACK is recognised first (it echoes a valid nonce), then first requests, then
// stale nonces (a newer response is in flight; the proxy will answer that one), then ACKs and
// subscription changes.
import { isWildcardType } from '../xds-api/index.js';
import type { WatchedResource } from './watch.js';

export interface SotwRequestView {
  type_url: string;
  version_info: string;
  response_nonce: string;
  resource_names: readonly string[];
  error_detail: { code: number; message: string } | null;
}

export type Classification =
  /** First request for this type on this stream; respond with the current state. */
  | { kind: 'initial'; names: string[]; wildcard: boolean }
  /** First request on this stream but the proxy already holds `version` from an earlier stream; resync. */
  | { kind: 'reconnect'; names: string[]; wildcard: boolean; version: string }
  /** The proxy rejected our last response; record it and send nothing. */
  | { kind: 'nack'; nonce: string; keptVersion: string; code: number; message: string }
  /** The nonce is not the one we sent last; drop the request. */
  | { kind: 'stale-nonce'; nonce: string; expected: string | undefined }
  /** The proxy applied our last response and subscribes to the same names. */
  | { kind: 'ack'; nonce: string; version: string }
  /** Names were added (maybe some removed too): respond with the new set. Counts as an ACK of `nonce`. */
  | { kind: 'subscription-change'; names: string[]; wildcard: boolean; added: string[]; removed: string[]; nonce: string; version: string }
  /** Names were only removed: nothing new to send. Counts as an ACK of `nonce`. */
  | { kind: 'unsubscribe'; names: string[]; removed: string[]; nonce: string; version: string }
  /** A named-only type with no names left: drop the watch entirely. */
  | { kind: 'unsubscribe-all'; nonce: string };

/** Empty names (or an explicit `*`) on LDS/CDS mean "everything"; other types are never wildcard. */
export function requestedWildcard(typeUrl: string, names: readonly string[], previous?: WatchedResource): boolean {
  if (!isWildcardType(typeUrl)) return false;
  if (names.includes('*')) return true;
  // Per the xDS spec, an empty list is wildcard on the first request; once a client has named
  // resources, an empty list means it dropped them all, but Envoy never does that for LDS/CDS.
  return names.length === 0 && (previous === undefined || previous.wildcard);
}

export function classifyRequest(previous: WatchedResource | undefined, req: SotwRequestView): Classification {
  const names = req.resource_names.filter((n) => n !== '*');
  if (req.error_detail) {
    return { kind: 'nack', nonce: req.response_nonce, keptVersion: req.version_info, code: req.error_detail.code, message: req.error_detail.message };
  }
  if (!previous) {
    const wildcard = requestedWildcard(req.type_url, req.resource_names);
    if (req.response_nonce === '' && req.version_info === '') return { kind: 'initial', names, wildcard };
    return { kind: 'reconnect', names, wildcard, version: req.version_info };
  }
  if (req.response_nonce === '') {
    // Envoy restarting a type on the same stream (e.g. after an internal reset): treat as initial.
    return { kind: 'initial', names, wildcard: requestedWildcard(req.type_url, req.resource_names) };
  }
  if (req.response_nonce !== previous.nonceSent) {
    return { kind: 'stale-nonce', nonce: req.response_nonce, expected: previous.nonceSent };
  }
  const wildcard = requestedWildcard(req.type_url, req.resource_names, previous);
  if (!isWildcardType(req.type_url) && names.length === 0) {
    return { kind: 'unsubscribe-all', nonce: req.response_nonce };
  }
  const added = names.filter((n) => !previous.names.has(n));
  const current = new Set(names);
  const removed = [...previous.names].filter((n) => !current.has(n));
  const becameWildcard = wildcard && !previous.wildcard;
  if (added.length === 0 && removed.length === 0 && !becameWildcard && wildcard === previous.wildcard) {
    return { kind: 'ack', nonce: req.response_nonce, version: req.version_info };
  }
  if (added.length === 0 && !becameWildcard) {
    return { kind: 'unsubscribe', names, removed, nonce: req.response_nonce, version: req.version_info };
  }
  return { kind: 'subscription-change', names, wildcard, added, removed, nonce: req.response_nonce, version: req.version_info };
}
