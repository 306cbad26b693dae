// The insight views' sentences that carry figures (issue 16), pure so the unit
// tests read them: the heatmap's caption, the residency strip's line, the time
// breakdown's segments and its page-fault estimate (capped or not), the
// latency table's note. Every string goes through l10n.t (the panel's
// bundle, webview/l10nSetup.ts; English without one).

import * as l10n from '@vscode/l10n';
import { formatBytes, formatDuration } from '../common/format';
import { LATENCY_SAMPLE_EVERY, LATENCY_TIMED_FIRST } from '../common/insight';
import { BREAKDOWN_LABELS, BREAKDOWN_PARTS, LATENCY_OP_LABELS, LATENCY_OPS, type BreakdownPart, type BreakdownView, type CacheState, type LatencyOp, type LatencyState, type LatencyView, type ResidencyView } from './insightModel';

/** 850 ns, 12.3 µs, 4.56 ms, 1.20 s. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return '—';
  if (ns < 1000) return `${Math.round(ns)} ns`;
  const [scale, unit] = ns < 1e6 ? [1e3, 'µs'] : ns < 1e9 ? [1e6, 'ms'] : [1e9, 's'];
  const v = ns / scale;
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${unit}`;
}

/** A part of a run's time: three digits below a second (a short run's parts are µs), formatDuration above. */
export function formatPartMs(ms: number): string {
  return ms < 1000 ? formatNs(ms * 1e6) : formatDuration(ms);
}

export interface HeatmapFacts {
  /** Residency samples drawn. */
  samples: number;
  /** The first and the last sample's time (ms). */
  t0Ms: number;
  t1Ms: number;
  /** The offset axis: the file's size (the result's, else the latest sample's), at least the largest sampled. */
  axisBytes: number;
  /** The file's size as the result or the latest sample gives it (0: not known). */
  fileBytes: number;
  /** The largest file a residency sample saw. */
  sampledBytes: number;
  cols: number;
  rows: number;
}

/** "1 sample at 40 ms" / "12 samples over 3.2 s". */
export function sampleCount(samples: number, t0Ms: number, t1Ms: number): string {
  return samples === 1
    ? l10n.t('1 residency sample at {0}', formatDuration(t0Ms))
    : l10n.t('{0} residency samples over {1}', samples.toLocaleString('en-US'), formatDuration(t1Ms - t0Ms));
}

/**
 * The heatmap's caption: how many samples over how long, and the offset axis
 * as the file's size; when the samples saw a smaller file than the file is now
 * (few samples, the file grew after the last), it says how large they saw it.
 */
export function heatmapCaption(f: HeatmapFacts): string {
  const head = sampleCount(f.samples, f.t0Ms, f.t1Ms);
  const axis = f.fileBytes > 0 && f.fileBytes >= f.sampledBytes
    ? l10n.t('file offsets 0 to {0} (the file\'s size)', formatBytes(f.axisBytes))
    : l10n.t('file offsets 0 to {0} (the largest file sampled)', formatBytes(f.axisBytes));
  const seen = f.fileBytes > f.sampledBytes
    ? l10n.t('offsets beyond {0} were not sampled (the samples saw the file at that size at most)', formatBytes(f.sampledBytes))
    : '';
  const cells = l10n.t('{0} × {1} cells', f.cols, f.rows);
  return [head, axis, seen, cells].filter((x) => x !== '').join('; ');
}

