// `istioctl analyze [FILE|DIR ...]`: runs Istio's analyzers over local files, as istioctl does with
// `--use-kube=false` (there is no cluster to read here), with istioctl's flags, output formats and
// exit codes: 79 when messages reach the failure threshold, 65 when a file cannot be parsed,
// 64 for a usage error.
import { stringify as toYaml } from 'yaml';
import { defaultRegistry } from '../api/kinds.js';
import type { ConfigDocument } from '../config/documents.js';
import { loadPaths } from '../config/load.js';
import {
  ALL_ANALYZERS,
  CONFIG_ANALYSIS_URL,
  formatMessageLine,
  levelRank,
  loadResources,
  messageTypeByCode,
  parseLevel,
  runAnalyzers,
  structuredMessage,
  type Analyzer,
  type Level,
  type Suppression,
} from '../config/analysis/index.js';
import type { Command, CommandIO } from './command.js';

export const EXIT_INCORRECT_USAGE = 64;
export const EXIT_DATA_ERROR = 65;
export const EXIT_ANALYZER_FOUND_ISSUES = 79;

const FORMATS = ['log', 'json', 'yaml'] as const;
type Format = (typeof FORMATS)[number];

interface AnalyzeFlags {
  files: string[];
  output: Format;
  recursive: boolean;
  failureThreshold: Level;
  outputThreshold: Level;
  allNamespaces: boolean;
  namespace: string;
  suppress: Suppression[];
  listAnalyzers: boolean;
  verbose: boolean;
  ignoreUnknown: boolean;
  help: boolean;
}

class UsageError extends Error {}

const HELP = `Analyze Istio configuration and print validation messages

Usage:
  istioctl analyze <file>... [flags]

Examples:
  # Analyze yaml files (istio-ts reads files only, as istioctl does with --use-kube=false)
  istioctl analyze a.yaml b.yaml my-app-config/

  # Analyze a directory of config recursively
  istioctl analyze --recursive my-istio-config/

  # Suppress PodMissingProxy for pod mypod in namespace 'testing'
  istioctl analyze -S "IST0103=Pod mypod.testing" my-app-config/

  # List available analyzers
  istioctl analyze -L

Flags:
  -A, --all-namespaces             Analyze all namespaces
      --failure-threshold Level    The severity level of analysis at which to set a non-zero exit code. Valid values: [Info Warning Error] (default Error)
  -h, --help                       help for analyze
      --ignore-unknown             Don't complain about un-parseable input documents
  -L, --list-analyzers             List the analyzers available to run. Suppresses normal execution.
  -n, --namespace string           Namespace for objects that name none, and the namespace analyzed (default "default")
  -o, --output string              Output format: one of [log json yaml] (default "log")
      --output-threshold Level     The severity level of analysis at which to display messages. Valid values: [Info Warning Error] (default Info)
  -R, --recursive                  Process directory arguments recursively
  -S, --suppress stringArray       Suppress reporting a message code on a specific resource: <code>=<resource> (e.g. 'IST0102=Namespace foo'); '*' matches any characters
  -k, --use-kube                   Accepted for compatibility; only --use-kube=false is supported
  -v, --verbose                    Enable verbose output
`;

/** Splits `--flag=value` and reads the value from the next argument when needed. */
function parseFlags(args: readonly string[]): AnalyzeFlags {
  const f: AnalyzeFlags = {
    files: [],
    output: 'log',
    recursive: false,
    failureThreshold: 'Error',
    outputThreshold: 'Info',
    allNamespaces: false,
    namespace: '',
    suppress: [],
    listAnalyzers: false,
    verbose: false,
    ignoreUnknown: false,
    help: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('-') || arg === '-') {
      f.files.push(arg);
      continue;
    }
    if (arg === '--') {
      f.files.push(...args.slice(i + 1));
      break;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
    const inline = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = args[++i];
      if (next === undefined) throw new UsageError(`flag needs an argument: ${name}`);
      return next;
    };
    const bool = (): boolean => {
      if (inline === undefined) return true;
      if (!['true', 'false'].includes(inline)) throw new UsageError(`invalid argument "${inline}" for "${name}" flag: expected true or false`);
      return inline === 'true';
    };
    const level = (): Level => {
      const v = value();
      const l = parseLevel(v);
      if (!l) throw new UsageError(`invalid argument "${v}" for "${name}" flag: ${v} not a valid option, should be one of [Info Warning Error]`);
      return l;
    };
    switch (name) {
      case '-o':
      case '--output': {
        const v = value().toLowerCase();
        if (!(FORMATS as readonly string[]).includes(v)) throw new UsageError(`${v} not a valid option for format. See istioctl analyze --help`);
        f.output = v as Format;
        break;
      }
      case '-R':
      case '--recursive':
        f.recursive = bool();
        break;
      case '--failure-threshold':
        f.failureThreshold = level();
        break;
      case '--output-threshold':
        f.outputThreshold = level();
        break;
      case '-A':
      case '--all-namespaces':
        f.allNamespaces = bool();
        break;
      case '-n':
      case '--namespace':
        f.namespace = value();
        break;
      case '-S':
      case '--suppress': {
        const v = value();
        const parts = v.split('=');
        if (parts.length !== 2) throw new UsageError(`${v} is not a valid suppression value. See istioctl analyze --help`);
        f.suppress.push({ code: parts[0], resource: parts[1] });
        break;
      }
      case '-L':
      case '--list-analyzers':
        f.listAnalyzers = bool();
        break;
      case '-v':
      case '--verbose':
        f.verbose = bool();
        break;
      case '--ignore-unknown':
        f.ignoreUnknown = bool();
        break;
      case '-k':
      case '--use-kube':
        if (bool()) throw new UsageError('istio-ts analyzes files only: use --use-kube=false (the default here) or omit the flag');
        break;
      case '--color':
        bool();
        break;
      case '-i':
      case '--istioNamespace':
      case '--timeout':
      case '--revision':
      case '--meshConfigFile':
        value();
        break;
      case '-h':
      case '--help':
        f.help = true;
        break;
      default:
        throw new UsageError(`unknown flag: ${name}`);
    }
  }
  return f;
}

