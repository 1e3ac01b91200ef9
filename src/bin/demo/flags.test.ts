import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlagError, parseDemoFlags } from './flags.js';

test('parseDemoFlags', () => {
  const defaults = { grpcAddr: '127.0.10.1:15010', monitoringAddr: '127.0.10.1:15014', help: false };
  const cases: Array<[string[], object]> = [
    [[], defaults],
    [['--configDir', 'my/dir', '--logDir=/tmp/l'], { ...defaults, configDir: 'my/dir', logDir: '/tmp/l' }],
    [['--grpcAddr', '127.0.20.1:15010', '--monitoringAddr=127.0.20.1:0'], { ...defaults, grpcAddr: '127.0.20.1:15010', monitoringAddr: '127.0.20.1:0' }],
    [['-h'], { ...defaults, help: true }],
  ];
  for (const [argv, want] of cases) assert.deepEqual(parseDemoFlags(argv), want, argv.join(' '));
  const bad: Array<[string[], string]> = [
    [['--nope'], 'unknown flag: --nope'],
    [['configDir'], 'unknown flag: configDir'],
    [['--configDir'], 'flag needs an argument: --configDir'],
    [['--logDir='], 'flag needs an argument: --logDir'],
  ];
  for (const [argv, msg] of bad) assert.throws(() => parseDemoFlags(argv), (e: Error) => e instanceof FlagError && e.message === msg, argv.join(' '));
});