/** The page-fault part's explanation: how it is estimated, and, when capped, estimate X capped to Y and why. */
export function faultEstimateText(b: BreakdownView): string {
  const f = b.faults;
  const counts = f.duringGrowth !== undefined
    ? l10n.t('{0} minor and {1} major faults, less {2} during growths (growth time): {3} faults × {4} ns = {5}',
      f.minor.toLocaleString('en-US'), f.major.toLocaleString('en-US'), f.duringGrowth.toLocaleString('en-US'),
      f.costed.toLocaleString('en-US'), Math.round(f.nsPerFault).toLocaleString('en-US'), formatPartMs(f.estimateMs))
    : l10n.t('{0} minor and {1} major faults (those during growths included: this run\'s record does not say how many) × {2} ns = {3}',
      f.minor.toLocaleString('en-US'), f.major.toLocaleString('en-US'), Math.round(f.nsPerFault).toLocaleString('en-US'), formatPartMs(f.estimateMs));
  const how = l10n.t('Estimated: {0}. Method: {1}', counts, f.method);
  if (!f.capped) return how;
  return `${faultCapText(b)} ${how}`;
}

/** "Estimate X capped to Y: …": only for a capped part. */
export function faultCapText(b: BreakdownView): string {
  return l10n.t('Estimate {0} capped to {1}, all the time the library\'s steps had left outside growth and eviction: the per-fault cost measured on this machine (once per process; under load it is inflated) overstates.',
    formatPartMs(b.faults.estimateMs), formatPartMs(b.parts.pageFaults));
}

/** The latency table's note: why it is empty, or nothing when it has figures. */
export function latencyNote(state: LatencyState): string {
  switch (state) {
    case 'shown': return '';
    case 'live': return l10n.t('So far: the run\'s figures, updated once a second. The histogram comes with the result.');
    case 'pending': return l10n.t('Latency per operation: the figures so far come once a second while the run goes, the histogram with the result.');
    case 'noResult': return l10n.t('No latency: the run ended without a result.');
    case 'noData': return l10n.t('No latency: this run\'s record has none (made before the latency histograms).');
    case 'baseline': return l10n.t('No latency: the baseline allocates with the C heap\'s malloc, which the library does not time.');
  }
}

/**
 * What the percentiles are of where the library sampled (alloc, deref and free past their first
 * 256: timing every one cost 6-8% of a random-scenario run), with each sampled row's figures;
 * '' when every operation was timed (a short run, or a result from before sampling).
 */
export function samplingNote(latency: Partial<Record<LatencyOp, LatencyView>> | undefined): string {
  const sampled = LATENCY_OPS.filter((op) => { const v = latency?.[op]; return v !== undefined && v.timed < v.count; });
  if (sampled.length === 0) return '';
  const rows = sampled.map((op) => l10n.t('{0} {1} of {2}', LATENCY_OP_LABELS[op], latency![op]!.timed.toLocaleString('en-US'), latency![op]!.count.toLocaleString('en-US'))).join(', ');
  return l10n.t('p50 to max are of a sample: the library times the first {0} allocs, derefs and frees, then about 1 in {1} (timed: {2}), and every view and growth. count counts every operation.',
    LATENCY_TIMED_FIRST, LATENCY_SAMPLE_EVERY, rows);
}

/**
 * Which reads the deref row counts, where a scenario reads back more than it dereferences: the
 * deletions scenario's read-back before the frees and the random scenario's final one go around
 * mm_deref (the seed dereferences nothing there; a deref would map views and move the counters
 * off the seed's), so they are not timed. '' where every read is a deref (grow).
 */
export function derefNote(scenario: string | undefined): string {
  switch (scenario) {
    case 'deletions': return l10n.t('deref: none timed. The deletions scenario reads every item back before the frees without mm_deref (the seed dereferences nothing there, and a deref would map views and change the counters), so those reads are not in the histogram.');
    case 'random': return l10n.t('deref: the random phase\'s dereferences only. The read-back of the live items before the final frees goes without mm_deref (the seed does not do it; a deref would map views and change the counters), so it is not in the histogram.');
    default: return '';
  }
}

