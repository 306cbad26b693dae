// The insight views' geometry (issue 16): the residency strip's columns, the
// heatmap's bins, the time breakdown's segments and the latency bars, each in
// a seeded property test against an independent model that walks every byte
// (or every bucket), plus a few hand-checked cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binHeatmap, layoutBreakdown, layoutStallLabels, layoutStrip, log2Bars, stallAxisFrom, type PlotArea } from '../../../webview/insightLayout';
import type { LatencyBucket, ResidencySample, StripView } from '../../../webview/insightModel';
import { rng } from '../rng';

// ---- independent model -------------------------------------------------------
// Every byte of the file gets the resident and dirty share of the cell it is in
// (cell k holds bytes [k*cellBytes, (k+1)*cellBytes)); bytes past the file, or
// past the cells, have none. Column c of W over B bytes holds the bytes
// [floor(c*B/W), floor((c+1)*B/W)), or the single byte floor(c*B/W) when that is empty.
function perByte(strip: StripView, total: number): { r: Float64Array; d: Float64Array } {
  const r = new Float64Array(total);
  const d = new Float64Array(total);
  const cells: { resident: number; dirty: number }[] = [];
  for (const run of strip.runs) for (let i = 0; i < run.count; i++) cells.push(run);
  for (let b = 0; b < Math.min(total, strip.fileBytes); b++) {
    const cell = cells[Math.floor(b / strip.cellBytes)];
    if (cell) {
      r[b] = cell.resident;
      d[b] = cell.dirty;
    }
  }
  return { r, d };
}
const range = (c: number, W: number, B: number): [number, number] => {
  const s = (k: number) => Number((BigInt(k) * BigInt(B)) / BigInt(W));
  return [s(c), Math.max(s(c + 1), Math.min(s(c) + 1, B))];
};
function modelStrip(strip: StripView, W: number): number[] {
  const { r, d } = perByte(strip, strip.fileBytes);
  const out: number[] = [];
  for (let c = 0; c < W; c++) {
    const [a, b] = range(c, W, strip.fileBytes);
    let res = 0;
    let dirty = 0;
    for (let i = a; i < b; i++) {
      res += r[i];
      dirty += d[i];
    }
    const n = b - a;
    // 2 dirty, 1 resident, 0 not resident: at least half of the column's bytes decide.
    out.push(dirty > 0 && 2 * dirty >= n ? 2 : res > 0 && 2 * res >= n ? 1 : 0);
  }
  return out;
}

const QUARTERS = [0, 0.25, 0.5, 0.75, 1];
function randomStrip(r: () => number, maxCells: number, maxCellBytes: number): StripView {
  const int = (n: number) => Math.floor(r() * n);
  const cellBytes = 1 + int(maxCellBytes);
  const cells = 1 + int(maxCells);
  // The file ends in the last cell (it may cut it), or, now and then, before the cells end.
  const fileBytes = r() < 0.1 ? 1 + int(cells * cellBytes) : (cells - 1) * cellBytes + 1 + int(cellBytes);
  const runs: StripView['runs'] = [];
  for (let left = cells; left > 0;) {
    const count = 1 + int(Math.min(left, r() < 0.5 ? 3 : 40));
    const resident = QUARTERS[int(5)];
    const dirty = Math.min(resident, QUARTERS[int(5)]);
    runs.push({ count, resident, dirty: r() < 0.3 ? 0 : dirty });
    left -= count;
  }
  return { fileBytes, cellBytes, runs };
}

test('residency strip: hand-checked: 4 cells of 100 bytes on 4 and on 2 columns', () => {
  const strip: StripView = { fileBytes: 400, cellBytes: 100, runs: [{ count: 1, resident: 1, dirty: 0 }, { count: 1, resident: 1, dirty: 1 }, { count: 2, resident: 0.25, dirty: 0 }] };
  assert.deepEqual([...layoutStrip(strip, 4).cells], [1, 2, 0, 0]);
  // Column 0 = cells 0 and 1: 200 resident, 100 dirty of 200 bytes: dirty (half).
  assert.deepEqual([...layoutStrip(strip, 2).cells], [2, 0]);
  const l = layoutStrip(strip, 2);
  assert.deepEqual([...l.shares.resident], [200, 50]);
  assert.deepEqual([...l.shares.dirty], [100, 0]);
});

