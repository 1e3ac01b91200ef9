// A fixed-rate driver where every request opens its own connection (`Connection: close`), so each
// one pays the capture path: a REDIRECT, a conntrack NAT entry and an SO_ORIGINAL_DST lookup.
// Fixed rate and count, not saturation: under REDIRECT the proxy holds TIME_WAIT for every
// connection it closed, keyed by the client's port, while the client picks ports without seeing
// them (they are on 127.0.0.1:15001, not the address it dialled); once the client wraps its
// ephemeral range inside 60 s, new connects collide with those and stall (istio/istio#43301).
// Latency runs from the moment a request was due and includes the connect. Prints JSON.
//   PACED_HOST=IP node churn-driver.js PORT RPS SECONDS
import { connect } from 'node:net';

const host = process.env.PACED_HOST ?? '127.0.0.1';
const [port, rps, seconds] = [Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4])];
const request = Buffer.from(`GET / HTTP/1.1\r\nHost: bench.local\r\nUser-Agent: churn-driver\r\nConnection: close\r\n\r\n`);

const latencies: number[] = [];
let errors = 0;
let nonOk = 0;

function one(due: number): void {
  const socket = connect(port, host);
  socket.setNoDelay(true);
  const chunks: Buffer[] = [];
  let failed = false;
  socket.once('connect', () => socket.write(request));
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.once('error', () => { failed = true; });
  socket.once('close', () => {
    const res = Buffer.concat(chunks);
    if (failed || res.length === 0) {
      errors++;
      return;
    }
    if (!res.subarray(0, 12).toString('latin1').startsWith('HTTP/1.1 200')) nonOk++;
    latencies.push(performance.now() - due);
  });
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const interval = 1000 / rps;
  const total = Math.round(rps * seconds);
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) one(start + interval * sent++);
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const deadline = performance.now() + 5000;
  while (latencies.length + errors < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const s = latencies.sort((a, b) => a - b);
  console.log(JSON.stringify({
    requests: s.length, errors: total - s.length, nonOk,
    p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99), max: s[s.length - 1],
  }));
}

main().catch((e) => { console.error(e); process.exit(1); });
