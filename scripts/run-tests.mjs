#!/usr/bin/env node
// Runs every compiled test (dist/**/*.test.js) with node:test. Arguments narrow the run to files
// whose path contains any of them: `npm test -- proxy/router` (the build still runs first).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (p.endsWith('.test.js')) yield p;
  }
}

const filters = process.argv.slice(2);
const files = [...walk('dist')]
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`run-tests: no test files match ${filters.join(' ') || 'dist/**/*.test.js'}`);
  process.exit(1);
}
const root = typeof process.getuid === 'function' && process.getuid() === 0;
console.log(
  root
    ? 'run-tests: running as root: network-namespace end-to-end tests included'
    : 'run-tests: NOT root: network-namespace end-to-end tests will be SKIPPED (run `sudo npm test` to include them)',
);
const res = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', '--test-concurrency=2', '--test-timeout=240000', ...files],
  { stdio: 'inherit', env: { ...process.env, ISTIO_TS_TEST: '1' } },
);
process.exit(res.status ?? 1);
