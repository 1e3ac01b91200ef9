// Applying and removing the capture rules on this host (or the network namespace the process
// runs in): iptables-restore --noflush per family, `ip rule`/`ip route` for TPROXY, and a clean-up
// that also removes Istio chains left by an earlier run with different flags.
import { spawn } from 'node:child_process';
import type { CaptureConfig } from './config.js';
import { BUILT_IN_CHAINS, builtInDeletes, renderRestore, type Family, type Rule, type Table } from './rule-set.js';
import { INBOUND_PASSTHROUGH_SOURCE } from './rules.js';
import type { RuleSet } from './rule-set.js';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs an external command; injected so tests can record instead of touching the kernel. */
export type Runner = (cmd: string, args: readonly string[], stdin?: string) => Promise<RunResult>;

export const spawnRunner: Runner = (cmd, args, stdin) =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => resolve({ code: 127, stdout, stderr: stderr + String(err.message) }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin ?? '');
  });

const BIN = {
  v4: { iptables: 'iptables', save: 'iptables-save', restore: 'iptables-restore' },
  v6: { iptables: 'ip6tables', save: 'ip6tables-save', restore: 'ip6tables-restore' },
} as const;

export class ApplyError extends Error {
  constructor(message: string, readonly result: RunResult) {
    super(`${message}: ${result.stderr.trim() || `exit ${result.code}`}`);
    this.name = 'ApplyError';
  }
}

export interface ApplyLog {
  info(msg: string): void;
}

/** Installs the rules: removes any previous Istio chains first, as Istio's reconcile does. */
export async function applyRules(cfg: CaptureConfig, rules: RuleSet, run: Runner, log: ApplyLog): Promise<void> {
  const families: Family[] = cfg.enableIpv6 ? ['v4', 'v6'] : ['v4'];
  for (const f of families) {
    const existing = istioChains(await save(f, run));
    if (existing.size > 0) {
      log.info(`${BIN[f].save}: found existing Istio chains; removing them before applying`);
      await cleanFamily(f, rules.rules(f), run);
    }
    const input = renderRestore(rules.rules(f));
    if (input === '') continue;
    log.info(`${BIN[f].restore} --noflush:\n${input.trimEnd()}`);
    const res = await run(BIN[f].restore, ['--noflush'], input);
    if (res.code !== 0) throw new ApplyError(`${BIN[f].restore} failed`, res);
  }
  if (cfg.enableIpv6) {
    // IPv6 lo only holds ::1/128, so the proxy's passthrough source ::6 has to be added.
    const res = await run('ip', ['-6', 'addr', 'add', INBOUND_PASSTHROUGH_SOURCE.v6, 'dev', 'lo']);
    if (res.code !== 0 && !/exists/i.test(res.stderr)) throw new ApplyError('ip -6 addr add ::6/128 dev lo failed', res);
  }
  if (cfg.mode === 'TPROXY' && cfg.inboundPortsInclude !== '') {
    for (const f of families) {
      for (const args of tproxyRouteCommands(cfg, f, 'add')) {
        const res = await run('ip', args);
        if (res.code !== 0 && !/exists/i.test(res.stderr)) throw new ApplyError(`ip ${args.join(' ')} failed`, res);
      }
    }
  }
}

/** Removes our rules and every Istio chain; never fails on something already gone. */
export async function cleanRules(cfg: CaptureConfig, rules: RuleSet, run: Runner): Promise<void> {
  const families: Family[] = cfg.enableIpv6 ? ['v4', 'v6'] : ['v4'];
  for (const f of families) await cleanFamily(f, rules.rules(f), run);
  if (cfg.mode === 'TPROXY') {
    for (const f of families) {
      for (const args of tproxyRouteCommands(cfg, f, 'del')) await run('ip', args);
    }
  }
}

/** The policy routing TPROXY needs: marked packets are delivered locally through lo. */
export function tproxyRouteCommands(cfg: CaptureConfig, f: Family, op: 'add' | 'del'): string[][] {
  const fam = f === 'v4' ? 'inet' : 'inet6';
  return [
    ['-f', fam, 'rule', op, 'fwmark', cfg.inboundTproxyMark, 'lookup', cfg.inboundTproxyRouteTable],
    ['-f', fam, 'route', op, 'local', 'default', 'dev', 'lo', 'table', cfg.inboundTproxyRouteTable],
  ];
}

async function save(f: Family, run: Runner): Promise<string> {
  const res = await run(BIN[f].save, []);
  if (res.code !== 0) throw new ApplyError(`${BIN[f].save} failed`, res);
  return res.stdout;
}

/** ISTIO_* chains per table, from iptables-save output. */
export function istioChains(saved: string): Map<Table, Set<string>> {
  const out = new Map<Table, Set<string>>();
  let table: Table | undefined;
  for (const line of saved.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim() as Table;
    else if (table && line.startsWith(':ISTIO_')) {
      let s = out.get(table);
      if (!s) out.set(table, (s = new Set()));
      s.add(line.slice(1).split(' ')[0]);
    }
  }
  return out;
}

/** Rules in built-in chains that jump to an ISTIO_* chain, as `-D` argument lists. */
export function jumpsToIstio(saved: string): string[][] {
  const out: string[][] = [];
  let table: string | undefined;
  for (const line of saved.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    const m = /^-A (\S+) (.*)$/.exec(line);
    if (!table || !m || !BUILT_IN_CHAINS.has(m[1])) continue;
    if (!/(^| )-j ISTIO_\S+$/.test(m[2])) continue;
    out.push(['-t', table, '-D', m[1], ...splitSaved(m[2])]);
  }
  return out;
}

/** iptables-save quotes arguments with spaces (comments); undo that for argv. */
function splitSaved(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of s.matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]);
  return out;
}

async function cleanFamily(f: Family, rules: readonly Rule[], run: Runner): Promise<void> {
  const ipt = BIN[f].iptables;
  // Our rules in built-in chains; repeated while present, in case rules were applied twice.
  for (const args of builtInDeletes(rules)) {
    for (let i = 0; i < 8; i++) if ((await run(ipt, args)).code !== 0) break;
  }
  const saved = await save(f, run);
  for (const args of jumpsToIstio(saved)) await run(ipt, args);
  // Every chain we create is an ISTIO_* chain; removing all of them also clears what an earlier
  // run with other flags left behind.
  const chains = istioChains(saved);
  // Flush every chain before deleting any: Istio chains jump to each other.
  for (const [t, cs] of chains) for (const c of cs) await run(ipt, ['-t', t, '-F', c]);
  for (const [t, cs] of chains) for (const c of cs) await run(ipt, ['-t', t, '-X', c]);
}
