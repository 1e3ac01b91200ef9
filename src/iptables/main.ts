// `pilot-agent istio-iptables [clean] [flags]`: parse Istio's flags, build Istio's rules, then
// print them (--dry-run), apply them, or remove them (clean / --cleanup-only).
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import type { Writable } from 'node:stream';
import { IstioTsError } from '../shared/index.js';
import { applyRules, cleanRules, spawnRunner, type Runner } from './apply.js';
import { parseArgs, usage, type CaptureConfig } from './config.js';
import { renderRestore } from './rule-set.js';
import { buildRules } from './rules.js';

export interface IptablesIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly run: Runner;
  readonly hostIsIpv6: () => boolean;
  readonly resolvConf: () => string;
}

const defaultIO = (): IptablesIO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  run: spawnRunner,
  hostIsIpv6: firstAddressIsIpv6,
  resolvConf: () => readFileSync('/etc/resolv.conf', 'utf8'),
});

/** Entry point for `pilot-agent istio-iptables ...` (argv after the sub-command name). */
export async function istioIptablesMain(argv: string[], io: Partial<IptablesIO> = {}): Promise<number> {
  const o: IptablesIO = { ...defaultIO(), ...io };
  let cfg: CaptureConfig;
  try {
    const parsed = parseArgs(argv, { env: o.env, hostIsIpv6: o.hostIsIpv6(), resolvConf: o.resolvConf });
    if (parsed.help) {
      o.stdout.write(usage());
      return 0;
    }
    cfg = parsed.config;
  } catch (err) {
    if (err instanceof IstioTsError) {
      o.stderr.write(`Error: ${err.message}\n\n${usage()}`);
      return 2;
    }
    throw err;
  }
  const { rules, warnings } = buildRules(cfg);
  for (const w of warnings) o.stderr.write(`istio-iptables: warning: ${w}\n`);
  if (cfg.dryRun) {
    o.stdout.write(renderDryRun(cfg, rules));
    return 0;
  }
  const log = { info: (m: string) => void o.stderr.write(`istio-iptables: ${m}\n`) };
  try {
    if (cfg.cleanupOnly) {
      await cleanRules(cfg, rules, o.run);
      log.info('removed Istio iptables chains and rules');
    } else {
      await applyRules(cfg, rules, o.run, log);
    }
    return 0;
  } catch (err) {
    o.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

/**
 * What --dry-run prints: the exact iptables-restore input per family, each headed by a comment
 * naming the command that would read it (comments are valid restore input, so the IPv4 part can
 * be piped straight into `iptables-restore --noflush`).
 */
export function renderDryRun(cfg: CaptureConfig, rules: ReturnType<typeof buildRules>['rules']): string {
  if (cfg.cleanupOnly) return '# clean: would remove the rules below and every ISTIO_* chain\n' + body();
  return body();
  function body(): string {
    let out = `# iptables-restore --noflush\n${renderRestore(rules.rules('v4'))}`;
    if (cfg.enableIpv6) out += `# ip6tables-restore --noflush\n${renderRestore(rules.rules('v6'))}`;
    return out;
  }
}

function firstAddressIsIpv6(): boolean {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv6' && /^fe[89ab]/i.test(a.address)) continue; // link-local
      return a.family === 'IPv6';
    }
  }
  return false;
}
