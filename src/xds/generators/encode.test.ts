import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypeUrl } from '../../xds-api/index.js';
import { assemble, assembleWith, encodeResource, sharedPart } from './encode.js';

const cluster = (name: string, timeout = 1) => encodeResource(TypeUrl.Cluster, name, { name, connect_timeout: { seconds: timeout } });

test('assembleWith: the shared part plus own resources, sorted, first of a name wins, versioned by content', () => {
  const shared = [cluster('outbound|80||b'), cluster('outbound|80||a'), cluster('outbound|80||a', 2), cluster('outbound|80||d')];
  const own = [cluster('inbound|8080||'), cluster('outbound|80||b', 3), cluster('zz'), cluster('inbound|8080||', 4)];
  const part = sharedPart(shared);
  const got = assembleWith(part, own);
  // What assemble gives for the same list with duplicates dropped (shared before own).
  const want = assemble([shared[0], shared[1], shared[3], own[0], own[2]]);
  assert.deepEqual(got.resources, want.resources);
  assert.equal(assembleWith(sharedPart(shared), [...own].reverse()).version !== got.version, true, 'which duplicate comes first matters');
  assert.equal(assembleWith(sharedPart([...shared]), own).version, got.version, 'same content, same version');
  assert.notEqual(assembleWith(part, [cluster('inbound|8080||', 9)]).version, got.version);
  assert.notEqual(assembleWith(sharedPart([cluster('outbound|80||a', 7)]), own).version, assembleWith(sharedPart([cluster('outbound|80||a')]), own).version);
  assert.deepEqual(assembleWith(sharedPart([]), []).resources, []);
});
