import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tabulate } from './proxy-config-table.js';

test('tabulate pads every cell but the last of a row to its column width plus padding, as Go tabwriter', () => {
  const cases: Array<{ rows: string[][]; padding: number; want: string }> = [
    { rows: [['A', 'BB', 'C'], ['long', 'x', 'tail-is-not-padded']], padding: 2, want: 'A     BB  C\nlong  x   tail-is-not-padded\n' },
    { rows: [['ENDPOINT', 'STATUS'], ['10.0.0.1:80', 'HEALTHY']], padding: 5, want: 'ENDPOINT        STATUS\n10.0.0.1:80     HEALTHY\n' },
    { rows: [], padding: 1, want: '' },
  ];
  for (const c of cases) assert.equal(tabulate(c.rows, c.padding), c.want);
});
