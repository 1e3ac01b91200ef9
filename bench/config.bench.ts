// Config ingestion: (a) parse + validate + index 10,000 objects (median of several runs), and
// (b) reload latency of the watched --configDir after one file among 1,000 changes (write → new
// snapshot, median and p90). `npm run bench config`. Bounded: well under a minute.
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultRegistry } from '../src/api/kinds.js';
import { FileConfigSource } from '../src/config/file-source.js';
import { ingestFile, mergeFiles } from '../src/config/ingest.js';
import { ConfigStore } from '../src/config/store.js';

const OBJECTS = 10_000;
const FILES = 1_000;
const PER_FILE = OBJECTS / FILES;
const PARSE_RUNS = 5;
const CHANGES = 20;
const NAMESPACES = 20;

type Gen = (i: number, salt: number) => string;

// One generator per kind; a kind is used only once the registry serves it.
const GENERATORS: { group: string; kind: string; gen: Gen }[] = [
  { group: 'networking.istio.io', kind: 'VirtualService', gen: (i, salt) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: vs-${i}
  namespace: ns-${i % NAMESPACES}
spec:
  hosts:
  - svc-${i}
  http:
  - match:
    - uri:
        prefix: /api/v${salt}
      headers:
        x-user:
          exact: tester
    route:
    - destination:
        host: svc-${i}
        subset: v2
        port:
          number: 9080
      weight: 20
    - destination:
        host: svc-${i}
        subset: v1
        port:
          number: 9080
      weight: 80
    timeout: 5s
    retries:
      attempts: 3
      perTryTimeout: 2s
  - route:
    - destination:
        host: svc-${i}
        subset: v1
` },
  { group: 'networking.istio.io', kind: 'DestinationRule', gen: (i, salt) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: dr-${i}
  namespace: ns-${i % NAMESPACES}
spec:
  host: svc-${i}
  trafficPolicy:
    connectionPool:
      tcp:
        maxConnections: ${100 + salt}
    outlierDetection:
      consecutive5xxErrors: 5
      interval: 10s
      baseEjectionTime: 30s
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
` },
  { group: 'networking.istio.io', kind: 'ServiceEntry', gen: (i, salt) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: se-${i}
  namespace: ns-${i % NAMESPACES}
spec:
  hosts:
  - ext-${i}.example.com
  location: MESH_EXTERNAL
  ports:
  - number: ${443 + (salt % 2)}
    name: https
    protocol: TLS
  resolution: DNS
` },
  { group: 'networking.istio.io', kind: 'WorkloadEntry', gen: (i, salt) => `apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata:
  name: we-${i}
  namespace: ns-${i % NAMESPACES}
  labels:
    app: svc-${i}
    version: v1
spec:
  address: 10.${(i >> 8) & 255}.${i & 255}.${salt % 250}
  ports:
    http: 9080
  serviceAccount: sa-${i}
` },
  { group: '', kind: 'Service', gen: (i, salt) => `apiVersion: v1
kind: Service
metadata:
  name: svc-${i}
  namespace: ns-${i % NAMESPACES}
spec:
  selector:
    app: svc-${i}
  ports:
  - name: http
    port: 9080
    targetPort: ${9080 + (salt % 2)}
` },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}
function p90(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.9) - 1)];
}
const ms = (x: number) => `${x.toFixed(1)} ms`;

const registry = defaultRegistry();
const kinds = GENERATORS.filter((g) => registry.get(g.group, g.kind));
if (kinds.length === 0) throw new Error('no benchmark kind is registered');

function fileText(f: number, salt: number): string {
  const docs: string[] = [];
  for (let j = 0; j < PER_FILE; j++) {
    const i = f * PER_FILE + j;
    docs.push(kinds[i % kinds.length].gen(i, salt));
  }
  return docs.join('---\n');
}

// BENCH_CONFIG_ONLY_GENERATE=DIR writes the data set to DIR (to profile or to feed istiod) and stops.
const only = process.env.BENCH_CONFIG_ONLY_GENERATE;
const dir = only ? resolve(only) : await mkdtemp(join(tmpdir(), 'istio-ts-bench-config-'));
try {
  if (only) await mkdir(dir, { recursive: true });
  for (let f = 0; f < FILES; f++) await writeFile(join(dir, `f${String(f).padStart(4, '0')}.yaml`), fileText(f, 1));
  if (only) {
    console.log(`wrote ${OBJECTS} objects in ${FILES} files to ${dir}`);
    process.exit(0);
  }
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${loadavg()[0].toFixed(1)}`);
  console.log(`objects: ${OBJECTS} in ${FILES} files; kinds: ${kinds.map((k) => k.kind).join(', ')}`);

  // (a) parse + validate + index, from text already in memory; reading the files is timed apart.
  const names = (await readdir(dir)).sort();
  const t0 = performance.now();
  const texts = await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')));
  const readMs = performance.now() - t0;
  const runs: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < PARSE_RUNS; r++) {
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const states = names.map((n, k) => ingestFile(n, texts[k], { registry, defaultNamespace: 'default' }));
    const merged = mergeFiles(states);
    const snap = new ConfigStore().replace(merged.configs);
    runs.push(performance.now() - start);
    const used = process.cpuUsage(cpu0);
    cpu.push((used.user + used.system) / 1000);
    const problems = states.flatMap((s) => s.problems).filter((p) => p.severity === 'error');
    if (snap.size !== OBJECTS || problems.length > 0) {
      throw new Error(`expected ${OBJECTS} valid objects, got ${snap.size}; first problem: ${JSON.stringify(problems[0])}`);
    }
  }
  console.log(`(a) parse+validate+index ${OBJECTS}: median ${ms(median(runs))} of ${PARSE_RUNS} runs [${runs.map((x) => x.toFixed(0)).join(', ')}] (aim < 1000 ms), CPU median ${ms(median(cpu))}; reading ${FILES} files: ${ms(readMs)}`);

  // (b) reload latency: one file changes, time until the new snapshot is published.
  for (const debounceMs of [10, 100]) {
    const src = new FileConfigSource({ dir, debounceMs });
    const startT = performance.now();
    await src.start();
    const startMs = performance.now() - startT;
    if (src.store.snapshot().size !== OBJECTS) throw new Error(`watched source holds ${src.store.snapshot().size} objects`);
    const lat: number[] = [];
    const changes = debounceMs === 10 ? CHANGES : 5;
    for (let c = 0; c < changes; c++) {
      const f = (c * 37) % FILES;
      const salt = 2 + c + debounceMs; // never rewrite identical text: that is not a change
      const before = src.store.snapshot().version;
      const published = src.store.waitFor((s) => s.version > before, 5000);
      const t = performance.now();
      await writeFile(join(dir, `f${String(f).padStart(4, '0')}.yaml`), fileText(f, salt));
      await published;
      lat.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 60));
    }
    await src.stop();
    console.log(`(b) reload after 1 of ${FILES} files changes, debounce ${debounceMs} ms: median ${ms(median(lat))}, p90 ${ms(p90(lat))} over ${changes} changes (initial load incl. watch setup ${ms(startMs)})`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
