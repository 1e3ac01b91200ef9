// RDS golden tests: testdata/route/<case>.in.yaml → <case>.out.yaml (route configs the case's
// listeners reference). Every route configuration must encode as an Envoy RouteConfiguration.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encodeAny, TypeUrl } from '../../../xds-api/index.js';
import { generatePush } from '../../simulation/harness.js';
import { checkGolden, goldenCases } from '../endpoint/golden-fixture.js';
import { buildListeners, referencedRouteNames } from '../listener/index.js';
import { buildRoutes } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const DIR = join(here.replace(/([\\/])dist[\\/]src[\\/]/, '$1src$1'), '..', 'testdata', 'route');

for (const c of goldenCases(DIR)) {
  test(`RDS golden: ${c.name}`, () => {
    // The whole push for this case must be consistent, not only the part this file shows.
    generatePush(c);
    const names = referencedRouteNames(buildListeners(c.proxy, c.push));
    const routes = buildRoutes(c.proxy, c.push, names);
    assert.deepEqual(routes.map((r) => r.name), names);
    for (const r of routes) assert.doesNotThrow(() => encodeAny(TypeUrl.RouteConfiguration, r), `route ${r.name} does not encode`);
    checkGolden(DIR, c.name, routes);
  });
}
