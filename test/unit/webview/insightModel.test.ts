// The adapter from the protocol's insight fields (common/insight.ts, issue 16)
// to the views' shapes: every field carried over, strips as shares, the
// breakdown in ms with its fault estimate in words, and a record without
// insight (an older run) drawn as "no data".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Latency, OpLatency, Residency, TimeBreakdown } from '../../../common/insight';
import { insightOf, residencySamples } from '../../../webview/insightModel';

const residency = (over: Partial<Residency> = {}): Residency => ({
  fileBytes: (3 << 20) + 4096, residentBytes: 3 << 20, dirtyBytes: 1 << 20, source: 'cachestat', viewsOnly: false, costNs: 1000,
  strip: { cellBytes: 1 << 20, cells: 4, runs: [[2, 4, 2], [1, 1, 0], [1, 0, 0]] },
  ...over,
});

test('insight adapter: residency: the strip\'s quarter levels as shares, the file\'s size beside it', () => {
  assert.deepEqual(insightOf({ residency: residency() }).residency, {
    residentBytes: 3 << 20, dirtyBytes: 1 << 20, source: 'cachestat', viewsOnly: false,
    strip: { fileBytes: (3 << 20) + 4096, cellBytes: 1 << 20, runs: [{ count: 2, resident: 1, dirty: 0.5 }, { count: 1, resident: 0.25, dirty: 0 }, { count: 1, resident: 0, dirty: 0 }] },
  });
  // No file yet (source none): totals, no strip to draw.
  const none = insightOf({ residency: residency({ fileBytes: 0, residentBytes: 0, dirtyBytes: undefined, source: 'none', strip: { cellBytes: 4096, cells: 0, runs: [] } }) });
  assert.equal(none.residency?.strip, undefined);
  assert.equal(none.residency?.dirtyBytes, undefined);
  assert.equal(insightOf({ residency: residency({ source: 'QueryWorkingSetEx', viewsOnly: true }) }).residency?.viewsOnly, true);
});

const op = (count: number, buckets: OpLatency['buckets']): OpLatency => ({ count, timed: count, sumNs: 0, minNs: 10, maxNs: 19, p50Ns: 11, p99Ns: 19, p999Ns: 19, buckets });

test('insight adapter: latency per operation, its [fromNs, toNs, count] buckets in order', () => {
  const latency: Latency = {
    alloc: op(7, [[16, 20, 2], [10, 12, 5]]), deref: op(0, []), free: op(0, []), mapView: op(1, [[1000, 1250, 1]]), unmapView: op(0, []),
    grow: op(2, [[1048576, 1310720, 1], [2097152, 2621440, 1]]),
  };
  const l = insightOf({ latency }).latency;
  assert.deepEqual(l?.alloc, { count: 7, timed: 7, p50Ns: 11, p99Ns: 19, p999Ns: 19, maxNs: 19, buckets: [{ lowNs: 10, highNs: 12, count: 5 }, { lowNs: 16, highNs: 20, count: 2 }] });
  assert.deepEqual(l?.grow?.buckets, [{ lowNs: 1048576, highNs: 1310720, count: 1 }, { lowNs: 2097152, highNs: 2621440, count: 1 }]);
  assert.deepEqual(Object.keys(l ?? {}), ['alloc', 'deref', 'free', 'mapView', 'unmapView', 'grow']);
});

