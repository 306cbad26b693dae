// The insight views' own shapes (issue 16), and the one adapter from the
// protocol's. The drawing code (residency.ts, heatmap.ts, latency.ts,
// breakdown.ts, stallMarks.ts) reads only these types: when the protocol's
// shapes change, this file is the one to edit.
//
// The extension validates every message; the adapter still checks each field
// it reads and leaves out what it cannot read (a view then draws "no data"),
// so an older record in the history (without insight) draws as before.

/** A stretch of the file in the residency strip: `count` cells, each with this much of it resident and dirty (0..1). */
export interface StripRun {
  count: number;
  /** Share of each cell's bytes in RAM, 0..1. */
  resident: number;
  /** Share of each cell's bytes not yet written back, 0..1 (0 where unknown). */
  dirty: number;
}

/** The residency strip: the file in cells of `cellBytes` (the last one may be cut by the file's end). */
export interface StripView {
  fileBytes: number;
  cellBytes: number;
  runs: StripRun[];
}

export interface ResidencyView {
  residentBytes: number;
  /** Undefined where the platform cannot see it (mincore, Windows). */
  dirtyBytes?: number;
  /** How it was measured ("cachestat", "mincore", "QueryWorkingSetEx"). */
  source: string;
  /** Only the process's views are visible (Windows: the file cache is not). */
  viewsOnly: boolean;
  strip?: StripView;
}

/** One residency sample in time (the heatmap's input). */
export interface ResidencySample {
  tMs: number;
  strip: StripView;
}

export const LATENCY_OPS = ['alloc', 'deref', 'free', 'mapView', 'unmapView', 'grow'] as const;
export type LatencyOp = (typeof LATENCY_OPS)[number];
export const LATENCY_OP_LABELS: Readonly<Record<LatencyOp, string>> = {
  alloc: 'alloc', deref: 'deref', free: 'free', mapView: 'map view', unmapView: 'unmap view', grow: 'grow',
};

/** A histogram bucket: durations in [lowNs, highNs). */
export interface LatencyBucket {
  lowNs: number;
  highNs: number;
  count: number;
}

export interface LatencyView {
  count: number;
  p50Ns: number;
  p99Ns: number;
  p999Ns: number;
  maxNs: number;
  buckets: LatencyBucket[];
}

/** A growth of the file as a stall: when it began (ms after the run started) and how long it took. */
export interface StallView {
  startMs: number;
  durationMs: number;
  oldSize?: number;
  newSize?: number;
  bytesCopied?: number;
}

/** Where a run's wall time went, in ms. */
export const BREAKDOWN_PARTS = ['copyCompare', 'heap', 'mapUnmap', 'pageFaults', 'growth', 'evict', 'runner'] as const;
export type BreakdownPart = (typeof BREAKDOWN_PARTS)[number];
export const BREAKDOWN_LABELS: Readonly<Record<BreakdownPart, string>> = {
  copyCompare: 'copy and compare (library)',
  heap: 'heap bookkeeping (library)',
  mapUnmap: 'map / unmap system calls',
  pageFaults: 'page faults (estimated)',
  growth: 'growth',
  evict: 'eviction (cold verify)',
  runner: 'runner and streaming',
};

export interface BreakdownView {
  wallMs: number;
  parts: Record<BreakdownPart, number>;
  /** How the page-fault time is estimated (the tooltip says so). */
  faultEstimate?: string;
}

export type CacheState = 'warm' | 'cold';

export interface RunInsight {
  residency?: ResidencyView;
  latency?: Partial<Record<LatencyOp, LatencyView>>;
  stalls: StallView[];
  breakdown?: BreakdownView;
  cache?: CacheState;
}

// ---- the adapter --------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

/**
 * common/insight.ts's ResidencyStrip: {cellBytes, cells, runs: [[cells, resident, dirty]...]}, the
 * levels in quarters of a cell (0 none, 1..3 some, 4 all); the file's size is the residency's fileBytes.
 */
function stripOf(v: unknown, fileBytesHint: number | undefined): StripView | undefined {
  if (!isObj(v)) return undefined;
  const cellBytes = num(v.cellBytes);
  const rawRuns = v.runs;
  if (!cellBytes || !Array.isArray(rawRuns)) return undefined;
  const share = (x: unknown) => Math.min(1, (num(x) ?? 0) / 4);
  const runs: StripRun[] = [];
  for (const r of rawRuns) {
    const [count, resident, dirty] = Array.isArray(r) ? r : [];
    const c = num(count);
    if (!c || !Number.isInteger(c)) return undefined;
    runs.push({ count: c, resident: share(resident), dirty: share(dirty) });
  }
  const cells = runs.reduce((n, r) => n + r.count, 0);
  const fileBytes = fileBytesHint ?? cells * cellBytes;
  return { fileBytes, cellBytes, runs };
}

