import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlagError, ISTIOD_DEFAULTS, parseIstiodFlags, parseListenAddress } from './flags.js';

test('flags: Istio names, both value forms, the discovery subcommand, defaults', () => {
  const f = parseIstiodFlags(['discovery', '--configDir', '/cfg', '--grpcAddr=127.0.0.1:0', '-monitoringAddr', ':0', '--log_output_level', 'xds:debug']);
  assert.deepEqual(f, { ...ISTIOD_DEFAULTS, configDir: '/cfg', grpcAddr: '127.0.0.1:0', monitoringAddr: ':0', logOutputLevel: 'xds:debug' });
  assert.deepEqual(parseIstiodFlags([]), { ...ISTIOD_DEFAULTS });
  assert.equal(parseIstiodFlags(['--help']).help, true);
});

test('flags: errors name the flag', () => {
  const cases: Array<[string[], string]> = [
    [['--bogus'], 'unknown flag: --bogus'],
    [['--configDir'], 'flag needs an argument: --configDir'],
    [['stray'], 'unexpected argument "stray"'],
  ];
  for (const [argv, msg] of cases) assert.throws(() => parseIstiodFlags(argv), (e: unknown) => e instanceof FlagError && e.message === msg, argv.join(' '));
});

test('addresses: :port is every interface, host:port and [v6]:port as written, port 0 allowed', () => {
  const cases: Array<[string, { host: string; port: number } | RegExp]> = [
    [':15010', { host: '0.0.0.0', port: 15010 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['[::1]:15014', { host: '::1', port: 15014 }],
    ['localhost:8080', { host: 'localhost', port: 8080 }],
    ['15010', /invalid address "15010"/],
    ['host:99999', /port out of range/],
  ];
  for (const [addr, want] of cases) {
    if (want instanceof RegExp) assert.throws(() => parseListenAddress(addr), want, addr);
    else assert.deepEqual(parseListenAddress(addr), want, addr);
  }
});
