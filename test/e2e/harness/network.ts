// Hosts as Linux network namespaces on one Ethernet segment. The bridge lives in its own
// "switch" namespace, so nothing is added to the machine's root namespace (no bridge there, no
// routes, no host iptables in the path), and deleting our namespaces removes every veth and
// the bridge with them. Names carry a per-run prefix with the owning PID, so a later run can
// find and remove what a crashed run left behind.
import { existsSync, rmSync } from 'node:fs';
import { check, exec, sleep } from './exec.js';
import { Host } from './host.js';

export const NAME_PREFIX = 'itse2e';
const NS_RE = new RegExp(`^${NAME_PREFIX}-(\\d+)-`);

export interface NetworkOptions {
  /** Host names; each gets an address in the subnet, in order (.1, .2, ...). */
  readonly hosts: readonly string[];
  /** First three octets of a private /24 used only inside these namespaces. Default 10.250.0. */
  readonly subnet?: string;
}

let runCounter = 0;

/** Why the namespace tests cannot run here, or false when they can (use as `skip`). */
export function e2eSkipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root: network namespaces';
  if (process.platform !== 'linux') return 'needs Linux: network namespaces';
  for (const bin of ['ip', 'iptables-restore', 'iptables-save', 'setpriv']) {
    const found = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((d) => existsSync(`${d}/${bin}`));
    if (!found) return `needs ${bin} (apt-get install -y iproute2 iptables util-linux)`;
  }
  return false;
}

export class Network {
  readonly hosts = new Map<string, Host>();
  private closed = false;

  private constructor(
    readonly id: string,
    readonly switchNs: string,
    readonly subnet: string,
  ) {}

  /** Creates the switch and every host; on any failure, removes whatever was created. */
  static async create(opts: NetworkOptions): Promise<Network> {
    await cleanStale();
    const id = `${NAME_PREFIX}-${process.pid}-${++runCounter}`;
    const net = new Network(id, `${id}-sw`, opts.subnet ?? '10.250.0');
    try {
      await check('ip', ['netns', 'add', net.switchNs]);
      const inSw = (...a: string[]) => check('ip', ['-n', net.switchNs, ...a]);
      await inSw('link', 'set', 'lo', 'up');
      await inSw('link', 'add', 'br0', 'type', 'bridge');
      await inSw('link', 'set', 'br0', 'up');
      let index = 0;
      for (const name of opts.hosts) {
        index++;
        const ns = `${id}-${name}`;
        const ip = `${net.subnet}.${index}`;
        await check('ip', ['netns', 'add', ns]);
        const host = new Host(name, ns, ip);
        net.hosts.set(name, host);
        // Both veth ends are created in the switch namespace, then one moves into the host.
        const port = `p${index}`;
        await inSw('link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0');
        await inSw('link', 'set', 'eth0', 'netns', ns);
        await inSw('link', 'set', port, 'master', 'br0');
        await inSw('link', 'set', port, 'up');
        const inHost = (...a: string[]) => check('ip', ['-n', ns, ...a]);
        await inHost('link', 'set', 'lo', 'up');
        await inHost('addr', 'add', `${ip}/24`, 'dev', 'eth0');
        await inHost('link', 'set', 'eth0', 'up');
      }
      return net;
    } catch (err) {
      await net.close();
      throw err;
    }
  }

  host(name: string): Host {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no host "${name}" in ${this.id}`);
    return h;
  }

  /**
   * Stops every process the hosts started (by PID), then any other process still inside our
   * namespaces, then deletes the namespaces (which removes veths and the bridge). Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.hosts.values()].map((h) => h.stopAll()));
    await removeNamespaces([...[...this.hosts.values()].map((h) => h.ns), this.switchNs]);
  }
}

async function removeNamespaces(names: readonly string[]): Promise<void> {
  for (const ns of names) {
    const pids = await exec('ip', ['netns', 'pids', ns]);
    for (const pid of pids.stdout.split(/\s+/).filter(Boolean).map(Number)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const ns of names) {
    // A per-namespace /etc/hosts (see mesh.ts) lives beside the namespace and goes with it.
    rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
    for (let i = 0; i < 5; i++) {
      const r = await exec('ip', ['netns', 'del', ns]);
      if (r.code === 0 || /No such file/.test(r.stderr)) break;
      await sleep(100);
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes namespaces left by harness runs whose process no longer exists. */
export async function cleanStale(): Promise<string[]> {
  const list = await exec('ip', ['netns', 'list']);
  const stale: string[] = [];
  for (const line of list.stdout.split('\n')) {
    const name = line.split(' ')[0];
    const m = NS_RE.exec(name);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) stale.push(name);
  }
  if (stale.length > 0) await removeNamespaces(stale);
  return stale;
}