export function residencyOf(v: unknown, fileBytesHint?: number): ResidencyView | undefined {
  if (!isObj(v)) return undefined;
  const residentBytes = num(v.residentBytes);
  if (residentBytes === undefined) return undefined;
  return {
    residentBytes,
    dirtyBytes: num(v.dirtyBytes),
    source: typeof v.source === 'string' ? v.source : 'unknown',
    viewsOnly: v.viewsOnly === true,
    strip: stripOf(v.strip, num(v.fileBytes) ?? fileBytesHint),
  };
}

function bucketsOf(v: unknown): LatencyBucket[] {
  if (!Array.isArray(v)) return [];
  const out: LatencyBucket[] = [];
  // common/insight.ts's LatencyBucket: [fromNs, toNs, count], the non-empty ones.
  for (const b of v) {
    const [lo, hi, c] = Array.isArray(b) ? b : [];
    const lowNs = num(lo);
    const highNs = num(hi);
    const count = num(c);
    if (lowNs === undefined || highNs === undefined || !count) continue;
    out.push({ lowNs, highNs, count });
  }
  return out.sort((a, b) => a.lowNs - b.lowNs);
}

export function latencyOf(v: unknown): Partial<Record<LatencyOp, LatencyView>> | undefined {
  if (!isObj(v)) return undefined;
  const out: Partial<Record<LatencyOp, LatencyView>> = {};
  for (const op of LATENCY_OPS) {
    const l = v[op];
    if (!isObj(l)) continue;
    const count = num(l.count);
    if (count === undefined) continue;
    out[op] = { count, p50Ns: num(l.p50Ns) ?? 0, p99Ns: num(l.p99Ns) ?? 0, p999Ns: num(l.p999Ns) ?? 0, maxNs: num(l.maxNs) ?? 0, buckets: bucketsOf(l.buckets) };
  }
  return Object.keys(out).length ? out : undefined;
}

export function stallsOf(v: unknown): StallView[] {
  if (!Array.isArray(v)) return [];
  const out: StallView[] = [];
  for (const s of v) {
    if (!isObj(s)) continue;
    const startMs = num(s.atMs);
    const durationMs = num(s.durationMs);
    if (startMs === undefined || durationMs === undefined) continue;
    out.push({ startMs, durationMs, oldSize: num(s.oldSize), newSize: num(s.newSize), bytesCopied: num(s.bytesCopied) });
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

/** common/insight.ts's TimeBreakdown (ns) in ms, with how the page faults were estimated in words. */
export function breakdownOf(v: unknown): BreakdownView | undefined {
  if (!isObj(v)) return undefined;
  const wallNs = num(v.wallNs);
  if (wallNs === undefined) return undefined;
  const ms = (k: string): number => (num(v[k]) ?? 0) / 1e6;
  const parts: Record<BreakdownPart, number> = {
    copyCompare: ms('copyCompareNs'), heap: ms('heapNs'), mapUnmap: ms('mapUnmapNs'), pageFaults: ms('pageFaultsNs'),
    growth: ms('growthNs'), evict: ms('evictNs'), runner: ms('runnerNs'),
  };
  const f = v.faults;
  const faultEstimate = isObj(f) && typeof f.method === 'string'
    ? `${(num(f.minor) ?? 0).toLocaleString('en-US')} minor and ${(num(f.major) ?? 0).toLocaleString('en-US')} major faults, ${Math.round(num(f.nsPerFault) ?? 0).toLocaleString('en-US')} ns each: ${f.method}`
    : undefined;
  return { wallMs: wallNs / 1e6, parts, faultEstimate };
}

/** The insight of a sample, a result or a record's last sample: whatever of it is there. */
export function insightOf(carrier: unknown, fileBytesHint?: number): RunInsight {
  if (!isObj(carrier)) return { stalls: [] };
  const cache = carrier.cache === 'warm' || carrier.cache === 'cold' ? carrier.cache : undefined;
  return {
    residency: residencyOf(carrier.residency, fileBytesHint),
    latency: latencyOf(carrier.latency),
    stalls: stallsOf(carrier.stalls),
    breakdown: breakdownOf(carrier.timeBreakdown),
    cache,
  };
}

/** The heatmap's samples out of a run's samples (those that carry a strip). */
export function residencySamples(samples: readonly unknown[]): ResidencySample[] {
  const out: ResidencySample[] = [];
  for (const s of samples) {
    if (!isObj(s)) continue;
    const t = num(s.elapsedMs);
    const fileHint = isObj(s.counters) ? num(s.counters.fileSize) : undefined;
    const r = residencyOf(s.residency, fileHint);
    if (t !== undefined && r?.strip) out.push({ tMs: t, strip: r.strip });
  }
  return out;
}
