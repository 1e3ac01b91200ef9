// LDS golden tests: testdata/listener/<case>.in.yaml → <case>.out.yaml. Every listener must
// encode as an Envoy Listener.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encodeAny, TypeUrl } from '../../../xds-api/index.js';
import { generatePush } from '../../simulation/harness.js';
import { checkGolden, goldenCases } from '../endpoint/golden-fixture.js';
import { buildListeners } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const DIR = join(here.replace(/([\\/])dist[\\/]src[\\/]/, '$1src$1'), '..', 'testdata', 'listener');

for (const c of goldenCases(DIR)) {
  test(`LDS golden: ${c.name}`, () => {
    // The whole push for this case must be consistent, not only the part this file shows.
    generatePush(c);
    const listeners = buildListeners(c.proxy, c.push);
    for (const l of listeners) assert.doesNotThrow(() => encodeAny(TypeUrl.Listener, l), `listener ${l.name} does not encode`);
    checkGolden(DIR, c.name, listeners);
  });
}
