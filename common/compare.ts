// Comparison of two recorded runs (issue 17, "Compare Recording With…"): the
// curves of both on one x axis (operation number or time), a table of the
// ratios of their final figures, and the parameters with the differing ones
// marked. Pure: the extension builds these, the compare view only draws them.
// The words go through @vscode/l10n when a comparison is built: the extension
// configures it with the display language's bundle.

import * as l10n from '@vscode/l10n';
import { FIELD_LABELS, FIELDS, formatSize } from './parameters';
import { formatBytes, formatDuration, formatRate } from './format';
import type { RunParameters, RunResult, SampleMessage } from './protocol';

export const ALIGNMENTS = ['ops', 'time'] as const;
/** Curves side by side at the same operation number, or at the same time since the run started. */
export type Alignment = (typeof ALIGNMENTS)[number];

export function alignmentKey(by: Alignment): (s: SampleMessage) => number {
  return by === 'ops' ? (s) => s.ops : (s) => s.elapsedMs;
}

export interface AlignedSeries {
  /** Operation numbers or milliseconds: every x at which either run has a sample, ascending, once each. */
  x: number[];
  /** Each run's value at x: that of its last sample at or before x; null before its first sample or after its last. */
  a: (number | null)[];
  b: (number | null)[];
}

/** Two runs' values of one figure on one x axis. */
export function alignSeries(
  a: readonly SampleMessage[], b: readonly SampleMessage[], by: Alignment, value: (s: SampleMessage) => number,
): AlignedSeries {
  const key = alignmentKey(by);
  const x = [...new Set([...a.map(key), ...b.map(key)])].sort((p, q) => p - q);
  const at = (samples: readonly SampleMessage[]): (number | null)[] => {
    const out: (number | null)[] = [];
    let i = -1; // the last sample with key <= the current x
    for (const v of x) {
      while (i + 1 < samples.length && key(samples[i + 1]) <= v) i++;
      const last = samples.length ? key(samples[samples.length - 1]) : -Infinity;
      out.push(i < 0 || v > last ? null : value(samples[i]));
    }
    return out;
  };
  return { x, a: at(a), b: at(b) };
}

export type FigureKind = 'ms' | 'count' | 'bytes' | 'rate';

export interface CompareMetric {
  id: string;
  /** The chart's title, in the display language (translated when read). */
  readonly title: string;
  kind: 'count' | 'bytes';
  value: (s: SampleMessage) => number;
}

/** The curves the compare view draws, one chart each. */
export const COMPARE_METRICS: readonly CompareMetric[] = [
  { id: 'cmp-bytes-allocated', get title() { return l10n.t('Bytes allocated'); }, kind: 'bytes', value: (s) => s.counters.bytesAllocated },
  { id: 'cmp-file-size', get title() { return l10n.t('File size'); }, kind: 'bytes', value: (s) => s.counters.fileSize },
  { id: 'cmp-map-views', get title() { return l10n.t('Map views'); }, kind: 'count', value: (s) => s.counters.mapViews },
  { id: 'cmp-file-maps', get title() { return l10n.t('File maps'); }, kind: 'count', value: (s) => s.counters.fileMaps },
  { id: 'cmp-resident', get title() { return l10n.t('Resident size'); }, kind: 'bytes', value: (s) => s.process.rssBytes },
  { id: 'cmp-minor-faults', get title() { return l10n.t('Minor faults (this run)'); }, kind: 'count', value: (s) => s.process.minorFaults },
];

export interface CompareChart extends AlignedSeries {
  id: string;
  title: string;
  kind: 'count' | 'bytes';
}

/** At most this many x values a chart (every k-th kept, the last always). */
export const MAX_COMPARE_POINTS = 1000;

export function compareCharts(a: readonly SampleMessage[], b: readonly SampleMessage[], by: Alignment, maxPoints = MAX_COMPARE_POINTS): CompareChart[] {
  return COMPARE_METRICS.map((m) => {
    const s = alignSeries(a, b, by, m.value);
    const stride = Math.max(1, Math.ceil(s.x.length / Math.max(2, maxPoints)));
    const keep = (_: unknown, i: number) => i % stride === 0 || i === s.x.length - 1;
    return { id: m.id, title: m.title, kind: m.kind, x: s.x.filter(keep), a: s.a.filter(keep), b: s.b.filter(keep) };
  });
}

// ---- final figures ------------------------------------------------------------

