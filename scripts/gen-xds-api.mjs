#!/usr/bin/env node
// Regenerates src/xds-api/gen/ from the Envoy v3 protos that ship in @grpc/grpc-js-xds's deps/:
//   gen/descriptor.ts   the protobufjs JSON descriptor (one string; parsing .proto files at start-up
//                       costs ~300 ms, this costs ~45 ms), field names kept in snake_case
//   gen/<pkg>/<Type>.ts TypeScript types from proto-loader-gen-types, pruned to what the roots reach
// `node scripts/gen-xds-api.mjs` rewrites gen/; `--check` regenerates into a temp dir and exits 1 on
// any difference (run by src/xds-api/gen-check.test.ts), `--out DIR` writes elsewhere.
import { spawnSync } from 'node:child_process';
import { accessSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GEN = join(REPO, 'src', 'xds-api', 'gen');
const XDS_PKG = dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
const DEPS = join(XDS_PKG, 'deps');
const INCLUDE_DIRS = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => join(DEPS, d));

/** Every .proto istio-ts encodes or decodes (their imports come along). */
export const PROTO_FILES = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/secret/v3/sds.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/route/v3/scoped_route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/transport_sockets/raw_buffer/v3/raw_buffer.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/network/rbac/v3/rbac.proto',
  'envoy/extensions/filters/network/ext_authz/v3/ext_authz.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/rbac/v3/rbac.proto',
  'envoy/extensions/filters/http/fault/v3/fault.proto',
  'envoy/extensions/filters/http/cors/v3/cors.proto',
  'envoy/extensions/filters/http/jwt_authn/v3/config.proto',
  'envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.proto',
  'envoy/extensions/filters/http/ext_authz/v3/ext_authz.proto',
  'envoy/extensions/filters/http/grpc_web/v3/grpc_web.proto',
  'envoy/extensions/filters/http/grpc_stats/v3/config.proto',
  'envoy/extensions/retry/host/previous_hosts/v3/previous_hosts.proto',
  'envoy/extensions/retry/priority/previous_priorities/v3/previous_priorities_config.proto',
  'envoy/extensions/filters/listener/original_dst/v3/original_dst.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/filters/listener/http_inspector/v3/http_inspector.proto',
  'envoy/extensions/filters/listener/proxy_protocol/v3/proxy_protocol.proto',
  'envoy/extensions/access_loggers/file/v3/file.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/config/rbac/v3/rbac.proto',
  'google/rpc/status.proto',
];

/** Messages whose TypeScript types we keep; everything they do not reach is pruned. */
export const TYPE_ROOTS = [
  'envoy.service.discovery.v3.AggregatedDiscoveryService',
  'envoy.service.discovery.v3.DiscoveryRequest',
  'envoy.service.discovery.v3.DiscoveryResponse',
  'envoy.service.discovery.v3.DeltaDiscoveryRequest',
  'envoy.service.discovery.v3.DeltaDiscoveryResponse',
  'envoy.service.discovery.v3.Resource',
  'envoy.config.core.v3.Node',
  'envoy.config.listener.v3.Listener',
  'envoy.config.route.v3.RouteConfiguration',
  'envoy.config.cluster.v3.Cluster',
  'envoy.config.endpoint.v3.ClusterLoadAssignment',
  'envoy.extensions.transport_sockets.tls.v3.Secret',
  'envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
  'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
  'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
  'envoy.extensions.filters.network.rbac.v3.RBAC',
  'envoy.extensions.filters.http.router.v3.Router',
  'envoy.extensions.filters.http.rbac.v3.RBAC',
  'envoy.extensions.filters.http.rbac.v3.RBACPerRoute',
  'envoy.extensions.filters.http.fault.v3.HTTPFault',
  'envoy.extensions.filters.http.cors.v3.Cors',
  'envoy.extensions.filters.http.cors.v3.CorsPolicy',
  'envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication',
  'envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
  'envoy.extensions.filters.listener.original_dst.v3.OriginalDst',
  'envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
  'envoy.extensions.filters.listener.http_inspector.v3.HttpInspector',
  'envoy.extensions.access_loggers.file.v3.FileAccessLog',
  'envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
  'google.rpc.Status',
];

const HEADER = '// DO NOT EDIT. Generated by scripts/gen-xds-api.mjs from @grpc/grpc-js-xds deps/ protos.\n';

function findProto(target) {
  for (const d of INCLUDE_DIRS) {
    const p = join(d, target);
    try {
      accessSync(p);
      return p;
    } catch {
      // next include dir
    }
  }
  return target;
}

