// The client simulator as its own process (so that istiod's CPU is attributable), driven by the
// benchmark over the fork() IPC channel: one request → one reply, matched by id.
import { Simulator, type Phase, type SimNode } from './ads-sim.js';

export type SimCommand =
  | { cmd: 'connect'; address: string; nodes: SimNode[]; channels: number; timeoutMs: number }
  | { cmd: 'arm'; phase: Phase }
  | { cmd: 'collect'; timeoutMs: number }
  | { cmd: 'stats' }
  | { cmd: 'close' };

export interface SimRequest { id: number; command: SimCommand }
export interface SimReply { id: number; result?: unknown; error?: string }

let sim: Simulator | undefined;

async function handle(c: SimCommand): Promise<unknown> {
  switch (c.cmd) {
    case 'connect': {
      if (sim) throw new Error('already connected');
      sim = new Simulator({ address: c.address, nodes: c.nodes, channels: c.channels });
      const r = await sim.connect(c.timeoutMs, (n, ms) => process.stderr.write(`  simulator: ${n}/${c.nodes.length} clients synced after ${(ms / 1000).toFixed(0)} s\n`));
      return { ...r, stats: sim.stats(), cpu: process.cpuUsage() };
    }
    case 'arm':
      need().arm(c.phase);
      return {};
    case 'collect': {
      const { times, unexpected } = await need().collect(c.timeoutMs);
      return { times, unexpected, stats: need().stats() };
    }
    case 'stats':
      return { stats: need().stats(), cpu: process.cpuUsage(), rssMiB: process.memoryUsage().rss / 2 ** 20 };
    case 'close':
      sim?.close();
      setTimeout(() => process.exit(0), 50);
      return {};
  }
}

function need(): Simulator {
  if (!sim) throw new Error('not connected');
  return sim;
}

process.on('message', (m: SimRequest) => {
  handle(m.command).then(
    (result) => process.send!({ id: m.id, result } satisfies SimReply),
    (err: unknown) => process.send!({ id: m.id, error: (err as Error).stack ?? String(err) } satisfies SimReply),
  );
});
// The parent going away must not leave 2,000 streams open.
process.on('disconnect', () => {
  sim?.close();
  process.exit(0);
});
