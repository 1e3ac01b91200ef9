// Wildcard host relations as Istio's host.Name defines them: `*.example.com` covers
// `a.example.com` and `*.b.example.com`; `*` covers everything.

/** Whether every name `narrow` can denote is also denoted by `wide`. */
export function hostCovers(wide: string, narrow: string): boolean {
  const w = wide.toLowerCase();
  const n = narrow.toLowerCase();
  if (w === n || w === '*') return true;
  if (!w.startsWith('*')) return false;
  return n.endsWith(w.slice(1)) && n.length > w.length - 1;
}

/** Whether two hosts share at least one name. */
export function hostsOverlap(a: string, b: string): boolean {
  return hostCovers(a, b) || hostCovers(b, a);
}
