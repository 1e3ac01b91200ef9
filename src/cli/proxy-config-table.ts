// Column alignment as Go's text/tabwriter does it for istioctl's tables (minwidth 0, padding N,
// space padding, no flags): every cell but a row's last is padded to its column's width + N.

export function tabulate(rows: readonly (readonly string[])[], padding: number): string {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((cell, i) => {
      if (i < r.length - 1) widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((r) => r.map((cell, i) => (i < r.length - 1 ? cell.padEnd(widths[i] + padding) : cell)).join('')).join('\n') + (rows.length > 0 ? '\n' : '');
}