/** The final figures: key, label (in the display language), kind. */
export const FIGURES = [
  ['elapsedMs', () => l10n.t('library time'), 'ms'],
  ['throughput', () => l10n.t('throughput (bytes allocated a second)'), 'rate'],
  ['allocs', () => l10n.t('allocs'), 'count'],
  ['deletions', () => l10n.t('deletions'), 'count'],
  ['recycledAllocs', () => l10n.t('recycled allocs'), 'count'],
  ['bytesAllocated', () => l10n.t('bytes allocated'), 'bytes'],
  ['bytesFreed', () => l10n.t('bytes freed'), 'bytes'],
  ['fileMaps', () => l10n.t('file maps'), 'count'],
  ['mapViews', () => l10n.t('map views'), 'count'],
  ['compactions', () => l10n.t('compactions'), 'count'],
  ['freeListBytes', () => l10n.t('free-list bytes'), 'bytes'],
  ['fileSize', () => l10n.t('file size'), 'bytes'],
  ['peakRssBytes', () => l10n.t('peak resident (sampled, this run)'), 'bytes'],
  ['virtualBytes', () => l10n.t('virtual'), 'bytes'],
  ['minorFaults', () => l10n.t('minor faults (this run)'), 'count'],
  ['majorFaults', () => l10n.t('major faults (this run)'), 'count'],
] as const satisfies readonly (readonly [string, () => string, FigureKind])[];

export type FigureKey = (typeof FIGURES)[number][0];
export type Figures = Partial<Record<FigureKey, number>>;

/** A run's final figures: its result's, or, for a run without one (killed), its last sample's. */
export function finalFigures(result: RunResult | undefined, last: SampleMessage | undefined): Figures {
  const f: Figures = {};
  if (result) {
    Object.assign(f, result.stats);
    f.elapsedMs = result.elapsedMs;
    f.peakRssBytes = result.process.peakRssBytes;
    f.virtualBytes = result.process.virtualBytes;
    f.minorFaults = result.process.minorFaults;
    f.majorFaults = result.process.majorFaults;
  } else if (last) {
    const c = last.counters;
    Object.assign(f, {
      allocs: c.allocs, deletions: c.deletions, recycledAllocs: c.recycledAllocs, bytesAllocated: c.bytesAllocated,
      bytesFreed: c.bytesFreed, fileMaps: c.fileMaps, mapViews: c.mapViews, compactions: c.compactions,
      freeListBytes: c.freeListBytes, fileSize: c.fileSize,
    });
    f.elapsedMs = last.elapsedMs;
    f.peakRssBytes = last.process.peakRssBytes;
    f.virtualBytes = last.process.virtualBytes;
    f.minorFaults = last.process.minorFaults;
    f.majorFaults = last.process.majorFaults;
  }
  if (f.bytesAllocated !== undefined && f.elapsedMs) f.throughput = f.bytesAllocated / (f.elapsedMs / 1000);
  return f;
}

/** b ÷ a: 1 when both are 0, Infinity when only a is, null when either is missing. */
export function ratio(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  if (a === 0) return b === 0 ? 1 : Infinity;
  return b / a;
}

export function ratioText(r: number | null): string {
  if (r === null) return '—';
  if (r === Infinity) return '∞';
  return `${r.toFixed(r !== 0 && Math.abs(r) < 0.01 ? 4 : 2)}×`;
}

export function figureText(kind: FigureKind, v: number | undefined): string {
  if (v === undefined) return '—';
  switch (kind) {
    case 'ms': return formatDuration(v);
    case 'bytes': return formatBytes(v);
    case 'rate': return formatRate(v);
    case 'count': return Math.round(v).toLocaleString('en-US');
  }
}

export interface RatioRow {
  key: FigureKey;
  label: string;
  a: string;
  b: string;
  /** b ÷ a as text ("2.00×", "∞", "—"). */
  ratio: string;
  /** The figures differ: the ratio is 0.995 or less, or 1.005 or more (or infinite). */
  differs: boolean;
}

export function ratioTable(a: Figures, b: Figures): RatioRow[] {
  return FIGURES.map(([key, label, kind]) => {
    const r = ratio(a[key], b[key]);
    // Marked when the ratio shown is not 1.00×: a difference under half a percent is not one the table shows.
    return { key, label: label(), a: figureText(kind, a[key]), b: figureText(kind, b[key]), ratio: ratioText(r), differs: r !== null && Math.abs(r - 1) >= 0.005 };
  });
}

// ---- parameters -----------------------------------------------------------------

export interface ParameterRow {
  label: string;
  a: string;
  b: string;
  differs: boolean;
}

function parameterText(key: keyof RunParameters, v: RunParameters[keyof RunParameters]): string {
  if (v === undefined || v === '') return key === 'diskDir' ? l10n.t('OS temp dir') : '—';
  if (typeof v === 'boolean') return v ? l10n.t('on') : l10n.t('off');
  if (key === 'viewSize' || key === 'initialFileSize' || key === 'granularity') return formatSize(v as number);
  return typeof v === 'number' ? v.toLocaleString('en-US') : String(v);
}

/**
 * Every parameter of both runs, then the facts of where they ran (`facts`:
 * label, a, b), each marked when the two differ.
 */
export function parameterRows(a: RunParameters, b: RunParameters, facts: readonly (readonly [string, string, string])[] = []): ParameterRow[] {
  const rows: ParameterRow[] = FIELDS.map((key) => {
    const ta = parameterText(key, a[key]);
    const tb = parameterText(key, b[key]);
    return { label: FIELD_LABELS[key], a: ta, b: tb, differs: ta !== tb };
  });
  for (const [label, fa, fb] of facts) rows.push({ label, a: fa, b: fb, differs: fa !== fb });
  return rows;
}