test('insight adapter: stalls by time; the breakdown in ms with its fault estimate in words; cold / warm; nothing for an older record', () => {
  const timeBreakdown: TimeBreakdown = {
    wallNs: 100e6, libraryNs: 85e6, copyCompareNs: 30e6, heapNs: 10e6, mapUnmapNs: 10e6, pageFaultsNs: 20e6, growthNs: 5e6, evictNs: 10e6, runnerNs: 15e6,
    faults: { minor: 10000, major: 2, nsPerFault: 1999.6, method: 'faults counted times the cost of one' },
  };
  const i = insightOf({
    stalls: [{ atMs: 5, durationMs: 2.5, oldSize: 65536, newSize: 131072, bytesCopied: 65536 }, { atMs: 1, durationMs: 0.5, oldSize: 1, newSize: 2, bytesCopied: 0 }],
    timeBreakdown, cache: 'cold',
  });
  assert.deepEqual(i.stalls, [
    { startMs: 1, durationMs: 0.5, oldSize: 1, newSize: 2, bytesCopied: 0 },
    { startMs: 5, durationMs: 2.5, oldSize: 65536, newSize: 131072, bytesCopied: 65536 },
  ]);
  // A record from before duringGrowth: every fault costed (an upper bound); 20 ms of 10,002 x 1,999.6 ns is below it, but the
  // parts it is taken from had time left: not capped.
  assert.deepEqual(i.breakdown, {
    wallMs: 100, pausedMs: 0, parts: { copyCompare: 30, heap: 10, mapUnmap: 10, pageFaults: 20, growth: 5, evict: 10, runner: 15 },
    faults: { minor: 10000, major: 2, nsPerFault: 1999.6, method: 'faults counted times the cost of one', costed: 10002, estimateMs: 10002 * 1999.6 / 1e6, capped: false },
  });
  assert.equal(i.cache, 'cold');
  assert.deepEqual(insightOf(undefined), { residency: undefined, latency: undefined, stalls: [], breakdown: undefined, cache: undefined });
});

const breakdown = (over: Partial<TimeBreakdown>, faults: Partial<TimeBreakdown['faults']>): TimeBreakdown => ({
  wallNs: 100e6, libraryNs: 90e6, copyCompareNs: 30e6, heapNs: 10e6, mapUnmapNs: 10e6, pageFaultsNs: 20e6, growthNs: 10e6, evictNs: 10e6, runnerNs: 10e6,
  ...over,
  faults: { minor: 12000, major: 0, duringGrowth: 2000, nsPerFault: 2000, method: 'm', ...faults },
});

test('insight adapter: the page-fault estimate, and whether the library capped it to the time left', () => {
  // 12,000 faults less 2,000 during growths, 2,000 ns each: 20 ms, all of it in the part.
  const full = insightOf({ timeBreakdown: breakdown({}, {}) }).breakdown!;
  assert.deepEqual(full.faults, { minor: 12000, major: 0, duringGrowth: 2000, nsPerFault: 2000, method: 'm', costed: 10000, estimateMs: 20, capped: false });
  // The same faults at 9,000 ns each: 90 ms estimated; the steps had 60 ms left (copy/compare, bookkeeping, mapping all 0).
  const cut = insightOf({ timeBreakdown: breakdown({ copyCompareNs: 0, heapNs: 0, mapUnmapNs: 0, pageFaultsNs: 60e6 }, { nsPerFault: 9000 }) }).breakdown!;
  assert.equal(cut.faults.estimateMs, 90);
  assert.equal(cut.parts.pageFaults, 60);
  assert.equal(cut.faults.capped, true);
  // More faults during growths than counted (another thread's): nothing costed.
  const none = insightOf({ timeBreakdown: breakdown({ pageFaultsNs: 0 }, { duringGrowth: 20000 }) }).breakdown!;
  assert.deepEqual([none.faults.costed, none.faults.estimateMs, none.faults.capped], [0, 0, false]);
  // An older record (no duringGrowth): capped only when below every fault costed and nothing was left to take from.
  const older = (over: Partial<TimeBreakdown>) => insightOf({ timeBreakdown: breakdown(over, { duringGrowth: undefined, nsPerFault: 9000 }) }).breakdown!.faults;
  assert.equal(older({ copyCompareNs: 0, heapNs: 0, mapUnmapNs: 0, pageFaultsNs: 60e6 }).capped, true);
  assert.equal(older({ pageFaultsNs: 60e6 }).capped, false);
  assert.equal(older({ copyCompareNs: 0, heapNs: 0, mapUnmapNs: 0, pageFaultsNs: 108e6 }).capped, false);
});

test('insight adapter: the heatmap takes the samples that carry a residency, at their times', () => {
  const got = residencySamples([
    { elapsedMs: 10, residency: residency({ fileBytes: 8192, strip: { cellBytes: 4096, cells: 2, runs: [[2, 4, 0]] } }) },
    { elapsedMs: 20 },
    { elapsedMs: 30, residency: residency({ fileBytes: 8192, strip: { cellBytes: 4096, cells: 2, runs: [[2, 0, 0]] } }) },
  ]);
  assert.deepEqual(got.map((s) => [s.tMs, s.strip.fileBytes, s.strip.runs[0].resident]), [[10, 8192, 1], [30, 8192, 0]]);
});
