// Golden tests: testdata/endpoint/<case>.in.yaml → <case>.out.yaml (the `clusters` the case names).
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encodeAny, TypeUrl } from '../../../xds-api/index.js';
import { generatePush } from '../../simulation/harness.js';
import { checkGolden, goldenCases } from './golden-fixture.js';
import { buildEndpoints } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const DIR = join(here.replace(/([\\/])dist[\\/]src[\\/]/, '$1src$1'), '..', 'testdata', 'endpoint');

for (const c of goldenCases(DIR)) {
  test(`EDS golden: ${c.name}`, () => {
    // The whole push for this case must be consistent, not only the part this file shows.
    generatePush(c);
    const out = buildEndpoints(c.proxy, c.push, c.clusters ?? [], { mesh: c.mesh });
    for (const cla of out) assert.doesNotThrow(() => encodeAny(TypeUrl.ClusterLoadAssignment, cla), `${cla.cluster_name} does not encode`);
    checkGolden(DIR, c.name, out);
  });
}
