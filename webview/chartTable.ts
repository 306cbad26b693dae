// A chart's data as a table (the text alternative of its canvas): one row per
// x of the decimated points the chart draws, one column per series; a series
// without a point at that x has an empty cell. Pure: the unit tests import it.

import type { Point } from './decimate';

export interface TableRow {
  x: number;
  values: (number | undefined)[];
}

export function chartTableRows(series: readonly (readonly Point[])[]): TableRow[] {
  const rows = new Map<number, (number | undefined)[]>();
  series.forEach((points, i) => {
    for (const p of points) {
      let row = rows.get(p.x);
      if (!row) {
        row = new Array<number | undefined>(series.length).fill(undefined);
        rows.set(p.x, row);
      }
      row[i] = p.y;
    }
  });
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([x, values]) => ({ x, values }));
}