/** A segment's tooltip and its words in the bar's label, from the breakdown's own figures (the widths are the same figures). */
export function segmentTexts(b: BreakdownView, part: BreakdownPart | 'other'): { ms: number; tip: string; words: string } | undefined {
  const ms = part === 'other' ? Math.max(0, b.wallMs - BREAKDOWN_PARTS.reduce((t, p) => t + b.parts[p], 0)) : b.parts[part];
  if (ms <= 0) return undefined;
  const name = part === 'other' ? l10n.t('not accounted for') : BREAKDOWN_LABELS[part];
  const time = formatPartMs(ms);
  const share = b.wallMs > 0
    ? l10n.t('{0}: {1} ({2}% of the run\'s {3} in the runner: library + runner)', name, time, Math.round((100 * ms) / b.wallMs), formatDuration(b.wallMs))
    : `${name}: ${time}`;
  if (part !== 'pageFaults') return { ms, tip: share, words: `${name} ${time}` };
  return {
    ms,
    tip: `${share}. ${faultEstimateText(b)}`,
    words: b.faults.capped ? l10n.t('{0} {1} (estimate {2}, capped)', name, time, formatPartMs(b.faults.estimateMs)) : `${name} ${time}`,
  };
}

/**
 * The line under the residency strip: resident (and dirty) bytes of the file as
 * sampled, and the source; when the file has grown since that sample
 * (`fileNow`, the latest sample's or the result's size), says so.
 */
export function residencyText(v: ResidencyView, fileNow = 0): string {
  const file = v.strip?.fileBytes;
  const resident = !file ? l10n.t('{0} resident', formatBytes(v.residentBytes))
    : fileNow > file ? l10n.t('{0} resident of {1} when sampled (the file is {2} now)', formatBytes(v.residentBytes), formatBytes(file), formatBytes(fileNow))
      : l10n.t('{0} resident of {1}', formatBytes(v.residentBytes), formatBytes(file));
  const dirty = v.dirtyBytes !== undefined ? l10n.t('{0} dirty', formatBytes(v.dirtyBytes)) : l10n.t('dirty not measured here');
  const source = v.viewsOnly ? l10n.t('{0}: the views only, the file cache is not visible here', v.source) : v.source;
  return `${resident}, ${dirty} (${source})`;
}

/** The line under the counters on the verify's cache: cold or warm; nothing for the baseline (it has no file) or a run without it. */
export function cacheNote(cache: CacheState | undefined, scenario: string | undefined): string {
  if (!cache || scenario === 'baseline') return '';
  return cache === 'cold'
    ? l10n.t('Verify read cold: the file\'s pages were evicted from memory before the verify phase, so the read-back measured the disk.')
    : l10n.t('Verify read warm: the file\'s pages stayed in memory (page cache) for the verify phase.');
}

/**
 * A breakdown row's label: the run, cold or warm (not for the baseline: it has no file, so no mode
 * and no cache either), and the bar's total named for what it is; a pause in words beside it (not drawn).
 */
export function breakdownLabel(run: { label: string; scenario?: string; mode?: string }, cache: CacheState | undefined, b: BreakdownView): string {
  const baseline = run.scenario === 'baseline';
  // The default label is "<scenario> <mode>": the baseline's mode means nothing (its items are in the C heap).
  const name = baseline && run.mode !== undefined && run.label === `baseline ${run.mode}` ? 'baseline' : run.label;
  const state = !baseline && cache ? ` (${cache === 'cold' ? l10n.t('cold') : l10n.t('warm')})` : '';
  const words = [l10n.t('{0} in the runner', formatDuration(b.wallMs))];
  if (b.pausedMs > 0) words.push(l10n.t('paused {0} (not drawn)', formatDuration(b.pausedMs)));
  return `${name}${state}: ${words.join(', ')}`;
}

/** Under the bars: what a bar's total is, and why it is less than the history's "waited". */
export function breakdownTotalNote(): string {
  return l10n.t('Each bar is the run\'s wall time in the runner, from its start to its result: the library\'s steps plus the runner\'s own work (sampling, streaming to the panel). Time paused or waiting for the next step is not drawn. The history\'s "waited" time is longer: it is the extension\'s round trip, which adds starting the run in the runner, creating and removing the file, and the messages.');
}
