// Issue 16, the data of "insight": which pages of the mapped file are
// resident, what each operation costs, where a run's time went, and whether
// its read-back was cold. Defined once here; the runner fills them from the
// library (memmap.h: mm_heap_latency, mm_heap_stalls, mm_heap_residency;
// memmap_lab.h: mm_run_insight_get), messages.ts parses them, the panel
// draws them. Pure: no Node or VS Code imports.

import type { Parsed } from './parsed';

// ---- latency ---------------------------------------------------------------

/** The timed operations, in the order of memmap.h's mm_op. */
export const LATENCY_OPS = ['alloc', 'deref', 'free', 'mapView', 'unmapView', 'grow'] as const;
export type LatencyOp = (typeof LATENCY_OPS)[number];

/**
 * One bucket of a latency histogram: `count` operations took at least
 * `fromNs` and less than `toNs`. The library's buckets are log-linear, four
 * per power of two (each at most 25% wide); only non-empty ones are listed,
 * in ascending order.
 */
export type LatencyBucket = [fromNs: number, toNs: number, count: number];

export interface OpLatency {
  /** Operations: equal to the counter of the same operation (see LATENCY_COUNTERS). */
  count: number;
  /**
   * Of which timed: what the buckets hold. Views and growths are all timed; alloc, deref and free
   * their first LATENCY_TIMED_FIRST, then one in LATENCY_SAMPLE_EVERY on average (memmap.h).
   * A result recorded before sampling (no `timed`) timed every one.
   */
  timed: number;
  /** The timed operations' total time. */
  sumNs: number;
  minNs: number;
  maxNs: number;
  /** The duration at rank ceil(q x timed), as the upper end of its bucket (at most maxNs). */
  p50Ns: number;
  p99Ns: number;
  p999Ns: number;
  buckets: LatencyBucket[];
}

export type Latency = Record<LatencyOp, OpLatency>;

/** How often a sample carries the latency so far (the runner reads it between slices). */
export const LATENCY_SAMPLE_INTERVAL_MS = 1000;

/** A histogram's figures without its buckets: what a sample carries while the run goes (once a second). */
export type OpLatencySummary = Pick<OpLatency, 'count' | 'timed' | 'p50Ns' | 'p99Ns' | 'p999Ns' | 'maxNs'>;
export type LatencySummary = Record<LatencyOp, OpLatencySummary>;

export function summarizeLatency(l: Latency): LatencySummary {
  const out = {} as LatencySummary;
  for (const op of LATENCY_OPS) {
    const { count, timed, p50Ns, p99Ns, p999Ns, maxNs } = l[op];
    out[op] = { count, timed, p50Ns, p99Ns, p999Ns, maxNs };
  }
  return out;
}

/** memmap.h's MM_LATENCY_TIMED_FIRST and MM_LATENCY_SAMPLE_EVERY: alloc, deref and free time their first 256, then one in 16 on average. */
export const LATENCY_TIMED_FIRST = 256;
export const LATENCY_SAMPLE_EVERY = 16;
/** The operations timed every time (the others are sampled). */
export const LATENCY_ALWAYS_TIMED: readonly LatencyOp[] = ['mapView', 'unmapView', 'grow'];

/** Which counter each timed operation's count must equal (deref and grow have none among the counters). */
export const LATENCY_COUNTERS = { alloc: 'allocs', free: 'deletions', mapView: 'mapViews' } as const;

/** A growth of the file, as a stall of the allocating thread, on the run's time axis. */
export interface GrowthStall {
  /**
   * When it began, ms after the run's heap was opened (its creation). The samples' elapsedMs
   * counts from a moment a few ms later (after the budgets are set up): close enough to mark the
   * stalls on that axis, not to order them against single samples.
   */
  atMs: number;
  durationMs: number;
  oldSize: number;
  newSize: number;
  bytesCopied: number;
}

// ---- residency ----------------------------------------------------------------

/** Where the residency figures come from. */
export const RESIDENCY_SOURCES = ['cachestat', 'mincore', 'QueryWorkingSetEx', 'none'] as const;
export type ResidencySource = (typeof RESIDENCY_SOURCES)[number];

/**
 * A run of equal cells: `cells` consecutive cells whose resident and dirty
 * parts are `resident` and `dirty` quarters of the cell (0 none, 1..3 some,
 * rounded to the nearest quarter but never to 0 or 4, 4 all).
 */
export type StripRun = [cells: number, resident: number, dirty: number];

