// The insight views' sentences with figures (issue 16, the defects a new user
// found): the heatmap's caption names the file's size, not the largest sampled
// one, in a correct singular or plural; a capped page-fault estimate says
// "estimate X capped to Y" with Y the bar's own figure; the latency table says
// when its figures come. English: no bundle is configured here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TimeBreakdown } from '../../../common/insight';
import type { RunRecord } from '../../../common/protocol';
import { binHeatmap } from '../../../webview/insightLayout';
import { fileSizeOf, insightOf, latencyState, type ResidencySample } from '../../../webview/insightModel';
import {
  breakdownLabel, breakdownTotalNote, cacheNote, derefNote, faultEstimateText, formatPartMs, heatmapCaption, latencyNote, residencyText, samplingNote, segmentTexts,
} from '../../../webview/insightText';

const MiB = 1024 * 1024;

/** One residency sample of a file of `fileBytes` in 1 MiB cells, all resident. */
const sample = (tMs: number, fileBytes: number): ResidencySample => ({
  tMs, strip: { fileBytes, cellBytes: MiB, runs: [{ count: Math.ceil(fileBytes / MiB), resident: 1, dirty: 0 }] },
});

/** The caption as the heatmap builds it from its bins and the file's size. */
function caption(samples: ResidencySample[], fileSize: number): string {
  const b = binHeatmap(samples, 600, 64, fileSize);
  return heatmapCaption({ samples: samples.length, t0Ms: b.t0Ms, t1Ms: b.t1Ms, axisBytes: b.fileBytes, fileBytes: fileSize, sampledBytes: b.sampledBytes, cols: b.cols, rows: b.rows });
}

test('heatmap caption: one sample of a 16 MiB file that is 256 MiB now: singular, the file\'s size, what the sample saw', () => {
  const text = caption([sample(40, 16 * MiB)], 256 * MiB);
  // "Beyond" an offset, not "below" (which reads as lower in the picture, i.e. the larger offsets, or as smaller ones).
  assert.equal(text, '1 residency sample at 40 ms; file offsets 0 to 256.0 MiB (the file\'s size); offsets beyond 16.00 MiB were not sampled (the samples saw the file at that size at most); 1 × 64 cells');
  assert.doesNotMatch(text, /below/);
  assert.doesNotMatch(text, /1 samples/);
});

test('heatmap caption: several samples that saw the whole file: plural, the file\'s size, nothing about a smaller sample', () => {
  const text = caption([sample(0, 16 * MiB), sample(1500, 64 * MiB), sample(3200, 64 * MiB)], 64 * MiB);
  assert.equal(text, '3 residency samples over 3.2 s; file offsets 0 to 64.00 MiB (the file\'s size); 3 × 64 cells');
  // The file's size not known (0): the largest sampled file is the axis, and the caption says that is what it is.
  assert.equal(caption([sample(0, 8 * MiB), sample(10, 8 * MiB)], 0), '2 residency samples over 10 ms; file offsets 0 to 8.00 MiB (the largest file sampled); 2 × 64 cells');
});

test('heatmap bins: the offset axis is the file\'s size; rows past what the samples saw are not present', () => {
  const b = binHeatmap([sample(40, 16 * MiB)], 600, 64, 256 * MiB);
  assert.equal(b.fileBytes, 256 * MiB);
  assert.equal(b.sampledBytes, 16 * MiB);
  // 64 rows of 4 MiB: the sample's 16 MiB are rows 0-3, resident; rows 4-63 are beyond the file as sampled.
  assert.deepEqual([...b.present], [...Array(4).fill(1), ...Array(60).fill(0)]);
  assert.deepEqual([...b.resident.slice(0, 5)], [1, 1, 1, 1, 0]);
  // A file size below the largest sampled (not known, or a stale figure) does not shrink the axis.
  assert.equal(binHeatmap([sample(0, 16 * MiB)], 600, 64, 4 * MiB).fileBytes, 16 * MiB);
});

test('the file\'s size for the heatmap: the result\'s, else the latest sample\'s, else 0', () => {
  const s = (fileSize: number) => ({ counters: { fileSize } }) as unknown as RunRecord['samples'][number];
  assert.equal(fileSizeOf({ samples: [s(1), s(2)], result: { stats: { fileSize: 3 } } as unknown as RunRecord['result'] }), 3);
  assert.equal(fileSizeOf({ samples: [s(1), s(2)], result: undefined }), 2);
  assert.equal(fileSizeOf({ samples: [], result: undefined }), 0);
  assert.equal(fileSizeOf(undefined), 0);
});

test('the residency strip\'s line: the sampled file\'s size, and the size now when the file grew since the sample', () => {
  const v = { residentBytes: 200 * MiB, dirtyBytes: 24 * MiB, source: 'cachestat', viewsOnly: false, strip: { fileBytes: 256 * MiB, cellBytes: MiB, runs: [] } };
  assert.equal(residencyText(v, 512 * MiB), '200.0 MiB resident of 256.0 MiB when sampled (the file is 512.0 MiB now), 24.00 MiB dirty (cachestat)');
  assert.equal(residencyText(v, 256 * MiB), '200.0 MiB resident of 256.0 MiB, 24.00 MiB dirty (cachestat)');
  assert.equal(residencyText(v), '200.0 MiB resident of 256.0 MiB, 24.00 MiB dirty (cachestat)');
  assert.equal(residencyText({ residentBytes: 4096, source: 'QueryWorkingSetEx', viewsOnly: true }, 8192),
    '4.00 KiB resident, dirty not measured here (QueryWorkingSetEx: the views only, the file cache is not visible here)');
});

