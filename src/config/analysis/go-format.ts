// Go's fmt verbs as Istio's message templates use them (%s %q %v %d %t), so that a message reads
// exactly as istioctl prints it: `Referenced host not found: "reviews2"`, `ports [9080 9081]`.

function verbV(arg: unknown): string {
  if (Array.isArray(arg)) return `[${arg.map(verbV).join(' ')}]`;
  if (arg instanceof Error) return arg.message;
  return String(arg);
}

/** Go's %q for a string: a double-quoted literal with Go's escapes (close to JSON's). */
function verbQ(arg: unknown): string {
  if (Array.isArray(arg)) return `[${arg.map(verbQ).join(' ')}]`;
  return JSON.stringify(String(arg));
}

export function goSprintf(template: string, args: readonly unknown[]): string {
  let next = 0;
  return template.replace(/%([%sqvdt])/g, (_m, verb: string) => {
    if (verb === '%') return '%';
    if (next >= args.length) return `%!${verb}(MISSING)`;
    const arg = args[next++];
    switch (verb) {
      case 'q':
        return verbQ(arg);
      case 'd':
        return Array.isArray(arg) ? verbV(arg) : String(Math.trunc(Number(arg)));
      default:
        return verbV(arg);
    }
  });
}