export interface ResidencyStrip {
  /** Bytes per cell: a multiple of the page size, chosen so the file is at most the cells asked for. */
  cellBytes: number;
  /** Cells in all: ceil(fileBytes / cellBytes); the runs' cells add up to it. */
  cells: number;
  runs: StripRun[];
}

export interface Residency {
  /** The file's size when sampled. */
  fileBytes: number;
  /** Bytes of it in RAM (viewsOnly: of the views). */
  residentBytes: number;
  /** Not yet written back: only where the source measures it (cachestat). */
  dirtyBytes?: number;
  source: ResidencySource;
  /** Only the process's views are visible (Windows QueryWorkingSetEx: the file cache is not). */
  viewsOnly: boolean;
  /** What taking this sample cost. */
  costNs: number;
  strip: ResidencyStrip;
}

/** Cells of the strip in a sample (the heatmap's rows) and in a result. */
export const SAMPLE_STRIP_CELLS = 1024;
export const RESULT_STRIP_CELLS = 4096;
/** The residency sampling's share of the run's time it may use. */
export const RESIDENCY_COST_SHARE = 0.01;

/** Run-length encode the library's cells (low 4 bits resident, high 4 bits dirty quarters). */
export function encodeStrip(cells: Uint8Array, count: number, cellBytes: number): ResidencyStrip {
  const runs: StripRun[] = [];
  for (let i = 0; i < count; i++) {
    const resident = cells[i] & 15;
    const dirty = cells[i] >> 4;
    const last = runs[runs.length - 1];
    if (last && last[1] === resident && last[2] === dirty) last[0]++;
    else runs.push([1, resident, dirty]);
  }
  return { cellBytes, cells: count, runs };
}

/** The strip's cells, one level pair per cell (for drawing, and for tests). */
export function decodeStrip(strip: ResidencyStrip): Array<[resident: number, dirty: number]> {
  const out: Array<[number, number]> = [];
  for (const [n, r, d] of strip.runs) for (let i = 0; i < n; i++) out.push([r, d]);
  return out;
}

// ---- time breakdown and cache ---------------------------------------------

/**
 * Where a finished run's wall time went, in ns. wallNs is the run's time in
 * the runner, from its start to its result (not the extension's "waited",
 * which adds the round trip: starting the runner's run, the messages, the
 * clean-up). The library's parts add up to libraryNs exactly (the time inside
 * mm_run_step); pausedNs is the time the run stood paused or waited for the
 * next step (absent in results from before it was kept apart: counted in
 * runnerNs then); runnerNs is the rest (the runner's JavaScript, sampling,
 * streaming to the panel):
 *   copyCompareNs + heapNs + mapUnmapNs + pageFaultsNs + growthNs + evictNs == libraryNs
 *   libraryNs + runnerNs + (pausedNs ?? 0) == wallNs
 */
export interface TimeBreakdown {
  wallNs: number;
  libraryNs: number;
  /** The lab's copying in and comparing out (memcpy, memcmp, its loop). */
  copyCompareNs: number;
  /** The heap's bookkeeping in alloc/deref/free, outside mapping and growth. */
  heapNs: number;
  /** Mapping and unmapping views outside growth (with prefault: populating them). */
  mapUnmapNs: number;
  /** Page faults, estimated: see `faults`. Taken from copy/compare, then bookkeeping, then mapping. */
  pageFaultsNs: number;
  /** Growth, its own copies and views included (the stalls). */
  growthNs: number;
  /** Evicting the file before a cold verify. */
  evictNs: number;
  runnerNs: number;
  /** Paused, or waiting for the next step (step mode): the user's time, in neither the library's nor the runner's part. */
  pausedNs?: number;
  faults: {
    minor: number;
    major: number;
    /**
     * Of minor + major, those during growths (growth time, not costed here). The estimate is
     * (minor + major - duringGrowth) x nsPerFault; pageFaultsNs is less when the steps had less
     * time left. Absent in results from before it was reported.
     */
    duringGrowth?: number;
    /** The platform's measured cost of one fault (mm_fault_cost_get). */
    nsPerFault: number;
    /** How pageFaultsNs was estimated. */
    method: string;
  };
}

export const FAULT_ESTIMATE_METHOD =
  'the page faults the OS counted for the process during the library\'s steps, less those during growths (growth time), '
  + 'times the cost of one fault measured on this machine (16 MiB of shared anonymous memory touched page by page: '
  + 'time / faults counted); a major fault\'s disk time is not in that cost';

