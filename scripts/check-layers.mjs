#!/usr/bin/env node
// Enforces the import direction of ARCHITECTURE.md "Layers": a file under src/<layer>/ may import
// only from the layers listed for it. Run by `npm run build`; a forbidden import fails the build.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which layers each layer may import (itself is always allowed). */
export const ALLOWED = {
  shared: [],
  'xds-api': ['shared'],
  api: ['shared'],
  ca: ['shared'],
  iptables: ['shared'],
  config: ['shared', 'api'],
  pilot: ['shared', 'api', 'config', 'xds-api'],
  xds: ['shared', 'api', 'config', 'pilot', 'xds-api'],
  proxy: ['shared', 'xds-api'],
  cli: ['shared', 'api', 'config', 'xds-api'],
  demo: [],
  bin: ['*'],
};

const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s[^'"`]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(=])import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules' && name !== 'testdata') yield* walk(p);
    } else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) {
      yield p;
    }
  }
}

/** Returns one message per forbidden import under `srcDir`. */
export function checkLayers(srcDir) {
  const problems = [];
  for (const file of walk(srcDir)) {
    const layer = relative(srcDir, file).split(sep)[0];
    const allowed = ALLOWED[layer];
    if (!allowed) {
      problems.push(`${file}: folder src/${layer} is not a known layer (add it to ALLOWED in scripts/check-layers.mjs and to ARCHITECTURE.md)`);
      continue;
    }
    if (allowed.includes('*')) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (!spec.startsWith('.')) continue;
      const target = relative(srcDir, resolve(dirname(file), spec));
      if (target.startsWith('..')) {
        problems.push(`${file}: imports ${spec}, outside src/`);
        continue;
      }
      const targetLayer = target.split(sep)[0];
      if (targetLayer !== layer && !allowed.includes(targetLayer)) {
        const line = text.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0);
        problems.push(`${file}:${line}: layer '${layer}' must not import '${targetLayer}' (${spec}); allowed: ${allowed.join(', ') || 'none'}`);
      }
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const srcDir = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'src'));
  const problems = checkLayers(srcDir);
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(`check-layers: ${problems.length} forbidden import(s)`);
    process.exit(1);
  }
}
