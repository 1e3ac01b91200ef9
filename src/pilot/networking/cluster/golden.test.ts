// Golden tests: testdata/cluster/<case>.in.yaml → <case>.out.yaml. Every cluster must also encode
// as an Envoy Cluster (proves field names and types are valid protobuf).
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encodeAny, TypeUrl } from '../../../xds-api/index.js';
import { buildEndpoints } from '../endpoint/index.js';
import { generatePush } from '../../simulation/harness.js';
import { checkGolden, goldenCases } from '../endpoint/golden-fixture.js';
import { buildClusters } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
// Sources run from src/, compiled tests from dist/src/: testdata stays beside the sources.
const DIR = join(here.replace(/([\\/])dist[\\/]src[\\/]/, '$1src$1'), '..', 'testdata', 'cluster');

for (const c of goldenCases(DIR)) {
  test(`CDS golden: ${c.name}`, () => {
    // The whole push for this case must be consistent, not only the part this file shows.
    generatePush(c);
    const clusters = buildClusters(c.proxy, c.push, { mesh: c.mesh });
    for (const cl of clusters) assert.doesNotThrow(() => encodeAny(TypeUrl.Cluster, cl), `cluster ${cl.name} does not encode`);
    const shown = c.clusters ? clusters.filter((cl) => c.clusters?.includes(cl.name ?? '')) : clusters;
    // Snapshot consistency: every EDS cluster can be answered by the endpoint generator.
    const eds = clusters.filter((cl) => cl.type === 'EDS').map((cl) => cl.eds_cluster_config?.service_name ?? '');
    for (const cla of buildEndpoints(c.proxy, c.push, eds, { mesh: c.mesh })) encodeAny(TypeUrl.ClusterLoadAssignment, cla);
    checkGolden(DIR, c.name, shown);
  });
}
