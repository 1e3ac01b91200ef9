// `istioctl version`: the client's version (package.json's), in istioctl's forms: `client version: X`
// by default, the bare version with `--remote=false`, or `-o json|yaml`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command, CommandIO } from './command.js';

/** Found by walking up from this module: it runs from `src/cli` (tsx) and `dist/src/cli`. */
export function clientVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'istio-ts' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here; keep walking up
    }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

const HELP = `Prints out build version information

Usage:
  istioctl version [flags]

Flags:
  -h, --help            help for version
  -o, --output string   One of 'yaml' or 'json'.
      --remote          Use --remote=false to suppress control plane check (default true)
  -s, --short           Use --short=false to generate full version information (default true)
`;

async function run(args: readonly string[], io: CommandIO): Promise<number> {
  let remote = true;
  let output = '';
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].startsWith('--') && args[i].includes('=') ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)] : [args[i], undefined];
    if (name === '-h' || name === '--help') {
      io.stdout.write(HELP);
      return 0;
    } else if (name === '--remote') remote = inline === undefined || inline === 'true';
    else if (name === '-s' || name === '--short') continue;
    else if (name === '-o' || name === '--output') {
      output = inline ?? args[++i] ?? '';
      if (output !== 'json' && output !== 'yaml') {
        io.stderr.write(`Error: --output must be 'yaml' or 'json'\n`);
        return 1;
      }
    } else {
      io.stderr.write(`Error: unknown flag: ${name}\nRun 'istioctl version --help' for usage.\n`);
      return 1;
    }
  }
  const version = clientVersion();
  const info = { version, revision: 'unknown', node_version: process.version, status: 'Clean', tag: version };
  if (output === 'json') {
    io.stdout.write(`${JSON.stringify({ clientVersion: info }, null, 2)}\n`);
  } else if (output === 'yaml') {
    io.stdout.write(`clientVersion:\n${Object.entries(info).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`).join('\n')}\n`);
  } else if (remote) {
    io.stdout.write(`client version: ${version}\n`);
  } else {
    io.stdout.write(`${version}\n`);
  }
  return 0;
}

export const versionCommand: Command = {
  name: 'version',
  summary: 'Prints out build version information',
  run,
};