export const CACHE_STATES = ['warm', 'cold'] as const;
export type CacheState = (typeof CACHE_STATES)[number];

/** The steps an eviction took (memmap.h's MM_EVICT_* bits, in bit order). */
export const EVICT_METHODS = ['writeback', 'fadvise', 'pageout', 'trim'] as const;
export type EvictMethod = (typeof EVICT_METHODS)[number];

export interface Eviction {
  /** What took effect: write-back, posix_fadvise(POSIX_FADV_DONTNEED), madvise(MADV_PAGEOUT), Windows working-set trim. */
  methods: EvictMethod[];
  residentBeforeBytes: number;
  residentAfterBytes: number;
  durationNs: number;
}

/** The insight fields of a finished run's result. */
export interface RunInsight {
  cache: CacheState;
  /** A cold verify: how the file was evicted before it. */
  eviction?: Eviction;
  latency: Latency;
  stalls: GrowthStall[];
  /** Mapped scenarios only (the baseline has no file). */
  residency?: Residency;
  timeBreakdown: TimeBreakdown;
}

// ---- parsing (messages from the runner) -----------------------------------

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const refused = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

function numbers<K extends string>(x: unknown, keys: readonly K[], what: string): Parsed<Record<K, number>> {
  if (!isObj(x)) return refused(`${what}: an object expected`);
  const out = {} as Record<K, number>;
  for (const k of keys) {
    if (!isNum(x[k])) return refused(`${what}.${k}: a finite number not below 0 expected`);
    out[k] = x[k];
  }
  return { ok: true, value: out };
}

function tuples(x: unknown, width: number, what: string): Parsed<number[][]> {
  if (!Array.isArray(x)) return refused(`${what}: an array expected`);
  const out: number[][] = [];
  for (const t of x) {
    if (!Array.isArray(t) || t.length !== width || !t.every(isNum)) return refused(`${what}: entries of ${width} finite numbers not below 0 expected`);
    out.push([...t]);
  }
  return { ok: true, value: out };
}

const OP_KEYS = ['count', 'sumNs', 'minNs', 'maxNs', 'p50Ns', 'p99Ns', 'p999Ns'] as const;

/** `timed` of a histogram or a sample's figures: how many of `count` were timed. */
const isTimed = (timed: unknown, count: number): timed is number => isNum(timed) && Number.isInteger(timed) && timed <= count;
const timedRefusal = (op: LatencyOp, count: number) => `latency.${op}.timed: a whole number from 0 to count (${count}) expected`;

export function parseLatency(x: unknown): Parsed<Latency> {
  if (!isObj(x)) return refused('latency: an object expected');
  const out = {} as Latency;
  for (const op of LATENCY_OPS) {
    const n = numbers(x[op], OP_KEYS, `latency.${op}`);
    if (!n.ok) return n;
    const b = tuples((x[op] as Obj).buckets, 3, `latency.${op}.buckets`);
    if (!b.ok) return b;
    // results from before sampling (recording format 1.0 as first written) have no `timed`: they timed every operation
    const t = (x[op] as Obj).timed;
    const timed = t === undefined ? n.value.count : t;
    if (!isTimed(timed, n.value.count)) return refused(timedRefusal(op, n.value.count));
    out[op] = { ...n.value, timed, buckets: b.value as LatencyBucket[] };
  }
  return { ok: true, value: out };
}

const SUMMARY_KEYS = ['count', 'timed', 'p50Ns', 'p99Ns', 'p999Ns', 'maxNs'] as const;

export function parseLatencySummary(x: unknown): Parsed<LatencySummary> {
  if (!isObj(x)) return refused('latency: an object expected');
  const out = {} as LatencySummary;
  for (const op of LATENCY_OPS) {
    const n = numbers(x[op], SUMMARY_KEYS, `latency.${op}`);
    if (!n.ok) return n;
    if (!isTimed(n.value.timed, n.value.count)) return refused(timedRefusal(op, n.value.count));
    out[op] = n.value;
  }
  return { ok: true, value: out };
}

