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
  /** How it was measured ("cachestat", "mincore", "QueryWorkingSetEx (views only; …)"). */
  source: string;
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
export const BREAKDOWN_PARTS = ['copyCompare', 'mapUnmap', 'pageFaults', 'growth', 'runner'] as const;
export type BreakdownPart = (typeof BREAKDOWN_PARTS)[number];
export const BREAKDOWN_LABELS: Readonly<Record<BreakdownPart, string>> = {
  copyCompare: 'copy and compare (library)',
  mapUnmap: 'map / unmap system calls',
  pageFaults: 'page faults (estimated)',
  growth: 'growth',
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
 * Bucket i's lower end in ns, for a histogram sent as a dense array of counts:
 * four buckets per power of two (mm_latency_bucket_floor in native/include/memmap.h):
 * 0, 1, 2, 3, then (4 + i % 4) << (i / 4 - 1).
 */
export function bucketFloorNs(i: number): number {
  if (i < 4) return i;
  return (4 + (i % 4)) * 2 ** (Math.floor(i / 4) - 1);
}

/** A run-length strip: {cellBytes, fileBytes?, runs: [[count, resident, dirty?]...] or [{count, resident, dirty}...]} with shares 0..1, or levels 0..4 (quarters) when `levels` is 4. */
function stripOf(v: unknown, fileBytesHint: number | undefined): StripView | undefined {
  if (!isObj(v)) return undefined;
  const cellBytes = num(v.cellBytes);
  const rawRuns = v.runs;
  if (!cellBytes || !Array.isArray(rawRuns)) return undefined;
  const levels = num(v.levels) ?? 1;
  const share = (x: unknown) => Math.min(1, (num(x) ?? 0) / (levels || 1));
  const runs: StripRun[] = [];
  for (const r of rawRuns) {
    const [count, resident, dirty] = Array.isArray(r) ? r : isObj(r) ? [r.count, r.resident, r.dirty] : [];
    const c = num(count);
    if (!c || !Number.isInteger(c)) return undefined;
    runs.push({ count: c, resident: share(resident), dirty: share(dirty) });
  }
  const cells = runs.reduce((n, r) => n + r.count, 0);
  const fileBytes = num(v.fileBytes) ?? fileBytesHint ?? cells * cellBytes;
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
    strip: stripOf(v.strip, num(v.fileBytes) ?? fileBytesHint),
  };
}

function bucketsOf(v: unknown): LatencyBucket[] {
  if (!Array.isArray(v)) return [];
  const out: LatencyBucket[] = [];
  if (v.every((x) => typeof x === 'number')) {
    // Dense: one count per bucket of the native layout.
    v.forEach((count: number, i) => { if (count > 0) out.push({ lowNs: bucketFloorNs(i), highNs: bucketFloorNs(i + 1), count }); });
    return out;
  }
  // Sparse: [lowNs, count] or [lowNs, highNs, count] or {lowNs|floorNs, highNs?, count}.
  for (const b of v) {
    const [lo, hi, c] = Array.isArray(b) ? (b.length >= 3 ? b : [b[0], undefined, b[1]]) : isObj(b) ? [b.lowNs ?? b.floorNs, b.highNs, b.count] : [];
    const lowNs = num(lo);
    const count = num(c);
    if (lowNs === undefined || !count) continue;
    out.push({ lowNs, highNs: num(hi) ?? lowNs, count });
  }
  out.sort((a, b) => a.lowNs - b.lowNs);
  // A sparse bucket without its upper end ends where the next begins (or at its own floor's next step).
  out.forEach((b, i) => { if (b.highNs <= b.lowNs) b.highNs = out[i + 1]?.lowNs ?? Math.max(b.lowNs + 1, b.lowNs * 1.25); });
  return out;
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
    const startMs = num(s.startMs) ?? (num(s.startNs) !== undefined ? num(s.startNs)! / 1e6 : undefined);
    const durationMs = num(s.durationMs) ?? (num(s.durationNs) !== undefined ? num(s.durationNs)! / 1e6 : undefined);
    if (startMs === undefined || durationMs === undefined) continue;
    out.push({ startMs, durationMs, oldSize: num(s.oldSize), newSize: num(s.newSize), bytesCopied: num(s.bytesCopied) });
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

export function breakdownOf(v: unknown, wallHint: number | undefined): BreakdownView | undefined {
  if (!isObj(v)) return undefined;
  const ms = (...keys: string[]): number => {
    for (const k of keys) {
      const x = num(v[k]);
      if (x !== undefined) return x;
      const ns = num(v[`${k.replace(/Ms$/, '')}Ns`]);
      if (ns !== undefined) return ns / 1e6;
    }
    return 0;
  };
  const parts: Record<BreakdownPart, number> = {
    copyCompare: ms('copyCompareMs', 'copyMs'),
    mapUnmap: ms('mapUnmapMs', 'mapMs'),
    pageFaults: ms('pageFaultsMs', 'faultsMs'),
    growth: ms('growthMs', 'growMs'),
    runner: ms('runnerMs', 'streamingMs'),
  };
  const wallMs = num(v.wallMs) ?? (num(v.wallNs) !== undefined ? num(v.wallNs)! / 1e6 : wallHint ?? BREAKDOWN_PARTS.reduce((t, p) => t + parts[p], 0));
  const est = v.faultEstimate ?? v.pageFaultsEstimate;
  return { wallMs, parts, faultEstimate: typeof est === 'string' ? est : undefined };
}

/** The insight of a sample, a result or a record's last sample: whatever of it is there. */
export function insightOf(carrier: unknown, fileBytesHint?: number, wallHint?: number): RunInsight {
  if (!isObj(carrier)) return { stalls: [] };
  const cache = carrier.cache === 'warm' || carrier.cache === 'cold' ? carrier.cache : undefined;
  return {
    residency: residencyOf(carrier.residency, fileBytesHint),
    latency: latencyOf(carrier.latency),
    stalls: stallsOf(carrier.stalls ?? carrier.growthStalls),
    breakdown: breakdownOf(carrier.timeBreakdown, wallHint),
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
