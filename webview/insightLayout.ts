// Geometry of the insight views (issue 16), pure so the unit tests import it:
// the residency strip's columns, the heatmap's time × offset bins, the time
// breakdown's bar segments, the latency histogram's power-of-two bars and the
// growth stalls' labels on the throughput chart.
//
// Columns over a byte range follow the file map (fileMapLayout.ts): column c
// of W over B bytes shows [floor(c*B/W), floor((c+1)*B/W)), or the one byte at
// floor(c*B/W) when that is empty (fewer bytes than columns). Every loop steps
// an index by one, so it ends.

import type { LatencyBucket, StripView, ResidencySample } from './insightModel';

export const enum Residency {
  NotResident = 0,
  Resident = 1,
  Dirty = 2,
}

/** The byte range of column c of `columns` over `bytes` (integers). */
export function columnRange(c: number, columns: number, bytes: number): [number, number] {
  const q = Math.floor(bytes / columns);
  const r = bytes - q * columns;
  const start = (k: number) => k * q + Math.floor((k * r) / columns);
  return [start(c), Math.max(start(c + 1), Math.min(start(c) + 1, bytes))];
}

export interface Shares {
  /** Bytes of each column: the denominators. */
  bytes: Float64Array;
  /** Resident / dirty bytes of each column (bytes past the strip's file count as neither). */
  resident: Float64Array;
  dirty: Float64Array;
}

/**
 * Resident and dirty bytes per column, with `columns` columns over `totalBytes`
 * (at least the strip's file: the heatmap draws every sample on the largest
 * file's scale). A run of cells holds its share uniformly over its bytes.
 */
export function stripShares(strip: StripView, totalBytes: number, columns: number): Shares {
  const W = Math.max(1, Math.floor(columns));
  const total = Math.max(0, Math.floor(totalBytes));
  const out: Shares = { bytes: new Float64Array(W), resident: new Float64Array(W), dirty: new Float64Array(W) };
  if (total === 0) return out;
  for (let c = 0; c < W; c++) {
    const [a, b] = columnRange(c, W, total);
    out.bytes[c] = b - a;
  }
  const file = Math.min(total, Math.max(0, Math.floor(strip.fileBytes)));
  const cell = Math.max(1, Math.floor(strip.cellBytes));
  // Two pointers: runs of cells (byte ranges, in order) against columns (in order).
  let c = 0;
  let cellIndex = 0;
  for (const run of strip.runs) {
    const start = cellIndex * cell;
    cellIndex += run.count;
    const end = Math.min(file, cellIndex * cell);
    if (start >= end) {
      if (start >= file) break;
      continue;
    }
    while (c < W && columnRange(c, W, total)[1] <= start) c++;
    for (let k = c; k < W; k++) {
      const [a, b] = columnRange(k, W, total);
      if (a >= end) break;
      const overlap = Math.min(b, end) - Math.max(a, start);
      if (overlap > 0) {
        out.resident[k] += overlap * run.resident;
        out.dirty[k] += overlap * run.dirty;
      }
    }
  }
  return out;
}

/** A column's state: dirty when at least half its bytes are dirty, else resident when at least half are resident. */
export function classify(bytes: number, resident: number, dirty: number): Residency {
  if (bytes <= 0) return Residency.NotResident;
  if (2 * dirty >= bytes && dirty > 0) return Residency.Dirty;
  if (2 * resident >= bytes && resident > 0) return Residency.Resident;
  return Residency.NotResident;
}

export interface StripLayout {
  cells: Uint8Array;
  shares: Shares;
}

/** The residency strip in `width` columns over the file. */
export function layoutStrip(strip: StripView, width: number): StripLayout {
  const W = Number.isFinite(width) ? Math.max(1, Math.floor(width)) : 1;
  const shares = stripShares(strip, strip.fileBytes, W);
  const cells = new Uint8Array(W);
  for (let c = 0; c < W; c++) cells[c] = classify(shares.bytes[c], shares.resident[c], shares.dirty[c]);
  return { cells, shares };
}

export interface HeatmapBins {
  cols: number;
  rows: number;
  /** Column-major: value of (col, row) at col * rows + row; resident share 0..1. */
  resident: Float32Array;
  dirty: Float32Array;
  /** 1 where the file reached the row in that column's samples (else nothing to show). */
  present: Uint8Array;
  /** 1 for a column that had a sample of its own (the others repeat the one before). */
  sampled: Uint8Array;
  t0Ms: number;
  t1Ms: number;
  /** The offset axis: the file's size given, or the largest file of the samples when that is more. */
  fileBytes: number;
  /** The largest file of the samples. */
  sampledBytes: number;
}

