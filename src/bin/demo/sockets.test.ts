import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { bindProblem, socketProblems } from './sockets.js';

test('socketProblems: a held port is reported with its owner; a free one is not', async () => {
  const held = createServer();
  await new Promise<void>((r) => held.listen(0, '127.0.0.1', r));
  const port = (held.address() as AddressInfo).port;
  try {
    assert.equal(await bindProblem('127.0.0.1', port), 'EADDRINUSE');
    assert.deepEqual(await socketProblems([{ ip: '127.0.0.1', port, owner: 'x sidecar' }, { ip: '127.0.0.1', port: 0, owner: 'free' }]), [
      `127.0.0.1:${port} for x sidecar is already in use (another demo still running? \`ss -ltnp\` shows who holds it)`,
    ]);
  } finally {
    held.close();
  }
  assert.equal(await bindProblem('127.0.0.1', port), undefined);
  assert.deepEqual(await socketProblems([{ ip: '192.0.2.1', port: 1, owner: 'y' }]), [
    '192.0.2.1:1 for y is not an address of this machine (Linux routes all of 127.0.0.0/8 to lo; elsewhere add it to the loopback interface)',
  ]);
});