test('residency strip: seeded property test against the per-byte model (1,000 strips)', () => {
  const r = rng(16);
  for (let i = 0; i < 1000; i++) {
    const strip = randomStrip(r, i < 300 ? 8 : 200, i < 500 ? 16 : 300);
    const W = 1 + Math.floor(r() * (i % 2 ? 40 : 600)); // fewer and more columns than bytes
    const got = layoutStrip(strip, W);
    const want = modelStrip(strip, W);
    assert.deepEqual([...got.cells], want, `seed 16 case ${i}: ${JSON.stringify(strip)} on ${W} columns`);
    // The column widths cover the file exactly once (when there are at least as many bytes as columns).
    if (strip.fileBytes >= W) assert.equal(got.shares.bytes.reduce((a, b) => a + b, 0), strip.fileBytes, `case ${i}`);
  }
});

test('residency strip: a 50 GiB file in 4,000 cells lays out in a few milliseconds', () => {
  const GiB = 1024 ** 3;
  const strip: StripView = { fileBytes: 50 * GiB, cellBytes: Math.ceil((50 * GiB) / 4000 / 4096) * 4096, runs: [] };
  for (let k = 0; k < 2000; k++) strip.runs.push({ count: 2, resident: k % 2 ? 1 : 0, dirty: 0 });
  const t = performance.now();
  const l = layoutStrip(strip, 1200);
  const ms = performance.now() - t;
  assert.ok(ms < 200, `${ms} ms`);
  // Alternating pairs of cells, a cell a bit more than a third of a column: both states show.
  assert.ok(l.cells.includes(0) && l.cells.includes(1));
});

// ---- heatmap -------------------------------------------------------------------
// Model: the file's size given, or the largest file of the samples when that is more, is the
// offset axis F, R = min(maxRows, F) rows
// of it; C = min(maxCols, samples) columns of time, a sample at t in column
// floor((t - t0) * C / (t1 - t0)) (the last in the last; all in the last when t1 = t0).
// A cell is the mean, over its column's samples, of the row's resident bytes over
// its bytes; present when the row starts inside one of those samples' files; a
// column with no sample repeats the one before.
function modelHeatmap(samples: ResidencySample[], maxCols: number, maxRows: number, fileSize: number) {
  const F = Math.max(fileSize, ...samples.map((s) => s.strip.fileBytes));
  const R = Math.min(maxRows, F);
  const C = Math.min(maxCols, samples.length);
  const t0 = samples[0].tMs;
  const t1 = samples.at(-1)!.tMs;
  const cols: { res: number[]; dirty: number[]; present: boolean[] }[] = [];
  const groups: ResidencySample[][] = Array.from({ length: C }, () => []);
  for (const s of samples) groups[t1 > t0 ? Math.min(C - 1, Math.floor(((s.tMs - t0) * C) / (t1 - t0))) : C - 1].push(s);
  for (let c = 0; c < C; c++) {
    if (groups[c].length === 0) {
      cols.push(c > 0 ? cols[c - 1] : { res: Array(R).fill(0), dirty: Array(R).fill(0), present: Array(R).fill(false) });
      continue;
    }
    const res = Array(R).fill(0);
    const dirty = Array(R).fill(0);
    const present = Array(R).fill(false);
    for (const s of groups[c]) {
      const { r, d } = perByte(s.strip, F);
      for (let row = 0; row < R; row++) {
        const [a, b] = range(row, R, F);
        let x = 0;
        let y = 0;
        for (let i = a; i < b; i++) {
          x += r[i];
          y += d[i];
        }
        res[row] += x / (b - a) / groups[c].length;
        dirty[row] += y / (b - a) / groups[c].length;
        if (a < s.strip.fileBytes) present[row] = true;
      }
    }
    cols.push({ res, dirty, present });
  }
  return { C, R, cols };
}

