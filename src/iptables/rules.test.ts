// Golden tests: each case's `--dry-run` output (the iptables-restore input per family) must equal
// testdata/<case>.golden; REFRESH_GOLDEN=1 rewrites the files. The goldens were checked by hand
// against Istio's own istio-iptables goldens for the same flags.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { istioIptablesMain } from './main.js';

const here = dirname(fileURLToPath(import.meta.url));
// Sources run from src/, compiled tests from dist/src/: testdata stays beside the sources.
const DIR = join(here.replace(/([\\/])dist[\\/]src[\\/]/, '$1src$1'), 'testdata');

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  readonly ipv6Host?: boolean;
  readonly resolvConf?: string;
}

const SIDECAR = ['-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020'];

const CASES: readonly Case[] = [
  { name: 'empty', args: [] },
  { name: 'sidecar-injected-default', args: SIDECAR },
  { name: 'inbound-ports-include', args: ['-b', '32000,31000'] },
  { name: 'inbound-wildcard-exclude', args: ['-b', '*', '-d', '22,80,443'] },
  { name: 'outbound-ports-exclude', args: ['-o', '22,80,443'] },
  { name: 'outbound-ports-exclude-single', args: ['-o', '22'] },
  { name: 'outbound-ports-include', args: ['-q', '32000,31000'] },
  { name: 'ip-range', args: ['-i', '9.9.0.0/16', '-x', '1.1.0.0/16', '-u', '3,4', '-g', '1,2'] },
  { name: 'ipnets-invalid-skipped', args: ['-i', '10.0.0.0/8,not-a-cidr,172.16.0.0/12'] },
  { name: 'loopback-outbound-iprange', args: ['-i', '127.1.2.3/32'] },
  { name: 'kube-virt-interfaces', args: ['-k', 'eth1,eth2', '-i', '10.0.0.0/8'] },
  { name: 'kube-virt-interfaces-wildcard', args: ['-k', 'eth1', '-i', '*'] },
  { name: 'exclude-nic', args: ['-c', 'not-istio-nic', '-i', '*', '-b', '*'] },
  { name: 'custom-ports-and-uid', args: ['-p', '16001', '-z', '16006', '-e', '16008', '-u', '2000', '-g', '3000', '-i', '*', '-b', '*'] },
  { name: 'tproxy', args: ['-m', 'TPROXY', '-b', '*', '-i', '9.9.0.0/16', '-x', '1.1.0.0/16', '-c', 'not-istio-nic'] },
  { name: 'inbound-ports-tproxy', args: ['-m', 'TPROXY', '-b', '32000,31000'] },
  { name: 'ipv6-dual-stack', args: [...SIDECAR, '--dual-stack'] },
  { name: 'ipv6-host-ipnets', args: ['-i', '10.0.0.0/8,fd00::/8', '-x', '10.1.0.0/16,fd01::/16', '-b', '*'], ipv6Host: true },
  { name: 'ipv6-tproxy', args: ['-m', 'TPROXY', '-b', '*', '-i', '*', '--dual-stack'] },
  { name: 'dns-capture-all', args: ['-i', '*', '--redirect-dns', '--capture-all-dns'] },
  { name: 'dns-resolv-conf', args: ['-i', '*', '--redirect-dns', '--dual-stack'], resolvConf: '# comment\nnameserver 127.0.0.53\nnameserver fd00::53\nsearch svc.cluster.local\n' },
  { name: 'dns-no-servers-disabled', args: ['-i', '*', '--redirect-dns'], resolvConf: 'search example.com\n' },
  { name: 'owner-groups-include', args: ['-i', '*'], env: { ISTIO_OUTBOUND_OWNER_GROUPS: 'java,202' } },
  { name: 'owner-groups-exclude', args: ['-i', '*'], env: { ISTIO_OUTBOUND_OWNER_GROUPS_EXCLUDE: '888,ftp' } },
  { name: 'drop-invalid', args: ['-i', '*', '--drop-invalid'] },
  { name: 'env-fallbacks', args: [], env: { ENVOY_PORT: '17001', ISTIO_SERVICE_CIDR: '*', ISTIO_INBOUND_PORTS: '9080', ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR: '127.0.0.1/8' } },
  { name: 'long-flags', args: ['--envoy-port=15001', '--istio-service-cidr', '*', '--istio-inbound-ports=*', '--istio-local-exclude-ports', '8443', '--proxy-uid=1337'] },
  { name: 'clean-dry-run', args: ['clean', ...SIDECAR] },
];

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function dryRun(c: Case): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await istioIptablesMain([...c.args, '--dry-run'], {
    stdout,
    stderr,
    env: c.env ?? {},
    hostIsIpv6: () => c.ipv6Host ?? false,
    resolvConf: () => c.resolvConf ?? '',
    run: () => Promise.reject(new Error('dry run must not run commands')),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

for (const c of CASES) {
  test(`istio-iptables --dry-run golden: ${c.name}`, async () => {
    const r = await dryRun(c);
    assert.equal(r.code, 0, r.stderr);
    const quoted = c.args.map((a) => (a === '' || /[\s*]/.test(a) ? `'${a}'` : a)).join(' ');
    const env = Object.entries(c.env ?? {}).map(([k, v]) => `${k}=${v} `).join('');
    const actual = `# ${env}pilot-agent istio-iptables ${quoted} --dry-run\n${r.stderr.split('\n').filter(Boolean).map((l) => `# stderr: ${l}\n`).join('')}${r.stdout}`;
    const file = join(DIR, `${c.name}.golden`);
    if (process.env.REFRESH_GOLDEN === '1') {
      writeFileSync(file, actual);
      return;
    }
    assert.ok(existsSync(file), `${file} is missing; run with REFRESH_GOLDEN=1 to create it`);
    assert.equal(actual, readFileSync(file, 'utf8'), `${c.name}: output differs from ${file} (REFRESH_GOLDEN=1 rewrites it)`);
  });
}

test('every golden file belongs to a case', async () => {
  const { readdirSync } = await import('node:fs');
  const names = new Set(CASES.map((c) => `${c.name}.golden`));
  assert.deepEqual(readdirSync(DIR).filter((f) => f.endsWith('.golden') && !names.has(f)), []);
});
