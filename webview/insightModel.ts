// The insight views' own shapes (issue 16), and the one adapter from the
// protocol's (common/insight.ts). The drawing code (residency.ts, heatmap.ts,
// latency.ts, breakdown.ts, stallMarks.ts) reads only these types: when the
// protocol's shapes change, this file is the one to edit.
//
// The extension has parsed every message (common/messages.ts); a field that
// is not there (a record from before the insight data, a sample without a
// residency) is left out, and its view draws "no data".

import * as l10n from '@vscode/l10n';
import type { RunRecord } from '../common/protocol';
import { LATENCY_OPS, type CacheState, type GrowthStall, type Latency, type LatencyOp, type LatencySummary, type Residency, type TimeBreakdown } from '../common/insight';

export { LATENCY_OPS, type CacheState, type LatencyOp };


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

export const LATENCY_OP_LABELS: Readonly<Record<LatencyOp, string>> = {
  alloc: l10n.t('alloc'), deref: l10n.t('deref'), free: l10n.t('free'), mapView: l10n.t('map view'), unmapView: l10n.t('unmap view'), grow: l10n.t('grow'),
};

/** A histogram bucket: durations in [lowNs, highNs). */
export interface LatencyBucket {
  lowNs: number;
  highNs: number;
  count: number;
}

export interface LatencyView {
  count: number;
  /** Of which timed (what the percentiles and buckets are of): alloc, deref and free are sampled. */
  timed: number;
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
  copyCompare: l10n.t('copy and compare (library)'),
  heap: l10n.t('heap bookkeeping (library)'),
  mapUnmap: l10n.t('map / unmap system calls'),
  pageFaults: l10n.t('page faults (estimated)'),
  growth: l10n.t('growth'),
  evict: l10n.t('eviction (cold verify)'),
  runner: l10n.t('runner and streaming'),
};

/**
 * How the page-fault part was estimated: the faults the OS counted during the
 * library's steps, less those during growths (growth time), times the cost of
 * one fault. The library takes that estimate out of the time the steps had
 * left (copy and compare, bookkeeping, mapping): when the estimate is more,
 * the part is cut to that time, and `capped` says so.
 */
export interface FaultEstimateView {
  minor: number;
  major: number;
  /** The faults during growths (left out of the estimate); undefined in a record from before it was reported. */
  duringGrowth?: number;
  nsPerFault: number;
  /** How the runner estimates (its own words, English). */
  method: string;
  /** The faults the estimate costs: minor + major, less those during growths where known. */
  costed: number;
  /** costed x nsPerFault, in ms, before any cap. */
  estimateMs: number;
  /** The page-fault part is less than the estimate: it was cut to the time the steps had left. */
  capped: boolean;
}

export interface BreakdownView {
  /**
   * The bar's total: the run's wall time in the runner, from its start to its result, less any
   * pause (library + runner). Not the history's "waited" (the extension's round trip: the
   * runner's start, the file's creation and clean-up, the messages), which is longer.
   */
  wallMs: number;
  /** Paused or waiting for the next step (step mode): shown in words beside the bar, not drawn (0: none). */
  pausedMs: number;
  parts: Record<BreakdownPart, number>;
  faults: FaultEstimateView;
}



export interface RunInsight {
  residency?: ResidencyView;
  latency?: Partial<Record<LatencyOp, LatencyView>>;
  stalls: StallView[];
  breakdown?: BreakdownView;
  cache?: CacheState;
}

// ---- the adapter --------------------------------------------------------------

/** A strip's runs of [cells, resident, dirty] quarters as shares; the file's size beside them. */
export function residencyOf(r: Residency | undefined): ResidencyView | undefined {
  if (!r) return undefined;
  return {
    residentBytes: r.residentBytes,
    dirtyBytes: r.dirtyBytes,
    source: r.source,
    viewsOnly: r.viewsOnly,
    strip: r.fileBytes > 0 && r.strip.cellBytes > 0
      ? { fileBytes: r.fileBytes, cellBytes: r.strip.cellBytes, runs: r.strip.runs.map(([count, res, dirty]) => ({ count, resident: Math.min(1, res / 4), dirty: Math.min(1, dirty / 4) })) }
      : undefined,
  };
}

export function latencyOf(l: Latency | LatencySummary | undefined): Partial<Record<LatencyOp, LatencyView>> | undefined {
  if (!l) return undefined;
  const out: Partial<Record<LatencyOp, LatencyView>> = {};
  for (const op of LATENCY_OPS) {
    const x = l[op];
    out[op] = {
      count: x.count, timed: x.timed, p50Ns: x.p50Ns, p99Ns: x.p99Ns, p999Ns: x.p999Ns, maxNs: x.maxNs,
      buckets: ('buckets' in x ? x.buckets : []).filter(([, , n]) => n > 0).map(([lowNs, highNs, count]) => ({ lowNs, highNs, count })).sort((a, b) => a.lowNs - b.lowNs),
    };
  }
  return out;
}