function analyzersAsString(analyzers: readonly Analyzer[]): string {
  const lines = ['Available analyzers:'];
  for (const a of [...analyzers].sort((x, y) => (x.name < y.name ? -1 : 1))) lines.push(`* ${a.name}:`, `    ${a.description}`);
  return `${lines.join('\n')}\n`;
}

/** Go's encoding/json escapes these for HTML safety; istioctl's JSON output therefore does too. */
function goJson(v: unknown): string {
  return JSON.stringify(v, null, '\t').replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

export async function runAnalyze(args: readonly string[], io: CommandIO): Promise<number> {
  let flags: AnalyzeFlags;
  try {
    flags = parseFlags(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`Error: ${err.message}\n`);
    return EXIT_INCORRECT_USAGE;
  }
  if (flags.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (flags.listAnalyzers) {
    io.stdout.write(analyzersAsString(ALL_ANALYZERS));
    return 0;
  }
  for (const s of flags.suppress) {
    if (!messageTypeByCode(s.code)) {
      io.stderr.write(`Warning: Supplied message code '${s.code}' is an unknown message code and will not have any effect.\n`);
    }
  }

  const namespace = flags.namespace || 'default';
  const target = flags.allNamespaces ? 'all namespaces' : `namespace: ${namespace}`;
  const files = await loadPaths(flags.files, { recursive: flags.recursive, cwd: io.cwd, stdin: io.stdin });
  const unreadable = files.find((f) => f.error);
  if (unreadable?.error) {
    io.stderr.write(`Error: ${unreadable.error.message}\n`);
    return 1;
  }

  const docs: ConfigDocument[] = [];
  let parseErrors = 0;
  for (const file of files) {
    const broken = file.documents.filter((d) => d.error);
    if (broken.length > 0) parseErrors++;
    for (const d of broken) io.stderr.write(`Error(s) adding files: ${d.file}:${d.error!.line}: ${d.error!.message}\n`);
    docs.push(...file.documents.filter((d) => !d.error));
  }

  const loaded = loadResources(docs, defaultRegistry(), namespace);
  const result = runAnalyzers(loaded.resources, ALL_ANALYZERS, {
    ...(flags.allNamespaces ? {} : { namespace }),
    suppressions: flags.suppress,
    preMessages: loaded.messages,
  });

  if (flags.verbose) {
    io.stderr.write(`Analyzed resources in ${target}\n`);
    if (loaded.skipped.length > 0) io.stderr.write(`Skipped objects of kinds no analyzer reads:\n${loaded.skipped.map((s) => `\t ${s}\n`).join('')}`);
    io.stderr.write(`Executed analyzers:\n${result.executed.map((a) => `\t ${a}\n`).join('')}\n`);
  }

  const shown = result.messages.filter((m) => levelRank(m.type.level) <= levelRank(flags.outputThreshold));
  switch (flags.output) {
    case 'json':
      io.stdout.write(`${goJson(shown.map((m) => structuredMessage(m)))}\n`);
      break;
    case 'yaml':
      io.stdout.write(`${shown.length === 0 ? '[]\n' : toYaml(shown.map((m) => structuredMessage(m)))}\n`);
      break;
    default:
      io.stdout.write(`${shown.map(formatMessageLine).join('\n')}\n`);
  }

  if (shown.length === 0) {
    if (parseErrors === 0) {
      const analyzed = files.length > 0 ? files.map((f) => f.file).join('\n') : target;
      io.stderr.write(`\u2714 No validation issues found when analyzing ${analyzed}.\n`);
    } else {
      io.stderr.write(`No validation issues found when analyzing ${target} (but ${parseErrors} ${parseErrors === 1 ? 'file' : 'files'} could not be parsed).\n`);
    }
  }

  // Like istioctl, only the log format turns findings into an exit code; json and yaml are for machines.
  if (flags.output !== 'log') return 0;
  if (result.messages.some((m) => levelRank(m.type.level) <= levelRank(flags.failureThreshold))) {
    io.stderr.write(`Error: Analyzers found issues when analyzing ${target}.\nSee ${CONFIG_ANALYSIS_URL} for more information about causes and resolutions.\n`);
    return EXIT_ANALYZER_FOUND_ISSUES;
  }
  if (parseErrors > 0 && !flags.ignoreUnknown) {
    io.stderr.write("Error: Some files couldn't be parsed.\n");
    return EXIT_DATA_ERROR;
  }
  return 0;
}

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'Analyze Istio configuration and print validation messages',
  run: runAnalyze,
};