/**
 * Time × offset bins: at most `maxCols` columns of time from the first sample
 * to the last (a sample at t falls in column floor((t - t0) * cols / (t1 - t0)),
 * the last one in the last column) and `maxRows` rows over the offset axis:
 * the file's size `fileBytes` (the result's or the latest sample's: the file
 * may have grown past what the last residency sample saw), or the largest
 * file of the samples when that is more. A cell is the mean over its column's
 * samples of the row's resident (dirty) share; a column without a sample
 * repeats the one before (residency lasts until the next sample says otherwise).
 */
export function binHeatmap(samples: readonly ResidencySample[], maxCols: number, maxRows: number, fileSize = 0): HeatmapBins {
  const n = samples.length;
  const cols = Math.max(1, Math.min(Math.floor(maxCols), n));
  const sampledBytes = samples.reduce((m, s) => Math.max(m, Math.floor(s.strip.fileBytes)), 0);
  const given = Number.isFinite(fileSize) ? Math.max(0, Math.floor(fileSize)) : 0;
  const fileBytes = n === 0 ? 0 : Math.max(sampledBytes, given);
  const rows = Math.max(1, Math.min(Math.floor(maxRows), Math.max(1, fileBytes)));
  const resident = new Float32Array(cols * rows);
  const dirty = new Float32Array(cols * rows);
  const present = new Uint8Array(cols * rows);
  const sampled = new Uint8Array(cols);
  const t0Ms = n ? samples[0].tMs : 0;
  const t1Ms = n ? samples[n - 1].tMs : 0;
  if (n === 0 || fileBytes === 0) return { cols, rows, resident, dirty, present, sampled, t0Ms, t1Ms, fileBytes, sampledBytes };
  const span = t1Ms - t0Ms;
  const count = new Uint32Array(cols);
  const sumR = new Float64Array(cols * rows);
  const sumD = new Float64Array(cols * rows);
  for (const s of samples) {
    const col = span > 0 ? Math.min(cols - 1, Math.max(0, Math.floor(((s.tMs - t0Ms) * cols) / span))) : cols - 1;
    count[col]++;
    const sh = stripShares(s.strip, fileBytes, rows);
    for (let r = 0; r < rows; r++) {
      const i = col * rows + r;
      sumR[i] += sh.resident[r] / sh.bytes[r];
      sumD[i] += sh.dirty[r] / sh.bytes[r];
      if (columnRange(r, rows, fileBytes)[0] < s.strip.fileBytes) present[i] = 1;
    }
  }
  for (let col = 0; col < cols; col++) {
    const base = col * rows;
    if (count[col] > 0) {
      sampled[col] = 1;
      for (let r = 0; r < rows; r++) {
        resident[base + r] = sumR[base + r] / count[col];
        dirty[base + r] = sumD[base + r] / count[col];
      }
    } else if (col > 0) {
      resident.copyWithin(base, base - rows, base);
      dirty.copyWithin(base, base - rows, base);
      present.copyWithin(base, base - rows, base);
    }
  }
  return { cols, rows, resident, dirty, present, sampled, t0Ms, t1Ms, fileBytes, sampledBytes };
}

export interface Segment {
  x: number;
  w: number;
}

export interface BreakdownLayout {
  /** Per bar: one segment per part, then the unaccounted rest (wall time the parts do not cover). */
  bars: Segment[][];
  /** The time the full width stands for: the longest bar's. */
  scaleMs: number;
}

/**
 * Stacked bars on one scale (comparable across runs): each bar is
 * max(wall, sum of parts) long, the longest `width` pixels. Boundaries are the
 * cumulative times rounded to pixels, so the segments touch, never overlap,
 * and each is within a pixel of its exact width.
 */