export function stallsOf(stalls: readonly GrowthStall[] | undefined): StallView[] {
  return (stalls ?? [])
    .map((s) => ({ startMs: s.atMs, durationMs: s.durationMs, oldSize: s.oldSize, newSize: s.newSize, bytesCopied: s.bytesCopied }))
    .sort((a, b) => a.startMs - b.startMs);
}

/**
 * The breakdown (ns) in ms, with how the page faults were estimated and whether
 * that estimate was capped. The library (mm_run_insight_get) takes the estimate
 * from copy/compare, then bookkeeping, then mapping, each down to 0: the part
 * is capped exactly when it is below the estimate. A record from before the
 * faults during growths were reported cannot say what the estimate was; its
 * part counts as capped when it is below the upper bound (every fault costed)
 * and nothing was left in the three parts it is taken from.
 */
export function breakdownOf(t: TimeBreakdown | undefined): BreakdownView | undefined {
  if (!t) return undefined;
  const ms = (ns: number) => ns / 1e6;
  const f = t.faults;
  const counted = f.minor + f.major;
  const costed = f.duringGrowth === undefined ? counted : Math.max(0, counted - f.duringGrowth);
  const estimateNs = costed * f.nsPerFault;
  const below = t.pageFaultsNs < estimateNs;
  const capped = f.duringGrowth !== undefined ? below : below && t.copyCompareNs + t.heapNs + t.mapUnmapNs === 0;
  const pausedNs = Math.min(t.pausedNs ?? 0, t.wallNs);
  return {
    wallMs: ms(t.wallNs - pausedNs),
    pausedMs: ms(pausedNs),
    parts: {
      copyCompare: ms(t.copyCompareNs), heap: ms(t.heapNs), mapUnmap: ms(t.mapUnmapNs), pageFaults: ms(t.pageFaultsNs),
      growth: ms(t.growthNs), evict: ms(t.evictNs), runner: ms(t.runnerNs),
    },
    faults: {
      minor: f.minor, major: f.major, ...(f.duringGrowth !== undefined ? { duringGrowth: f.duringGrowth } : {}),
      nsPerFault: f.nsPerFault, method: f.method, costed, estimateMs: ms(estimateNs), capped,
    },
  };
}

/** What a sample or a result carries of the insight (all of it optional: older records have none). */
export interface InsightCarrier {
  residency?: Residency;
  /** A result's histograms, or a sample's figures so far (no buckets). */
  latency?: Latency | LatencySummary;
  stalls?: GrowthStall[];
  timeBreakdown?: TimeBreakdown;
  cache?: CacheState;
}

export function insightOf(carrier: InsightCarrier | undefined): RunInsight {
  return {
    residency: residencyOf(carrier?.residency),
    latency: latencyOf(carrier?.latency),
    stalls: stallsOf(carrier?.stalls),
    breakdown: breakdownOf(carrier?.timeBreakdown),
    cache: carrier?.cache,
  };
}

/** The heatmap's samples out of a run's samples (those that carry a residency). */
export function residencySamples(samples: readonly { elapsedMs: number; residency?: Residency }[]): ResidencySample[] {
  const out: ResidencySample[] = [];
  for (const s of samples) {
    const strip = residencyOf(s.residency)?.strip;
    if (strip) out.push({ tMs: s.elapsedMs, strip });
  }
  return out;
}

/** The file's size now: the result's, else the latest sample's (0: none yet). */
export function fileSizeOf(record: Pick<RunRecord, 'samples' | 'result'> | undefined): number {
  return record?.result?.stats.fileSize ?? record?.samples.at(-1)?.counters.fileSize ?? 0;
}

/**
 * Why the latency table has no figures (webview/insightText.ts latencyNote words it), or 'shown' (the
 * result's), or 'live' (a running run's so far, from its samples: no histogram yet).
 * 'baseline': the baseline allocates with the C heap's malloc, which the library does not time
 * (its histograms are all empty): one line says so instead of a table of zeros.
 */
export type LatencyState = 'shown' | 'live' | 'pending' | 'noResult' | 'noData' | 'baseline';

/** The scenario of a record: its result's, else the parameters it was started with. */
export function scenarioOf(record: (Pick<RunRecord, 'result'> & Partial<Pick<RunRecord, 'parameters'>>) | undefined): string | undefined {
  return record?.result?.scenario ?? record?.parameters?.scenario;
}

/** Why a record without latency figures has none: a baseline, still going (or cut off), failed, or older than the histograms. */
export function latencyState(
  record: (Pick<RunRecord, 'result'> & Partial<Pick<RunRecord, 'error' | 'parameters'>>) | undefined, i: Pick<RunInsight, 'latency'>,
): LatencyState {
  if (scenarioOf(record) === 'baseline') return 'baseline';
  if (i.latency && record?.result) return 'shown';
  if (record?.result) return 'noData';
  if (record?.error) return 'noResult';
  return i.latency ? 'live' : 'pending';
}
