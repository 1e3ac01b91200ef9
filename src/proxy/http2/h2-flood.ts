// Flood and abuse limits of one HTTP/2 connection, as Envoy's http2_protocol_options set them
// (its ProtocolConstraints): frames queued for a peer that does not read (all frames, and the
// PING/SETTINGS-ACK/RST_STREAM answers an attacker can make us send), consecutive frames with an
// empty payload, PRIORITY and WINDOW_UPDATE frames beyond what the streams and DATA justify; and
// the Rapid Reset (CVE-2023-44487) budget of Envoy's connection manager: once half of a
// connection's streams (at least 250 of 500) were reset by the client within a second of opening
// and before any response, the connection is closed. Counters use Envoy's `http2.*` names.
import type { Http2ProtocolOptions } from '../config/types.js';
import type { KeepaliveOptions } from './h2-keepalive.js';

/** Envoy's HTTP/2 codec counters (`http2.*` downstream, `cluster.<name>.http2.*` upstream). */
export class H2CodecStats {
  outbound_flood = 0;
  outbound_control_flood = 0;
  inbound_empty_frames_flood = 0;
  inbound_priority_frames_flood = 0;
  inbound_window_update_frames_flood = 0;
  keepalive_timeout = 0;
  rx_reset = 0;
  tx_reset = 0;
  goaway_sent = 0;
  trailers = 0;
}

export interface FloodLimits {
  readonly maxOutboundFrames: number;
  readonly maxOutboundControlFrames: number;
  readonly maxConsecutiveEmptyFrames: number;
  readonly maxPriorityFramesPerStream: number;
  readonly maxWindowUpdatesPerDataFrameSent: number;
}

/** Envoy's defaults (`http2_protocol_options`). */
export const ENVOY_FLOOD_LIMITS: FloodLimits = {
  maxOutboundFrames: 10_000,
  maxOutboundControlFrames: 1_000,
  maxConsecutiveEmptyFrames: 1,
  maxPriorityFramesPerStream: 100,
  maxWindowUpdatesPerDataFrameSent: 10,
};

/** Envoy's runtime defaults `overload.premature_reset_total_stream_count` / `..._min_stream_lifetime_seconds`. */
export const PREMATURE_RESET_STREAMS = 500;
export const PREMATURE_RESET_LIFETIME_MS = 1000;

export type Flood = 'outbound' | 'outbound_control' | 'empty_frames' | 'priority' | 'window_update';

/**
 * Frame accounting for one connection. Outbound frames count from the moment they are queued until
 * the socket has written the write that carried them; a peer that stops reading therefore makes
 * them pile up, and the connection is dropped before they take unbounded memory.
 */
export class FloodGuard {
  /** Frames in the batch being built (not yet handed to the socket). */
  batchFrames = 0;
  batchControl = 0;
  private pendingFrames = 0;
  private pendingControl = 0;
  /** Per socket write, its frame counts, released in order as writes complete. */
  private readonly inFlight: number[] = [];
  private consecutiveEmpty = 0;
  private priorityFrames = 0;
  private windowUpdates = 0;
  private inboundStreams = 0;
  outboundDataFrames = 0;
  // Rapid Reset
  private closedStreams = 0;
  private prematureResets = 0;

  constructor(readonly limits: FloodLimits, readonly stats: H2CodecStats) {}

  /** A frame was queued; the flood it causes, if any. */
  queued(control: boolean): Flood | undefined {
    this.batchFrames++;
    if (control) this.batchControl++;
    if (this.pendingFrames + this.batchFrames > this.limits.maxOutboundFrames) {
      this.stats.outbound_flood++;
      return 'outbound';
    }
    if (control && this.pendingControl + this.batchControl > this.limits.maxOutboundControlFrames) {
      this.stats.outbound_control_flood++;
      return 'outbound_control';
    }
    return undefined;
  }

  /** The batch leaves as one socket write; `written` is called when it has. */
  handedToSocket(): void {
    this.pendingFrames += this.batchFrames;
    this.pendingControl += this.batchControl;
    this.inFlight.push(this.batchFrames, this.batchControl);
    this.batchFrames = 0;
    this.batchControl = 0;
  }