export function layoutBreakdown(bars: readonly { wallMs: number; parts: readonly number[] }[], width: number): BreakdownLayout {
  const W = Number.isFinite(width) ? Math.max(0, Math.floor(width)) : 0;
  const clean = (x: number) => (Number.isFinite(x) && x > 0 ? x : 0);
  const lengths = bars.map((b) => Math.max(clean(b.wallMs), b.parts.reduce((t, p) => t + clean(p), 0)));
  const scaleMs = lengths.reduce((m, x) => Math.max(m, x), 0);
  const px = (ms: number) => (scaleMs > 0 ? Math.round((ms * W) / scaleMs) : 0);
  return {
    scaleMs,
    bars: bars.map((b, i) => {
      const segs: Segment[] = [];
      let cum = 0;
      let x = 0;
      for (const p of [...b.parts, Math.max(0, lengths[i] - b.parts.reduce((t, q) => t + clean(q), 0))]) {
        cum += clean(p);
        const end = Math.min(W, px(cum));
        segs.push({ x, w: end - x });
        x = end;
      }
      return segs;
    }),
  };
}

/**
 * The latency histogram in power-of-two bars, [2^k, 2^(k+1)) ns (bar 0: [0, 2)),
 * from the lowest bucket's to the highest's, empty ones included (the gaps
 * show). A bucket goes to the bar of its lower end.
 */
export function log2Bars(buckets: readonly LatencyBucket[]): LatencyBucket[] {
  const key = (ns: number) => (ns < 2 ? 0 : Math.floor(Math.log2(ns)));
  const used = buckets.filter((b) => b.count > 0);
  if (used.length === 0) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of used) {
    lo = Math.min(lo, key(b.lowNs));
    hi = Math.max(hi, key(b.lowNs));
  }
  const bars: LatencyBucket[] = [];
  for (let k = lo; k <= hi; k++) bars.push({ lowNs: k === 0 ? 0 : 2 ** k, highNs: 2 ** (k + 1), count: 0 });
  for (const b of used) bars[key(b.lowNs) - lo].count += b.count;
  return bars;
}

/** A chart's plot area in pixels (Chart.js's chartArea). */
export interface PlotArea {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** A stall's label: where its text box's top-left corner goes, in which row. */
export interface LabelPlace {
  x: number;
  y: number;
  row: number;
}

/** The gap between a stall's start and its label, and the least gap between two labels of a row. */
const LABEL_PAD = 2;
const LABEL_GAP = 4;

/**
 * Where the growth stalls' labels go on a chart (stallMarks.ts): each label
 * (`width` pixels wide, `lineHeight` high) just right of its stall's start
 * `from`, moved left as far as needed to end inside the plot area, and right
 * to begin inside it (a stall that starts left of the axis); in the first of
 * at most `maxRows` rows, as many as fit the area's height, where it starts
 * past the previous label's end. A label wider than the area, of a stall
 * wholly outside it, or with no row free is left out (undefined): its stall
 * stays shaded. Marks are taken in the order given (by start: stalls are).
 * Every label box placed lies within the area.
 */
export function layoutStallLabels(
  marks: readonly { from: number; to: number; width: number }[], area: PlotArea, lineHeight: number, maxRows = 3,
): (LabelPlace | undefined)[] {
  const rows = Math.max(0, Math.min(Math.floor(maxRows), Math.floor((area.bottom - area.top - LABEL_PAD) / lineHeight)));
  const rowEnds: number[] = Array.from({ length: rows }, () => -Infinity);
  return marks.map((m) => {
    if (!(Number.isFinite(m.from) && Number.isFinite(m.to) && Number.isFinite(m.width))) return undefined;
    if (m.to < area.left || m.from > area.right) return undefined;
    const w = Math.max(0, m.width);
    const lo = area.left;
    const hi = area.right - w;
    if (hi < lo) return undefined;
    const x = Math.min(hi, Math.max(lo, m.from + LABEL_PAD));
    const row = rowEnds.findIndex((end) => x >= end);
    if (row < 0) return undefined;
    rowEnds[row] = x + w + LABEL_GAP;
    return { x, y: area.top + LABEL_PAD + row * lineHeight, row };
  });
}

/**
 * Where the throughput chart's time axis starts (seconds), given where its data starts: the first
 * throughput point comes a sample interval or two into the run, while the first growths of a
 * small initial file come before it. When a stall starts before the data, the axis is extended to
 * 0, the run's start (the stalls count from the heap's creation), so every stall is on it;
 * otherwise it starts where the data does.
 */
export function stallAxisFrom(dataFromS: number, stalls: readonly { startMs: number }[]): number {
  if (!Number.isFinite(dataFromS)) return dataFromS;
  const first = stalls.reduce((m, s) => (Number.isFinite(s.startMs) ? Math.min(m, s.startMs / 1000) : m), Infinity);
  return first < dataFromS ? Math.min(0, dataFromS) : dataFromS;
}
