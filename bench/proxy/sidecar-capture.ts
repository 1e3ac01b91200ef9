// The config istiod pushes to one sidecar of the control-plane benchmark's mesh (bench/istiod/
// mesh-gen.ts: N Services with EndpointSlices, Pods, VirtualServices and DestinationRules), captured
// over delta ADS as Envoy would subscribe (CDS + LDS wildcard, then EDS for every EDS cluster and RDS
// for every route name) and kept as the encoded Anys istiod sent. The proxy memory benchmark serves
// these bytes to pilot-agent, so the proxy decodes exactly what a real sidecar would receive.
import * as grpc from '@grpc/grpc-js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdsClient, TypeUrl, jsonToStruct, type Any__Output } from '../../src/xds-api/index.js';
import { generateMesh, sidecarNodes, type MeshShape } from '../istiod/mesh-gen.js';
import { edsNameOf, rdsNamesOf } from '../istiod/xds-refs.js';

export type CapturedConfig = Record<string, Array<{ name: string; resource: Any__Output }>>;

const here = dirname(fileURLToPath(import.meta.url));
const fromSource = import.meta.url.endsWith('.ts');
const ISTIOD = join(here, fromSource ? '../../src/bin/istiod.ts' : '../../src/bin/istiod.js');
const TYPES = [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration];

/** Reads a capture written by `captureSidecarConfig`, or captures and writes it when `file` is missing. */
export async function sidecarConfig(services: number, file: string): Promise<CapturedConfig> {
  if (existsSync(file)) {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Array<{ name: string; type_url: string; value: string }>>;
    return Object.fromEntries(Object.entries(raw).map(([t, rs]) => [t, rs.map((r) => ({ name: r.name, resource: { type_url: r.type_url, value: Buffer.from(r.value, 'base64') } }))]));
  }
  const cfg = await captureSidecarConfig(services);
  const raw = Object.fromEntries(Object.entries(cfg).map(([t, rs]) => [t, rs.map((r) => ({ name: r.name, type_url: r.resource.type_url, value: Buffer.from(r.resource.value).toString('base64') }))]));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(raw));
  return cfg;
}

/** Starts istiod on a generated mesh of `services` services, captures one sidecar's full config, stops istiod. */
export async function captureSidecarConfig(services: number, timeoutMs = 120_000): Promise<CapturedConfig> {
  const shape: MeshShape = { services, namespaces: 20, routedEvery: 5 };
  const mesh = generateMesh(shape);
  const dir = await mkdtemp(join(tmpdir(), 'istio-ts-bench-capture-'));
  let child: ChildProcess | undefined;
  try {
    for (const [rel, text] of mesh.files) {
      await mkdir(dirname(join(dir, rel)), { recursive: true });
      await writeFile(join(dir, rel), text);
    }
    const args = [...(fromSource ? ['--import', 'tsx'] : []), ISTIOD, '--configDir', dir, '--grpcAddr', '127.0.0.1:0', '--monitoringAddr', '127.0.0.1:0'];
    child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const grpcAddr = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child!.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const line = buf.split('\n').find((l) => l.includes('"istiod listening"'));
        if (line) resolve((JSON.parse(line) as { grpcAddr: string }).grpcAddr);
      });
      child!.once('exit', (code) => reject(new Error(`istiod exited (${code}) before listening`)));
    });
    // The second pod: its service (svc-0001) is not routed by a VirtualService, like most workloads.
    const node = sidecarNodes(mesh.pods, 4)[3];
    return await fetchAll(grpcAddr, node, timeoutMs);
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child!.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    await rm(dir, { recursive: true, force: true });
  }
}

function fetchAll(addr: string, node: { id: string; namespace: string; labels: Record<string, string> }, timeoutMs: number): Promise<CapturedConfig> {
  const client = new AdsClient(addr, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': -1 });
  const held = new Map<string, Map<string, Any__Output>>(TYPES.map((t) => [t, new Map()]));
  const awaiting = new Set<string>();
  return new Promise<CapturedConfig>((resolve, reject) => {
    const timer = setTimeout(() => { stream.cancel(); reject(new Error(`capture timed out; awaiting ${[...awaiting].join(', ')}`)); }, timeoutMs);
    const stream = client.DeltaAggregatedResources();
    let first = true;
    const send = (type: string, fields: Record<string, unknown>, expect: boolean): void => {
      const msg: Record<string, unknown> = { type_url: type, ...fields };
      if (first) {
        msg.node = {
          id: node.id, cluster: `${node.labels.app ?? 'unknown'}.${node.namespace}`,
          metadata: jsonToStruct({ NAMESPACE: node.namespace, LABELS: node.labels, ISTIO_VERSION: '1.24.0', INTERCEPTION_MODE: 'REDIRECT', CLUSTER_ID: 'Kubernetes' }),
        };
        first = false;
      }
      if (expect) awaiting.add(type);
      stream.write(msg as never);
    };
    stream.on('error', (e: Error) => { clearTimeout(timer); reject(e); });
    stream.on('data', (r: { type_url: string; nonce: string; resources: Array<{ name: string; resource: Any__Output }> }) => {
      awaiting.delete(r.type_url);
      const mine = held.get(r.type_url)!;
      for (const x of r.resources) mine.set(x.name, x.resource);
      if (r.type_url === TypeUrl.Cluster) {
        const eds = r.resources.map((x) => edsNameOf(x.name, x.resource.value)).filter((n): n is string => n !== undefined);
        if (eds.length > 0) send(TypeUrl.ClusterLoadAssignment, { resource_names_subscribe: eds }, true);
      } else if (r.type_url === TypeUrl.Listener) {
        const rds = [...new Set(r.resources.flatMap((x) => rdsNamesOf(x.resource.value)))];
        if (rds.length > 0) send(TypeUrl.RouteConfiguration, { resource_names_subscribe: rds }, true);
      }
      send(r.type_url, { response_nonce: r.nonce }, false);
      if (awaiting.size === 0 && held.get(TypeUrl.Cluster)!.size > 0 && held.get(TypeUrl.Listener)!.size > 0) {
        clearTimeout(timer);
        stream.cancel();
        client.close();
        resolve(Object.fromEntries([...held].map(([t, m]) => [t, [...m].map(([name, resource]) => ({ name, resource }))])));
      }
    });
    send(TypeUrl.Cluster, {}, true);
    send(TypeUrl.Listener, {}, true);
  });
}