/** Drops comments and the options protobufjs never consults when encoding (validate rules, docs). */
function stripDescriptor(node) {
  if (Array.isArray(node)) return node.map(stripDescriptor);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'comment') continue;
    if (k === 'options') {
      const keep = Object.fromEntries(Object.entries(v).filter(([ok]) => ok === 'packed' || ok === 'proto3_optional'));
      if (Object.keys(keep).length > 0) out.options = keep;
      continue;
    }
    out[k] = stripDescriptor(v);
  }
  return out;
}

function buildDescriptor() {
  const protobuf = require('protobufjs');
  // descriptor.proto is not among protobufjs's bundled "common" files; proto-loader adds it the same way.
  protobuf.common('descriptor', require('protobufjs/google/protobuf/descriptor.json').nested.google.nested.protobuf.nested);
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => findProto(target);
  root.loadSync(PROTO_FILES, { keepCase: true });
  root.resolveAll();
  for (const name of TYPE_ROOTS) if (!root.lookup(name)) fail(`type root ${name} not found in the loaded protos`);
  return JSON.stringify(stripDescriptor(root.toJSON()));
}

function fail(msg) {
  console.error(`gen-xds-api: ${msg}`);
  process.exit(2);
}

function* walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}

function generateTypes(outDir) {
  const raw = mkdtempSync(join(tmpdir(), 'xds-gen-raw-'));
  try {
    const res = spawnSync(process.execPath, [
      require.resolve('@grpc/proto-loader/build/bin/proto-loader-gen-types.js'),
      '--keepCase', '--longs', 'String', '--enums', 'String', '--defaults', '--oneofs',
      ...PROTO_FILES, '--grpcLib', '@grpc/grpc-js', '--importFileExtension', '.js', '-O', raw,
      '--includeDirs', ...INCLUDE_DIRS,
    ], { encoding: 'utf8' });
    if (res.status !== 0) fail(`proto-loader-gen-types failed:\n${res.stderr}`);
    // Keep only files reachable from TYPE_ROOTS by following the generated imports.
    const seen = new Set();
    const queue = TYPE_ROOTS.map((t) => `${t.replaceAll('.', '/')}.ts`);
    while (queue.length > 0) {
      const rel = queue.pop();
      if (seen.has(rel)) continue;
      seen.add(rel);
      const text = readFileSync(join(raw, rel), 'utf8');
      for (const m of text.matchAll(/from '(\.[^']+)\.js'/g)) {
        queue.push(relative(raw, resolve(dirname(join(raw, rel)), `${m[1]}.ts`)));
      }
    }
    for (const rel of [...seen].sort()) {
      const text = readFileSync(join(raw, rel), 'utf8')
        // The source path depends on where node_modules sits; keep the part inside deps/.
        .replace(/^\/\/ Original file: .*?deps\/[^/]+\//gm, '// Original file: ');
      mkdirSync(dirname(join(outDir, rel)), { recursive: true });
      writeFileSync(join(outDir, rel), HEADER + text);
    }
    return seen.size;
  } finally {
    rmSync(raw, { recursive: true, force: true });
  }
}

export function generate(outDir) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const json = buildDescriptor();
  writeFileSync(join(outDir, 'descriptor.ts'), `${HEADER}// protobufjs JSON for ${PROTO_FILES.length} Envoy protos and their imports (snake_case field names).\nexport const ENVOY_DESCRIPTOR_JSON: string = ${JSON.stringify(json)};\n`);
  return generateTypes(outDir) + 1;
}

/** Lists differing files between two trees (relative paths). */
function diffTrees(a, b) {
  const list = (d) => new Set([...walk(d)].map((p) => relative(d, p)));
  const fa = list(a);
  const fb = list(b);
  const out = [];
  for (const f of new Set([...fa, ...fb])) {
    if (!fa.has(f) || !fb.has(f)) out.push(`${f}: ${fa.has(f) ? 'missing from fresh generation' : 'not committed'}`);
    else if (!readFileSync(join(a, f)).equals(readFileSync(join(b, f)))) out.push(`${f}: content differs`);
  }
  return out.sort();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out');
  if (args.includes('--check')) {
    const tmp = mkdtempSync(join(tmpdir(), 'xds-gen-check-'));
    try {
      generate(tmp);
      const diffs = diffTrees(GEN, tmp);
      if (diffs.length > 0) {
        console.error(`gen-xds-api: src/xds-api/gen is stale; run \`node scripts/gen-xds-api.mjs\`:\n  ${diffs.slice(0, 20).join('\n  ')}`);
        process.exit(1);
      }
      console.log('gen-xds-api: src/xds-api/gen is up to date');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  } else {
    const out = outIdx >= 0 ? resolve(args[outIdx + 1]) : GEN;
    const n = generate(out);
    console.log(`gen-xds-api: wrote ${n} files to ${relative(REPO, out) || out}`);
  }
}