test('heatmap: seeded property test against the per-byte model (300 runs of samples)', () => {
  const r = rng(1616);
  for (let i = 0; i < 300; i++) {
    const n = 1 + Math.floor(r() * 30);
    const samples: ResidencySample[] = [];
    let t = Math.floor(r() * 100);
    // The file grows during a run (a doubling now and then); residency changes at random.
    const base = randomStrip(r, 6, 20);
    for (let k = 0; k < n; k++) {
      const s = r() < 0.3 ? randomStrip(r, 40, 20) : { ...base, runs: base.runs.map((x) => ({ ...x, resident: QUARTERS[Math.floor(r() * 5)] })) };
      samples.push({ tMs: t, strip: s });
      t += r() < 0.2 ? 0 : Math.floor(r() * 500); // equal times happen
    }
    const maxCols = 1 + Math.floor(r() * 40);
    const maxRows = 1 + Math.floor(r() * 30);
    // The file's size now: mostly past what the samples saw (the file grew after the last), sometimes unknown (0).
    const fileSize = r() < 0.3 ? 0 : Math.floor(r() * 2000);
    const got = binHeatmap(samples, maxCols, maxRows, fileSize);
    const want = modelHeatmap(samples, maxCols, maxRows, fileSize);
    assert.equal(got.cols, want.C, `case ${i}`);
    assert.equal(got.rows, want.R, `case ${i}`);
    assert.equal(got.fileBytes, Math.max(fileSize, ...samples.map((s) => s.strip.fileBytes)), `case ${i}: the axis`);
    for (let c = 0; c < want.C; c++) {
      for (let row = 0; row < want.R; row++) {
        const k = c * got.rows + row;
        const at = `case ${i} col ${c} row ${row}`;
        assert.ok(Math.abs(got.resident[k] - want.cols[c].res[row]) < 1e-5, `${at}: resident ${got.resident[k]} vs ${want.cols[c].res[row]}`);
        assert.ok(Math.abs(got.dirty[k] - want.cols[c].dirty[row]) < 1e-5, `${at}: dirty`);
        assert.equal(got.present[k] === 1, want.cols[c].present[row], `${at}: present`);
      }
    }
  }
});

test('heatmap: bounded: 20,000 samples of a 50 GiB file in at most 600 × 64 cells', () => {
  const GiB = 1024 ** 3;
  const cellBytes = 64 * 1024 * 1024 * 4; // 256 MiB: 200 cells
  const samples: ResidencySample[] = [];
  for (let k = 0; k < 20_000; k++) {
    // The working set moves: a resident window of 10 cells slides along the file.
    const at = Math.floor((k * 190) / 20_000);
    samples.push({ tMs: k * 10, strip: { fileBytes: 50 * GiB, cellBytes, runs: [{ count: at, resident: 0, dirty: 0 }, { count: 10, resident: 1, dirty: 0 }] } });
  }
  const t = performance.now();
  const b = binHeatmap(samples, 600, 64);
  const ms = performance.now() - t;
  assert.equal(b.cols, 600);
  assert.equal(b.rows, 64);
  assert.ok(ms < 2000, `${ms} ms`);
  // The first column saw the window at the start of the file, later ones further on.
  assert.ok(b.resident[0] > 0.5, 'row 0 resident at first');
  assert.equal(b.resident[0 * 64 + 63], 0, 'the last row not resident at first');
  assert.ok(b.resident[599 * 64 + 63] > 0.5, 'the last row resident at the end');
  assert.equal(b.resident[599 * 64], 0, 'row 0 no longer resident at the end');
});

// ---- time breakdown ----------------------------------------------------------------
test('breakdown: hand-checked: two runs on one scale', () => {
  const l = layoutBreakdown([{ wallMs: 100, parts: [50, 10, 0, 20, 10] }, { wallMs: 50, parts: [25, 0, 0, 0, 0] }], 200);
  assert.equal(l.scaleMs, 100);
  assert.deepEqual(l.bars[0], [{ x: 0, w: 100 }, { x: 100, w: 20 }, { x: 120, w: 0 }, { x: 120, w: 40 }, { x: 160, w: 20 }, { x: 180, w: 20 }]);
  assert.deepEqual(l.bars[1], [{ x: 0, w: 50 }, { x: 50, w: 0 }, { x: 50, w: 0 }, { x: 50, w: 0 }, { x: 50, w: 0 }, { x: 50, w: 50 }]);
});