export function parseResidency(x: unknown): Parsed<Residency> {
  const n = numbers(x, ['fileBytes', 'residentBytes', 'costNs'] as const, 'residency');
  if (!n.ok) return n;
  const r = x as Obj;
  const source = RESIDENCY_SOURCES.find((s) => s === r.source);
  if (source === undefined) return refused(`residency.source: one of ${RESIDENCY_SOURCES.join(', ')} expected`);
  if (typeof r.viewsOnly !== 'boolean') return refused('residency.viewsOnly: true or false expected');
  if (r.dirtyBytes !== undefined && !isNum(r.dirtyBytes)) return refused('residency.dirtyBytes: a finite number not below 0 expected');
  const s = numbers(r.strip, ['cellBytes', 'cells'] as const, 'residency.strip');
  if (!s.ok) return s;
  const runs = tuples((r.strip as Obj).runs, 3, 'residency.strip.runs');
  if (!runs.ok) return runs;
  return {
    ok: true,
    value: {
      ...n.value, ...(r.dirtyBytes !== undefined ? { dirtyBytes: r.dirtyBytes as number } : {}), source, viewsOnly: r.viewsOnly,
      strip: { ...s.value, runs: runs.value as StripRun[] },
    },
  };
}

const BREAKDOWN_KEYS = ['wallNs', 'libraryNs', 'copyCompareNs', 'heapNs', 'mapUnmapNs', 'pageFaultsNs', 'growthNs', 'evictNs', 'runnerNs'] as const;
const STALL_KEYS = ['atMs', 'durationMs', 'oldSize', 'newSize', 'bytesCopied'] as const;
const EVICTION_KEYS = ['residentBeforeBytes', 'residentAfterBytes', 'durationNs'] as const;

/** The insight fields of a result object (all present, or none: an older runner's). */
export function parseRunInsight(r: Obj): Parsed<RunInsight | undefined> {
  if (r.cache === undefined && r.latency === undefined) return { ok: true, value: undefined };
  const cache = CACHE_STATES.find((c) => c === r.cache);
  if (cache === undefined) return refused(`cache: one of ${CACHE_STATES.join(', ')} expected`);
  const latency = parseLatency(r.latency);
  if (!latency.ok) return latency;
  if (!Array.isArray(r.stalls)) return refused('stalls: an array expected');
  const stalls: GrowthStall[] = [];
  for (const s of r.stalls) {
    const n = numbers(s, STALL_KEYS, 'stalls[]');
    if (!n.ok) return n;
    stalls.push(n.value);
  }
  const tb = numbers(r.timeBreakdown, BREAKDOWN_KEYS, 'timeBreakdown');
  if (!tb.ok) return tb;
  const f = (r.timeBreakdown as Obj).faults;
  const fn = numbers(f, ['minor', 'major', 'nsPerFault'] as const, 'timeBreakdown.faults');
  if (!fn.ok) return fn;
  if (typeof (f as Obj).method !== 'string') return refused('timeBreakdown.faults.method: a string expected');
  const pausedNs = (r.timeBreakdown as Obj).pausedNs;
  if (pausedNs !== undefined && !isNum(pausedNs)) return refused('timeBreakdown.pausedNs: a finite number not below 0 expected');
  const duringGrowth = (f as Obj).duringGrowth;
  if (duringGrowth !== undefined && !isNum(duringGrowth)) return refused('timeBreakdown.faults.duringGrowth: a finite number not below 0 expected');
  const out: RunInsight = {
    cache, latency: latency.value, stalls,
    timeBreakdown: { ...tb.value, ...(pausedNs !== undefined ? { pausedNs } : {}), faults: { ...fn.value, ...(duringGrowth !== undefined ? { duringGrowth } : {}), method: (f as Obj).method as string } },
  };
  if (r.residency !== undefined) {
    const res = parseResidency(r.residency);
    if (!res.ok) return res;
    out.residency = res.value;
  }
  if (r.eviction !== undefined) {
    const e = numbers(r.eviction, EVICTION_KEYS, 'eviction');
    if (!e.ok) return e;
    const m = (r.eviction as Obj).methods;
    if (!Array.isArray(m) || !m.every((x) => EVICT_METHODS.some((k) => k === x))) return refused(`eviction.methods: a list of ${EVICT_METHODS.join(', ')} expected`);
    out.eviction = { ...e.value, methods: m as EvictMethod[] };
  }
  return { ok: true, value: out };
}

// ---- consistency rules ---------------------------------------------------------

/**
 * What breaks the rules between a result's insight fields and its counters,
 * one sentence each (empty: consistent): the latency counts equal the
 * counters; every histogram's buckets add up to its timed operations (all of them for views and growths, at least the first 256 of the others), ascending and
 * within [min, max], its percentiles ordered; the strip covers the file; the
 * breakdown's parts add up, and its page-fault part is the estimate, or less
 * only when nothing was left to take it from (capped).
 */
