// Durations as Istio's YAML writes them: Go's time.ParseDuration syntax ("1.5s", "2m30s",
// "300ms", "1h"), which also covers protobuf JSON's "<seconds>s".

const UNIT_MS: Record<string, number> = {
  ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000,
};
const PART = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

/** Milliseconds (may be fractional) or undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  let s = text.trim();
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  while (s.length > 0) {
    const m = PART.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]];
    s = s.slice(m[0].length);
  }
  return sign * total;
}

/** Formats milliseconds as protobuf JSON Duration ("1.500s"), the form Envoy config uses. */
export function formatProtoDuration(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s}s` : `${s.toFixed(9).replace(/0+$/, '')}s`;
}

/** Splits milliseconds into protobuf Duration {seconds, nanos}. */
export function toProtoDuration(ms: number): { seconds: number; nanos: number } {
  const seconds = Math.trunc(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return { seconds, nanos };
}
