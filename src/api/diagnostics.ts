// Validation findings: every error and warning carries a field path in Istio's form
// (`spec.http[0].route[1].weight`) and a reason. Validators collect; they never stop early.

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly severity: Severity;
  /** Field path from the object root, e.g. `spec.http[0].match[1].uri`; '' for the whole object. */
  readonly path: string;
  readonly message: string;
}

export type PathSegment = string | number;

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/**
 * Collects diagnostics under a base path. `at('http', 0)` returns a view that shares the same lists
 * but prefixes paths, so nested validators never build path strings by hand.
 */
export class Diagnostics {
  readonly errors: Diagnostic[];
  readonly warnings: Diagnostic[];
  private readonly base: readonly PathSegment[];

  constructor(base: readonly PathSegment[] = [], errors: Diagnostic[] = [], warnings: Diagnostic[] = []) {
    this.base = base;
    this.errors = errors;
    this.warnings = warnings;
  }

  at(...segments: PathSegment[]): Diagnostics {
    return new Diagnostics([...this.base, ...segments], this.errors, this.warnings);
  }

  /** The path of this view, optionally extended, in Istio's form. */
  path(...segments: PathSegment[]): string {
    return formatPath([...this.base, ...segments]);
  }

  error(message: string, ...segments: PathSegment[]): void {
    this.errors.push({ severity: 'error', path: this.path(...segments), message });
  }

  warning(message: string, ...segments: PathSegment[]): void {
    this.warnings.push({ severity: 'warning', path: this.path(...segments), message });
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  all(): Diagnostic[] {
    return [...this.errors, ...this.warnings];
  }
}

/** `spec.http[0].route: at least one destination is required` — path first, as istioctl prints. */
export function formatDiagnostic(d: Diagnostic): string {
  return d.path === '' ? d.message : `${d.path}: ${d.message}`;
}