export function insightProblems(r: { scenario?: string; stats: { allocs: number; deletions: number; mapViews: number } } & RunInsight): string[] {
  const out: string[] = [];
  for (const [op, counter] of Object.entries(LATENCY_COUNTERS) as Array<[keyof typeof LATENCY_COUNTERS, keyof typeof r.stats]>) {
    // The baseline allocates with the C heap's malloc, which the library does not time: its histograms are empty.
    const expected = r.scenario === 'baseline' ? 0 : r.stats[counter];
    if (r.latency[op].count !== expected) out.push(`latency.${op}.count ${r.latency[op].count} is not ${r.scenario === 'baseline' ? '0 (the baseline is not timed)' : `stats.${counter} ${r.stats[counter]}`}`);
  }
  for (const op of LATENCY_OPS) {
    const l = r.latency[op];
    const sum = l.buckets.reduce((a, b) => a + b[2], 0);
    if (sum !== l.timed) out.push(`latency.${op}: the buckets hold ${sum}, ${l.timed} were timed`);
    const mustTime = LATENCY_ALWAYS_TIMED.includes(op) ? l.count : Math.min(l.count, LATENCY_TIMED_FIRST);
    if (l.timed > l.count || l.timed < mustTime) out.push(`latency.${op}: ${l.timed} timed of ${l.count}; allowed: ${mustTime} to ${l.count}`);
    if (l.timed > 0 && !(l.minNs <= l.p50Ns && l.p50Ns <= l.p99Ns && l.p99Ns <= l.p999Ns && l.p999Ns <= l.maxNs)) {
      out.push(`latency.${op}: min <= p50 <= p99 <= p99.9 <= max does not hold`);
    }
    for (let i = 0; i < l.buckets.length; i++) {
      const [from, to, n] = l.buckets[i];
      if (!(from < to) || n === 0 || (i > 0 && from < l.buckets[i - 1][1])) out.push(`latency.${op}.buckets[${i}] is empty, inverted or out of order`);
      if (to <= l.minNs || from > l.maxNs) out.push(`latency.${op}.buckets[${i}] lies outside [min, max]`);
    }
  }
  if (r.stalls.length > r.latency.grow.count) out.push(`${r.stalls.length} stalls but ${r.latency.grow.count} growths`);
  const t = r.timeBreakdown;
  const parts = t.copyCompareNs + t.heapNs + t.mapUnmapNs + t.pageFaultsNs + t.growthNs + t.evictNs;
  if (parts !== t.libraryNs) out.push(`timeBreakdown: the library's parts add up to ${parts}, not libraryNs ${t.libraryNs}`);
  if (t.libraryNs + t.runnerNs + (t.pausedNs ?? 0) !== t.wallNs) out.push(`timeBreakdown: libraryNs + runnerNs + pausedNs is not wallNs ${t.wallNs}`);
  if (t.faults.duringGrowth !== undefined) {
    // The estimate, taken from copy/compare, bookkeeping and mapping: all of it, or all they had left (capped).
    const estimate = Math.max(0, t.faults.minor + t.faults.major - t.faults.duringGrowth) * t.faults.nsPerFault;
    if (t.pageFaultsNs > estimate) out.push(`timeBreakdown: pageFaultsNs ${t.pageFaultsNs} is more than its estimate ${estimate}`);
    else if (t.pageFaultsNs < estimate && t.copyCompareNs + t.heapNs + t.mapUnmapNs > 0) {
      out.push(`timeBreakdown: pageFaultsNs ${t.pageFaultsNs} is capped below its estimate ${estimate} while copy/compare, bookkeeping or mapping had time left`);
    }
  }
  if (r.residency) {
    const s = r.residency.strip;
    const cells = s.runs.reduce((a, x) => a + x[0], 0);
    if (cells !== s.cells) out.push(`residency.strip: the runs cover ${cells} cells, not ${s.cells}`);
    if (s.cells * s.cellBytes < r.residency.fileBytes || (s.cells > 0 && (s.cells - 1) * s.cellBytes >= r.residency.fileBytes)) {
      out.push('residency.strip does not cover the file exactly (ceil(fileBytes / cellBytes) cells)');
    }
    if (r.residency.residentBytes > r.residency.fileBytes) out.push('residency.residentBytes is more than the file');
    if (s.runs.some(([, a, b]) => a > 4 || b > 4)) out.push('residency.strip: levels are 0..4');
  }
  if ((r.cache === 'cold') !== (r.eviction !== undefined)) out.push(`cache ${r.cache} ${r.eviction ? 'with' : 'without'} an eviction`);
  return out;
}
