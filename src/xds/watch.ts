// Per-connection, per-type watch state: what the proxy subscribed to and where the exchange stands
// (sent, acked, last NACK). The server owns nonces; versions come from the generators.

export interface NackRecord {
  /** google.rpc.Status message from error_detail. */
  message: string;
  code: number;
  /** The nonce of the response that was rejected, and the version the proxy kept. */
  nonce: string;
  keptVersion: string;
  at: number;
}

export interface WatchedResource {
  typeUrl: string;
  /** Names subscribed to; for a wildcard watch, any extra names besides `*`. Immutable (often shared). */
  names: ReadonlySet<string>;
  wildcard: boolean;
  nonceSent?: string;
  versionSent?: string;
  nonceAcked?: string;
  versionAcked?: string;
  lastSentAt?: number;
  lastAckedAt?: number;
  lastNack?: NackRecord;
  /** Delta only: the version of each resource the proxy holds (immutable: often shared between streams). */
  resourceVersions?: ReadonlyMap<string, string>;
  /** Number of responses sent for this type on this connection. */
  responses: number;
}

/** `names` is kept as given when it is a set (the server passes shared ones), else copied. */
export function newWatch(typeUrl: string, names: Iterable<string>, wildcard: boolean): WatchedResource {
  return { typeUrl, names: names instanceof Set ? names : new Set(names), wildcard, responses: 0 };
}
