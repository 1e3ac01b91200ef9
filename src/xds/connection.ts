// One ADS stream from one proxy: its parsed identity, its watches, and the stream to write to.
import type { Proxy } from '../pilot/model/proxy.js';
import { shortTypeName } from '../xds-api/index.js';
import type { WatchedResource } from './watch.js';

export type StreamKind = 'sotw' | 'delta';

export interface TypeSyncStatus {
  type: string;
  typeUrl: string;
  wildcard: boolean;
  names: string[];
  sentVersion?: string;
  sentNonce?: string;
  ackedVersion?: string;
  ackedNonce?: string;
  responses: number;
  lastNack?: { message: string; code: number; nonce: string; keptVersion: string };
  /** ACKED when the last response was acknowledged, NACKED when rejected, STALE while one is outstanding. */
  state: 'ACKED' | 'NACKED' | 'STALE' | 'NOT_SENT';
}

export interface SyncStatus {
  connectionId: string;
  proxyId: string;
  nodeId: string;
  proxyType: string;
  stream: StreamKind;
  connectedAt: number;
  types: TypeSyncStatus[];
}

export class Connection {
  readonly watches = new Map<string, WatchedResource>();
  closed = false;

  constructor(
    readonly id: string,
    readonly proxy: Proxy,
    readonly kind: StreamKind,
    readonly connectedAt: number,
    /** Resolves when the stream has taken the message (backpressure); void when it was not written. */
    readonly write: (msg: object) => Promise<void> | void,
  ) {}

  syncStatus(): SyncStatus {
    return {
      connectionId: this.id,
      proxyId: this.proxy.id,
      nodeId: this.proxy.nodeId,
      proxyType: this.proxy.type,
      stream: this.kind,
      connectedAt: this.connectedAt,
      types: [...this.watches.values()].map((w) => ({
        type: shortTypeName(w.typeUrl),
        typeUrl: w.typeUrl,
        wildcard: w.wildcard,
        names: [...w.names].sort(),
        sentVersion: w.versionSent,
        sentNonce: w.nonceSent,
        ackedVersion: w.versionAcked,
        ackedNonce: w.nonceAcked,
        responses: w.responses,
        lastNack: w.lastNack && { message: w.lastNack.message, code: w.lastNack.code, nonce: w.lastNack.nonce, keptVersion: w.lastNack.keptVersion },
        state: w.nonceSent === undefined ? 'NOT_SENT'
          : w.lastNack?.nonce === w.nonceSent ? 'NACKED'
            : w.nonceAcked === w.nonceSent ? 'ACKED' : 'STALE',
      })),
    };
  }
}
