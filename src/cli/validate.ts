// `istioctl validate -f FILE|DIR|- ...`: validates Istio and Kubernetes YAML/JSON the way istioctl
// does (same messages, `"FILE" is valid`, `Error: N errors occurred:` and exit 1), but lists every
// error of every object with its file:line and field path instead of stopping at the first.
import { isForeignKind, type KindRegistry } from '../api/registry.js';
import { defaultRegistry } from '../api/kinds.js';
import { formatDiagnostic, type Diagnostic } from '../api/diagnostics.js';
import type { ConfigDocument } from '../config/documents.js';
import { loadPaths } from '../config/load.js';
import { rawIdentity } from '../config/problems.js';
import type { Command, CommandIO } from './command.js';

const HELP = `Validate Istio policy and rules files

Usage:
  istioctl validate -f FILENAME [options]

Examples:
  # Validate bookinfo-gateway.yaml
  istioctl validate -f samples/bookinfo/networking/bookinfo-gateway.yaml

  # Validate every *.yaml, *.yml and *.json file under a directory (recursively)
  istioctl validate -f samples/bookinfo/networking/

  # Validate what kubectl returns
  kubectl get virtualservices -o yaml | istioctl validate -f -

  # Also see the related command 'istioctl analyze'
  istioctl analyze samples/bookinfo/networking/bookinfo-gateway.yaml

Flags:
  -f, --filename strings   Inputs of files to validate ('-' reads stdin; repeat or comma-separate)
  -h, --help               help for validate
  -n, --namespace string   Namespace for objects that name none (default "default")
  -x, --referential        Accepted for compatibility (default true)
      --use-kube           Accepted for compatibility; only --use-kube=false is supported
`;

const MISSING_FILENAME = `error: you must specify resources by --filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'`;

interface ValidateFlags {
  files: string[];
  namespace: string;
  help: boolean;
}

class UsageError extends Error {}

const BOOL_FLAGS = new Set(['-x', '--referential', '--use-kube', '-k']);

function parseFlags(args: readonly string[]): ValidateFlags {
  const flags: ValidateFlags = { files: [], namespace: 'default', help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = args[++i];
      if (v === undefined) throw new UsageError(`flag needs an argument: ${name}`);
      return v;
    };
    if (name === '-h' || name === '--help') flags.help = true;
    else if (name === '-f' || name === '--filename') flags.files.push(...value().split(',').filter((f) => f !== ''));
    else if (name === '-n' || name === '--namespace') flags.namespace = value();
    else if (name === '-i' || name === '--istioNamespace') value();
    else if (BOOL_FLAGS.has(name)) {
      if (name === '--use-kube' || name === '-k') {
        if (inline === undefined || inline === 'true') throw new UsageError('istio-ts reads files only: use --use-kube=false');
      }
    } else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown flag: ${name}`);
    else throw new UsageError(`unknown command "${arg}" for "istioctl validate"`);
  }
  return flags;
}

/** `VirtualService//reviews`: Istio's prefix names the namespace as written, empty when none is. */
function objectPrefix(value: unknown): string {
  const id = rawIdentity(value);
  return `${id.kind ?? ''}/${id.namespace ?? ''}/${id.name ?? ''}`;
}

function displayName(file: string): string {
  return file === '-' ? 'stdin' : file;
}

function at(doc: ConfigDocument, d: Diagnostic): string {
  return `${objectPrefix(doc.value)}: ${displayName(doc.file)}:${doc.lineOf(d.path)}: ${formatDiagnostic(d)}`;
}

export function validateDocument(doc: ConfigDocument, registry: KindRegistry, namespace: string): { errors: string[]; warnings: string[] } {
  if (doc.error) {
    return { errors: [`failed to decode file ${displayName(doc.file)}:${doc.error.line}: ${doc.error.message}`], warnings: [] };
  }
  const res = registry.parse(doc.value, { source: { file: doc.file, document: doc.index, line: doc.line }, defaultNamespace: namespace });
  if (isForeignKind(doc.value, res)) {
    // Istio passes over Kubernetes kinds it has no schema for (Deployment, ServiceAccount, ...).
    return { errors: [], warnings: [] };
  }
  return {
    errors: res.diagnostics.errors.map((d) => at(doc, d)),
    warnings: res.diagnostics.warnings.map((d) => at(doc, d)),
  };
}

function bullets(items: readonly string[]): string {
  return `\n\t${items.map((w) => `* ${w}`).join('\n\t')}\n`;
}

async function run(args: readonly string[], io: CommandIO): Promise<number> {
  let flags: ValidateFlags;
  try {
    flags = parseFlags(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`Error: ${err.message}\nRun 'istioctl validate --help' for usage.\n`);
    return 1;
  }
  if (flags.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (flags.files.length === 0) {
    io.stderr.write(`Error: ${MISSING_FILENAME}\n`);
    return 1;
  }
  const registry = defaultRegistry();
  const loaded = await loadPaths(flags.files, { recursive: true, stdin: io.stdin, cwd: io.cwd });
  const errors: string[] = [];
  const warningsByFile = new Map<string, string[]>();
  for (const f of loaded) {
    if (f.error) errors.push(f.error.message);
    const warnings: string[] = [];
    for (const doc of f.documents) {
      const r = validateDocument(doc, registry, flags.namespace);
      errors.push(...r.errors);
      warnings.push(...r.warnings);
    }
    if (warnings.length > 0) warningsByFile.set(f.file, warnings);
  }
  // istioctl reports on its error stream (cobra's OutOrStderr), success included.
  const out = io.stderr;
  const processed = loaded.filter((f) => !f.error).map((f) => f.file);
  const report = (file: string, onValid: boolean): void => {
    const w = warningsByFile.get(file);
    if (file === '-') {
      if (w) out.write(bullets(w));
      else if (onValid) out.write('validation succeed\n');
    } else if (w) out.write(`"${file}" has warnings: ${bullets(w)}\n`);
    else if (onValid) out.write(`"${file}" is valid\n`);
  };
  for (const file of processed) report(file, errors.length === 0);
  if (errors.length > 0) {
    const n = errors.length;
    out.write(`Error: ${n} error${n === 1 ? '' : 's'} occurred:\n${errors.map((e) => `\t* ${e}\n`).join('')}\n`);
    return 1;
  }
  return 0;
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Validate Istio policy and rules files',
  run,
};