// ---- the page-fault estimate -----------------------------------------------------

const tb = (over: Partial<TimeBreakdown>, nsPerFault: number): TimeBreakdown => ({
  wallNs: 100e6, libraryNs: 90e6, copyCompareNs: 30e6, heapNs: 10e6, mapUnmapNs: 10e6, pageFaultsNs: 20e6, growthNs: 10e6, evictNs: 10e6, runnerNs: 10e6,
  ...over,
  faults: { minor: 12000, major: 0, duringGrowth: 2000, nsPerFault, method: 'the method', },
});

test('a capped page-fault part: "estimate X capped to Y" in its tooltip and the bar\'s words, Y the segment\'s own figure', () => {
  // 10,000 faults x 9,000 ns = 90 ms estimated; the steps had 60 ms left outside growth and eviction.
  const b = insightOf({ timeBreakdown: tb({ copyCompareNs: 0, heapNs: 0, mapUnmapNs: 0, pageFaultsNs: 60e6 }, 9000) }).breakdown!;
  const t = segmentTexts(b, 'pageFaults')!;
  assert.equal(t.ms, 60);
  assert.match(t.tip, /^page faults \(estimated\): 60\.0 ms \(60% of the run's 100 ms in the runner: library \+ runner\)\. Estimate 90\.0 ms capped to 60\.0 ms, /);
  assert.match(t.tip, /overstates\. Estimated: 12,000 minor and 0 major faults, less 2,000 during growths \(growth time\): 10,000 faults × 9,000 ns = 90\.0 ms\. Method: the method$/);
  assert.equal(t.words, 'page faults (estimated) 60.0 ms (estimate 90.0 ms, capped)');
  // The figure in the capped sentence is the segment's time, as the bar draws it.
  assert.equal(formatPartMs(b.parts.pageFaults), '60.0 ms');
});

test('an uncapped page-fault part: the estimate, equal to the part, and no word of a cap', () => {
  const b = insightOf({ timeBreakdown: tb({}, 2000) }).breakdown!;
  const t = segmentTexts(b, 'pageFaults')!;
  assert.equal(t.tip, 'page faults (estimated): 20.0 ms (20% of the run\'s 100 ms in the runner: library + runner). Estimated: 12,000 minor and 0 major faults, less 2,000 during growths (growth time): 10,000 faults × 2,000 ns = 20.0 ms. Method: the method');
  assert.equal(t.words, 'page faults (estimated) 20.0 ms');
  assert.doesNotMatch(faultEstimateText(b), /capped/);
  // Another part: its time and share only; a part of 0 has no segment.
  assert.equal(segmentTexts(b, 'heap')!.tip, 'heap bookkeeping (library): 10.0 ms (10% of the run\'s 100 ms in the runner: library + runner)');
  assert.equal(segmentTexts(insightOf({ timeBreakdown: tb({ evictNs: 0 }, 2000) }).breakdown!, 'evict'), undefined);
  // Sub-millisecond parts keep three digits (a short run's): not "0 ms".
  assert.equal(formatPartMs(0.0123), '12.3 µs');
});

// ---- latency: when its figures come --------------------------------------------------

test('the latency note: figures so far while it goes, why not for a failed or an older run, nothing with figures', () => {
  const latency = insightOf({ latency: { alloc: op(), deref: op(), free: op(), mapView: op(), unmapView: op(), grow: op() } });
  const none = insightOf(undefined);
  const result = {} as RunRecord['result'];
  assert.equal(latencyState(undefined, none), 'pending');
  assert.equal(latencyState({ result: undefined }, none), 'pending');
  assert.equal(latencyState({ result: undefined, error: { code: 'nomem', message: 'x' } }, none), 'noResult');
  assert.equal(latencyState({ result }, none), 'noData');
  assert.equal(latencyState({ result }, latency), 'shown');
  // While it goes, a sample's figures so far: live (no histogram yet); a failed run says it failed.
  assert.equal(latencyState({ result: undefined }, latency), 'live');
  assert.equal(latencyState({ result: undefined, error: { code: 'nomem', message: 'x' } }, latency), 'noResult');
  assert.equal(latencyNote('pending'), 'Latency per operation: the figures so far come once a second while the run goes, the histogram with the result.');
  assert.equal(latencyNote('live'), 'So far: the run\'s figures, updated once a second. The histogram comes with the result.');
  assert.match(latencyNote('noResult'), /without a result/);
  assert.match(latencyNote('noData'), /has none/);
  assert.equal(latencyNote('shown'), '');
});

// ---- the baseline: no file, so no cache, no mode, no timed operations --------------------------

test('the baseline: no cache note, no mode or warm in its breakdown label, one line for latency instead of zeros', () => {
  const baseline = { scenario: 'baseline' } as RunRecord['result'];
  const zeros = insightOf({ latency: { alloc: op(), deref: op(), free: op(), mapView: op(), unmapView: op(), grow: op() } });
  // Its result carries empty histograms: the table is not shown; the line says why.
  assert.equal(latencyState({ result: baseline }, zeros), 'baseline');
  // While it goes, from the parameters it was started with.
  assert.equal(latencyState({ result: undefined, parameters: { scenario: 'baseline' } as RunRecord['parameters'] }, insightOf(undefined)), 'baseline');
  assert.equal(latencyNote('baseline'), 'No latency: the baseline allocates with the C heap\'s malloc, which the library does not time.');
  assert.equal(cacheNote('warm', 'baseline'), '');
  assert.equal(cacheNote('cold', 'baseline'), '');
  assert.match(cacheNote('warm', 'grow'), /^Verify read warm: the file's pages stayed in memory/);
  assert.match(cacheNote('cold', 'deletions'), /^Verify read cold: /);
  assert.equal(cacheNote(undefined, 'grow'), '');
  const b = insightOf({ timeBreakdown: tb({}, 2000) }).breakdown!;
  assert.equal(breakdownLabel({ label: 'baseline disk', scenario: 'baseline', mode: 'disk' }, 'warm', b), 'baseline: 100 ms in the runner');
  // A label of the user's own stays; still no cache state.
  assert.equal(breakdownLabel({ label: 'my heap test', scenario: 'baseline', mode: 'pagefile' }, 'warm', b), 'my heap test: 100 ms in the runner');
  assert.equal(breakdownLabel({ label: 'grow disk', scenario: 'grow', mode: 'disk' }, 'warm', b), 'grow disk (warm): 100 ms in the runner');
});

// ---- the breakdown's total and a pause ----------------------------------------------

test('a paused run: its pause is not the runner\'s, not drawn, and said beside the bar; the total is named', () => {
  // 4.2 s of wall time, 4 s of it paused: the bar is the 200 ms of library (150) + runner (50).
  const t = tb({ wallNs: 4200e6, libraryNs: 150e6, copyCompareNs: 100e6, heapNs: 10e6, mapUnmapNs: 10e6, pageFaultsNs: 10e6, growthNs: 10e6, evictNs: 10e6, runnerNs: 50e6 }, 2000);
  const b = insightOf({ timeBreakdown: { ...t, pausedNs: 4000e6 } }).breakdown!;
  assert.equal(b.wallMs, 200);
  assert.equal(b.pausedMs, 4000);
  assert.equal(b.parts.runner, 50);
  assert.equal(breakdownLabel({ label: 'grow pagefile', scenario: 'grow', mode: 'pagefile' }, 'warm', b), 'grow pagefile (warm): 200 ms in the runner, paused 4.0 s (not drawn)');
  assert.equal(segmentTexts(b, 'runner')!.tip, 'runner and streaming: 50.0 ms (25% of the run\'s 200 ms in the runner: library + runner)');
  // Nothing is left unaccounted: the pause is not "not accounted for" either.
  assert.equal(segmentTexts(b, 'other'), undefined);
  // The note under the bars says what the total is and why it is less than "waited".
  assert.match(breakdownTotalNote(), /wall time in the runner, from its start to its result: the library's steps plus the runner's own work/);
  assert.match(breakdownTotalNote(), /"waited" time is longer: it is the extension's round trip/);
  assert.match(breakdownTotalNote(), /paused .* is not drawn/);
});

// ---- deref: which reads it counts ---------------------------------------------------------

test('the deref row says which reads it counts where a scenario reads back around mm_deref', () => {
  assert.match(derefNote('deletions'), /^deref: none timed\. The deletions scenario reads every item back before the frees without mm_deref/);
  assert.match(derefNote('random'), /^deref: the random phase's dereferences only\./);
  assert.equal(derefNote('grow'), '');
  assert.equal(derefNote(undefined), '');
});

test('the sampling note: the sampled rows with their timed of all, nothing when every operation was timed', () => {
  const v = (count: number, timed: number) => ({ count, timed, p50Ns: 1, p99Ns: 1, p999Ns: 1, maxNs: 1, buckets: [] });
  assert.equal(samplingNote(undefined), '');
  assert.equal(samplingNote({ alloc: v(200, 200), mapView: v(5, 5) }), '', 'a short run: every one timed');
  assert.equal(samplingNote({ alloc: v(1000, 350), deref: v(40, 40), free: v(2000000, 250256), grow: v(3, 3) }),
    'p50 to max are of a sample: the library times the first 256 allocs, derefs and frees, then about 1 in 16 '
    + '(timed: alloc 350 of 1,000, free 250,256 of 2,000,000), and every view and growth. count counts every operation.');
});

function op() {
  return { count: 0, timed: 0, sumNs: 0, minNs: 0, maxNs: 0, p50Ns: 0, p99Ns: 0, p999Ns: 0, buckets: [] };
}
