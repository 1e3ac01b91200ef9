// The MeshConfig fields cluster and endpoint translation read, with Istio's defaults filled in:
// connect timeout, auto mTLS, mesh-wide locality load balancing, HTTP/2 upgrade, TCP keepalive,
// DNS refresh, inbound traffic policy and TLS defaults.
import { DEFAULT_MESH_CONFIG, type MeshConfig } from '../../../api/mesh/index.js';
import { parseDuration } from '../../../shared/index.js';
import type { LocalitySetting } from './locality-lb.js';

export interface TcpKeepaliveSettings {
  readonly probes?: number;
  /** Milliseconds. */
  readonly timeMs?: number;
  readonly intervalMs?: number;
}

export interface TranslationMesh {
  readonly connectTimeoutMs: number;
  readonly enableAutoMtls: boolean;
  /** Mesh-wide locality settings; undefined when disabled. */
  readonly localityLbSetting?: LocalitySetting;
  readonly h2UpgradePolicy: 'DO_NOT_UPGRADE' | 'UPGRADE';
  readonly tcpKeepalive?: TcpKeepaliveSettings;
  readonly dnsRefreshRateMs: number;
  /** PASSTHROUGH (Istio's default): inbound clusters dial the pod IP; LOCALHOST: 127.0.0.1. */
  readonly inboundTrafficPolicyMode: 'PASSTHROUGH' | 'LOCALHOST';
  readonly tlsDefaults?: { readonly ecdhCurves?: readonly string[]; readonly cipherSuites?: readonly string[] };
  readonly trustDomain: string;
}

const cache = new WeakMap<object, TranslationMesh>();

function ms(text: string | undefined, fallback: string): number {
  return parseDuration(text ?? fallback) ?? (parseDuration(fallback) as number);
}

function keepalive(raw: unknown): TcpKeepaliveSettings | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const k = raw as { probes?: number; time?: string; interval?: string };
  return {
    ...(k.probes !== undefined ? { probes: k.probes } : {}),
    ...(k.time !== undefined ? { timeMs: parseDuration(k.time) } : {}),
    ...(k.interval !== undefined ? { intervalMs: parseDuration(k.interval) } : {}),
  };
}

/**
 * Reads a MeshConfig (already merged over Istio's defaults, or partial: missing fields take
 * Istio's defaults). Memoised per object, since every proxy's push reads the same mesh.
 */
export function translationMesh(mesh: MeshConfig = DEFAULT_MESH_CONFIG): TranslationMesh {
  const hit = cache.get(mesh);
  if (hit) return hit;
  const d = DEFAULT_MESH_CONFIG;
  const loc = mesh.localityLbSetting ?? d.localityLbSetting;
  const out: TranslationMesh = {
    connectTimeoutMs: ms(mesh.connectTimeout, d.connectTimeout ?? '10s'),
    enableAutoMtls: mesh.enableAutoMtls ?? d.enableAutoMtls ?? true,
    ...(loc && loc.enabled !== false ? {
      localityLbSetting: {
        ...(loc.distribute ? { distribute: loc.distribute } : {}),
        ...(loc.failover ? { failover: loc.failover } : {}),
        ...(loc.failoverPriority ? { failoverPriority: loc.failoverPriority } : {}),
      },
    } : {}),
    h2UpgradePolicy: mesh.h2UpgradePolicy ?? 'DO_NOT_UPGRADE',
    ...(keepalive(mesh.tcpKeepalive) ? { tcpKeepalive: keepalive(mesh.tcpKeepalive) } : {}),
    dnsRefreshRateMs: ms(mesh.dnsRefreshRate, d.dnsRefreshRate ?? '60s'),
    inboundTrafficPolicyMode: mesh.inboundTrafficPolicy?.mode ?? 'PASSTHROUGH',
    ...(mesh.tlsDefaults ? { tlsDefaults: mesh.tlsDefaults } : {}),
    trustDomain: mesh.trustDomain || d.trustDomain || 'cluster.local',
  };
  cache.set(mesh, out);
  return out;
}