  readonly written = (): void => {
    const frames = this.inFlight.shift() ?? 0;
    const control = this.inFlight.shift() ?? 0;
    this.pendingFrames -= frames;
    this.pendingControl -= control;
  };

  /** An inbound DATA/HEADERS/CONTINUATION frame (`payload` after padding). */
  inboundMessageFrame(payload: number, endStream: boolean, endHeaders: boolean): Flood | undefined {
    if (endHeaders) this.inboundStreams++;
    if (payload === 0 && !endStream) this.consecutiveEmpty++;
    else this.consecutiveEmpty = 0;
    if (this.consecutiveEmpty > this.limits.maxConsecutiveEmptyFrames) {
      this.stats.inbound_empty_frames_flood++;
      return 'empty_frames';
    }
    return undefined;
  }

  inboundPriority(): Flood | undefined {
    this.priorityFrames++;
    if (this.priorityFrames > this.limits.maxPriorityFramesPerStream * (1 + this.inboundStreams)) {
      this.stats.inbound_priority_frames_flood++;
      return 'priority';
    }
    return undefined;
  }

  inboundWindowUpdate(): Flood | undefined {
    this.windowUpdates++;
    if (this.windowUpdates > 1 + 2 * (this.inboundStreams + this.limits.maxWindowUpdatesPerDataFrameSent * this.outboundDataFrames)) {
      this.stats.inbound_window_update_frames_flood++;
      return 'window_update';
    }
    return undefined;
  }

  /**
   * A peer-opened stream closed; `premature`: the peer reset it within a second and before any
   * response. True when the connection has used up its premature-reset budget (Envoy's rule:
   * half of at least 500 streams, or 250 premature resets whatever the total).
   */
  streamClosed(premature: boolean): boolean {
    this.closedStreams++;
    if (premature) this.prematureResets++;
    const limit = PREMATURE_RESET_STREAMS;
    if (this.closedStreams < limit) return this.prematureResets * 2 >= limit;
    return this.prematureResets * 2 >= this.closedStreams;
  }
}

/** The flood limits and keepalive an `http2_protocol_options` asks for, Envoy's defaults filled in. */
export function protectionOptions(o: Http2ProtocolOptions | undefined, stats: H2CodecStats): { flood: FloodLimits; stats: H2CodecStats; keepalive?: KeepaliveOptions } {
  const d = ENVOY_FLOOD_LIMITS;
  const flood: FloodLimits = o === undefined ? d : {
    maxOutboundFrames: o.maxOutboundFrames ?? d.maxOutboundFrames,
    maxOutboundControlFrames: o.maxOutboundControlFrames ?? d.maxOutboundControlFrames,
    maxConsecutiveEmptyFrames: o.maxConsecutiveInboundFramesWithEmptyPayload ?? d.maxConsecutiveEmptyFrames,
    maxPriorityFramesPerStream: o.maxInboundPriorityFramesPerStream ?? d.maxPriorityFramesPerStream,
    maxWindowUpdatesPerDataFrameSent: o.maxInboundWindowUpdateFramesPerDataFrameSent ?? d.maxWindowUpdatesPerDataFrameSent,
  };
  const k = o?.connectionKeepalive;
  if (k === undefined) return { flood, stats };
  return { flood, stats, keepalive: { intervalMs: k.intervalMs, timeoutMs: k.timeoutMs, jitterPercent: k.intervalJitterPercent, idleIntervalMs: k.connectionIdleIntervalMs } };
}

/** `cluster.<name>.http2` counters by cluster, registered by whoever builds clusters. */
const clusterStats = new WeakMap<object, H2CodecStats>();

export function registerClusterH2Stats(clusterStatsHolder: object, h2: H2CodecStats): void {
  clusterStats.set(clusterStatsHolder, h2);
}

export function clusterH2Stats(clusterStatsHolder: object): H2CodecStats {
  let s = clusterStats.get(clusterStatsHolder);
  if (s === undefined) {
    s = new H2CodecStats();
    clusterStats.set(clusterStatsHolder, s);
  }
  return s;
}
