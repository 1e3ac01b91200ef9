// Errors with stable codes. Every code is listed in docs/errors.md (a test keeps the two in step),
// so a user who sees `ISTS_CONFIG_PARSE` in a log can look it up.

export const ERROR_CODES = {
  ISTS_CONFIG_PARSE: 'A config file could not be parsed as YAML or JSON.',
  ISTS_CONFIG_INVALID: 'A config object failed validation; the last valid version stays in force.',
  ISTS_CONFIG_UNKNOWN_KIND: 'A config object names a kind or apiVersion that is not served.',
  ISTS_CONFIG_READ: 'A config file or directory could not be read.',
  ISTS_USAGE: 'A command was called with missing or malformed arguments.',
  ISTS_XDS_NACK: 'An xDS resource could not be applied and was rejected (NACK).',
  ISTS_XDS_STREAM: 'An xDS stream failed or the control plane could not be reached.',
  ISTS_ADMIN: 'The proxy admin API could not be reached or answered an error.',
  ISTS_UPSTREAM: 'A request could not be forwarded to its upstream.',
  ISTS_CA: 'A certificate could not be signed, loaded or verified.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class IstioTsError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IstioTsError';
    this.code = code;
  }
}

export function istioError(code: ErrorCode, message: string, cause?: unknown): IstioTsError {
  return new IstioTsError(code, message, cause === undefined ? undefined : { cause });
}