test('breakdown: seeded property test: contiguous segments within a pixel of their exact widths, one scale (2,000 sets)', () => {
  const r = rng(160);
  for (let i = 0; i < 2000; i++) {
    const runs = Array.from({ length: 1 + Math.floor(r() * 6) }, () => {
      const parts = Array.from({ length: 5 }, () => (r() < 0.2 ? 0 : r() * 10 ** Math.floor(r() * 5)));
      const sum = parts.reduce((a, b) => a + b, 0);
      // The wall time is mostly above the parts' sum; sometimes below (estimates overshoot).
      return { wallMs: r() < 0.8 ? sum * (1 + r()) : sum * r(), parts };
    });
    const W = Math.floor(r() * 1500);
    const l = layoutBreakdown(runs, W);
    const lengths = runs.map((b) => Math.max(b.wallMs, b.parts.reduce((a, x) => a + x, 0)));
    const scale = Math.max(...lengths);
    assert.ok(Math.abs(l.scaleMs - scale) < 1e-9 * scale, `case ${i}`);
    runs.forEach((b, n) => {
      const segs = l.bars[n];
      assert.equal(segs.length, 6, `case ${i}`);
      const exact = [...b.parts, lengths[n] - b.parts.reduce((a, x) => a + x, 0)].map((ms) => (ms * W) / scale);
      let x = 0;
      segs.forEach((s, k) => {
        assert.equal(s.x, x, `case ${i} bar ${n} seg ${k}: touches the one before`);
        assert.ok(s.w >= 0 && Number.isInteger(s.w), `case ${i}: whole, non-negative`);
        assert.ok(Math.abs(s.w - exact[k]) <= 1 + 1e-9, `case ${i} bar ${n} seg ${k}: ${s.w} vs ${exact[k]}`);
        x += s.w;
      });
      assert.ok(x <= W, `case ${i}: inside the width`);
      assert.ok(Math.abs(x - (lengths[n] * W) / scale) <= 0.5 + 1e-9, `case ${i} bar ${n}: its length to the nearest pixel`);
    });
    assert.equal(Math.max(...l.bars.map((segs) => segs.reduce((a, s) => a + s.w, 0))), W, `case ${i}: the longest fills the width`);
  }
});

// ---- latency bars ---------------------------------------------------------------------
test('latency: power-of-two bars keep every count, in the bar of the bucket\'s lower end (500 histograms)', () => {
  const r = rng(99);
  for (let i = 0; i < 500; i++) {
    const buckets: LatencyBucket[] = [];
    for (let k = 0; k < 1 + Math.floor(r() * 30); k++) {
      const lowNs = Math.floor(2 ** (r() * 40));
      buckets.push({ lowNs, highNs: lowNs + 1, count: r() < 0.1 ? 0 : 1 + Math.floor(r() * 1e6) });
    }
    const bars = log2Bars(buckets);
    const total = buckets.reduce((a, b) => a + b.count, 0);
    assert.equal(bars.reduce((a, b) => a + b.count, 0), total, `case ${i}`);
    if (total === 0) {
      assert.deepEqual(bars, []);
      continue;
    }
    for (let k = 1; k < bars.length; k++) assert.equal(bars[k].lowNs, bars[k - 1].highNs, `case ${i}: contiguous`);
    for (const b of bars) assert.ok(b.lowNs === 0 ? b.highNs === 2 : b.highNs === 2 * b.lowNs, `case ${i}: a power of two wide`);
    // Model: each bucket's count is in the one bar whose range holds its lower end.
    const want = bars.map((b) => buckets.filter((x) => x.count > 0 && x.lowNs >= b.lowNs && x.lowNs < b.highNs).reduce((a, x) => a + x.count, 0));
    assert.deepEqual(bars.map((b) => b.count), want, `case ${i}`);
    assert.ok(bars[0].count > 0 && bars.at(-1)!.count > 0, `case ${i}: no empty bar at either end`);
  }
});

// ---- growth stalls' labels ---------------------------------------------------------------
test('stall labels: hand-checked: moved in from the left and the right edge, a second row when the first is taken', () => {
  const area: PlotArea = { left: 50, top: 10, right: 450, bottom: 200 };
  const got = layoutStallLabels([
    { from: 20, to: 55, width: 60 }, // starts left of the axis: its label begins at the area's left
    { from: 60, to: 61, width: 60 }, // overlaps the first label's row: row 1
    { from: 440, to: 445, width: 60 }, // near the right edge: moved left to end at it
    { from: 500, to: 520, width: 30 }, // wholly right of the area: no label
    { from: 5, to: 40, width: 30 }, // wholly left of the area: no label
  ], area, 11);
  assert.deepEqual(got, [{ x: 50, y: 12, row: 0 }, { x: 62, y: 23, row: 1 }, { x: 390, y: 12, row: 0 }, undefined, undefined]);
  // A label wider than the area, or an area too low for a row: left out.
  assert.deepEqual(layoutStallLabels([{ from: 60, to: 70, width: 401 }], area, 11), [undefined]);
  assert.deepEqual(layoutStallLabels([{ from: 60, to: 70, width: 10 }], { ...area, bottom: 22 }, 11), [undefined]);
});

