// A fixed-rate HTTP/1.1 keep-alive load driver (Debian's wrk has no `-R`): sends GETs at a steady
// rate over a few connections and prints latency percentiles as JSON. Latency is measured from the
// moment a request was due, not when a connection became free, so a stall is not hidden
// (no coordinated omission). Usage: node paced-driver.js PORT RPS SECONDS [CONNECTIONS] [PATH]
// (PACED_HOST: the address to dial, default 127.0.0.1).
import { connect, type Socket } from 'node:net';

const [port, rps, seconds, conns = 16, path = '/'] = [
  Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4]),
  Number(process.argv[5] ?? 16), process.argv[6] ?? '/',
];
const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: bench.local\r\nUser-Agent: paced-driver\r\n\r\n`);

interface Conn { socket: Socket; due: number; busy: boolean; buf: Buffer; }

const latencies: number[] = [];
let errors = 0;
let nonOk = 0;
const backlog: number[] = [];
const idle: Conn[] = [];

function onResponseDone(c: Conn): void {
  latencies.push(performance.now() - c.due);
  c.busy = false;
  const next = backlog.shift();
  if (next !== undefined) send(c, next);
  else idle.push(c);
}

function send(c: Conn, due: number): void {
  c.busy = true;
  c.due = due;
  c.socket.write(request);
}

function parse(c: Conn): void {
  // Responses are small and fixed-length (Content-Length); chunked is not needed for the backends used.
  for (;;) {
    const end = c.buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = c.buf.toString('latin1', 0, end);
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    const len = m ? Number(m[1]) : 0;
    if (c.buf.length < end + 4 + len) return;
    if (!head.startsWith('HTTP/1.1 200')) nonOk++;
    c.buf = c.buf.subarray(end + 4 + len);
    onResponseDone(c);
  }
}

async function open(): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, process.env.PACED_HOST ?? '127.0.0.1');
    socket.setNoDelay(true);
    const c: Conn = { socket, due: 0, busy: false, buf: Buffer.alloc(0) };
    socket.once('connect', () => resolve(c));
    socket.once('error', (e) => { errors++; reject(e); });
    socket.on('data', (d: Buffer) => { c.buf = c.buf.length === 0 ? d : Buffer.concat([c.buf, d]); parse(c); });
    socket.on('close', () => { if (c.busy) errors++; });
  });
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const all = await Promise.all(Array.from({ length: conns }, open));
  idle.push(...all);
  const interval = 1000 / rps;
  const start = performance.now();
  const total = Math.round(rps * seconds);
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        const due = start + sent * interval;
        const c = idle.pop();
        if (c) send(c, due);
        else backlog.push(due);
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const deadline = performance.now() + 5000;
  while (latencies.length + errors < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const elapsed = (performance.now() - start) / 1000;
  for (const c of all) c.socket.destroy();
  const s = latencies.sort((a, b) => a - b);
  console.log(JSON.stringify({
    requests: s.length, errors, nonOk, rps: s.length / elapsed,
    p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99), max: s[s.length - 1],
  }));
}

main().catch((e) => { console.error(e); process.exit(1); });