test('stall labels: seeded property test: every label box lies within the plot area, labels of a row never overlap (3,000 charts)', () => {
  const r = rng(1603);
  for (let i = 0; i < 3000; i++) {
    const left = Math.floor(r() * 80);
    const top = Math.floor(r() * 30);
    const area: PlotArea = { left, top, right: left + 20 + r() * 800, bottom: top + r() * 200 };
    const n = 1 + Math.floor(r() * 25);
    // Stalls anywhere, also before the axis starts and past its end; short ones, and ones as wide as the chart.
    const marks = Array.from({ length: n }, () => {
      const from = area.left - 150 + r() * (area.right - area.left + 300);
      return { from, to: from + (r() < 0.7 ? r() * 3 : r() * 600), width: 20 + r() * 100 };
    }).sort((a, b) => a.from - b.from);
    const lh = 9 + Math.floor(r() * 6);
    const got = layoutStallLabels(marks, area, lh);
    assert.equal(got.length, n);
    const byRow = new Map<number, Array<[number, number]>>();
    got.forEach((p, k) => {
      if (!p) return;
      const at = `case ${i} mark ${k}: ${JSON.stringify({ p, m: marks[k], area })}`;
      assert.ok(p.x >= area.left && p.x + marks[k].width <= area.right + 1e-9, `${at}: inside left to right`);
      assert.ok(p.y >= area.top && p.y + lh <= area.bottom + 1e-9, `${at}: inside top to bottom`);
      assert.ok(p.row >= 0 && p.row < 3, at);
      // Beside its stall: right of its start, unless moved in from an edge.
      const start = Math.max(area.left, marks[k].from + 2);
      assert.ok(p.x === start || (p.x < start && Math.abs(p.x + marks[k].width - area.right) < 1e-9), `${at}: at its stall, or moved in from the right edge`);
      const row = byRow.get(p.row) ?? [];
      for (const [a, b] of row) assert.ok(p.x >= b || p.x + marks[k].width <= a, `${at}: overlaps another label of its row`);
      row.push([p.x, p.x + marks[k].width]);
      byRow.set(p.row, row);
    });
    // A single stall whose label fits the area always gets one, wherever the stall is (inside the axis).
    const m = marks[0];
    if (m.to >= area.left && m.from <= area.right && m.width <= area.right - area.left && area.bottom - area.top >= lh + 2) {
      assert.ok(layoutStallLabels([m], area, lh)[0], `case ${i}: a lone stall is labelled`);
    }
  }
});

test('stalls before the first throughput point: the time axis starts at 0, so each is on the chart and the first is labelled', () => {
  // Random disk, 20,000 items: the file grew 9 times in its first 0.2 s, the first throughput point is at 0.21 s.
  const stalls = [10, 25, 40, 60, 85, 110, 140, 170, 195].map((startMs) => ({ startMs, durationMs: 0.5 }));
  assert.equal(stallAxisFrom(0.21, stalls), 0);
  // No stall before the data: the axis stays where the data starts.
  assert.equal(stallAxisFrom(0.21, [{ startMs: 300 }]), 0.21);
  assert.equal(stallAxisFrom(0.21, []), 0.21);
  // Data that starts at 0 or before: unchanged.
  assert.equal(stallAxisFrom(0, [{ startMs: 0 }]), 0);
  // Placed the way the chart places them (x = left + (t - from) / (to - from) x width) on a 0.21..0.6 s axis, every
  // stall falls left of the plot area and none is labelled; on the axis from stallAxisFrom, all are on it.
  const area: PlotArea = { left: 50, top: 10, right: 450, bottom: 150 };
  const at = (from: number) => (s: { startMs: number; durationMs: number }) => {
    const px = (t: number) => area.left + ((t - from) / (0.6 - from)) * (area.right - area.left);
    return { from: px(s.startMs / 1000), to: px((s.startMs + s.durationMs) / 1000), width: 50 };
  };
  assert.deepEqual(layoutStallLabels(stalls.map(at(0.21)), area, 11), stalls.map(() => undefined));
  const from = stallAxisFrom(0.21, stalls);
  const marks = stalls.map(at(from));
  assert.ok(marks.every((m) => m.from >= area.left && m.to <= area.right), 'every stall within the plot area');
  const placed = layoutStallLabels(marks, area, 11);
  assert.ok(placed[0], 'the first stall is labelled');
  assert.ok(placed.filter(Boolean).length >= 3, `${placed.filter(Boolean).length} labels`);
});
