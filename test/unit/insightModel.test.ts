// The adapter from the protocol's insight fields (issue 16) to the views' shapes:
// each field read, a missing or malformed one left out (the view draws "no data").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { insightOf, residencySamples } from '../../webview/insightModel';

test('insight adapter: residency with a run-length strip in quarter levels', () => {
  // common/insight.ts's Residency: runs of [cells, resident quarters, dirty quarters]; the file's size beside the strip.
  const i = insightOf({ residency: { fileBytes: (3 << 20) + 4096, residentBytes: 3 << 20, dirtyBytes: 1 << 20, source: 'cachestat', viewsOnly: false, costNs: 1000, strip: { cellBytes: 1 << 20, cells: 4, runs: [[2, 4, 2], [1, 1, 0], [1, 0, 0]] } } }, 99);
  assert.deepEqual(i.residency, {
    residentBytes: 3 << 20, dirtyBytes: 1 << 20, source: 'cachestat', viewsOnly: false,
    strip: { fileBytes: (3 << 20) + 4096, cellBytes: 1 << 20, runs: [{ count: 2, resident: 1, dirty: 0.5 }, { count: 1, resident: 0.25, dirty: 0 }, { count: 1, resident: 0, dirty: 0 }] },
  });
  // Without the file's size, the sample's (the hint), else the cells'.
  assert.equal(insightOf({ residency: { residentBytes: 0, source: 'mincore', strip: { cellBytes: 4096, runs: [[2, 0, 0]] } } }, 5000).residency?.strip?.fileBytes, 5000);
  assert.equal(insightOf({ residency: { residentBytes: 0, source: 'mincore', viewsOnly: true, strip: { cellBytes: 4096, runs: [[2, 0, 0]] } } }).residency?.strip?.fileBytes, 8192);
  // A strip whose run has no whole count is not drawn; the totals still are.
  const bad = insightOf({ residency: { residentBytes: 5, source: 'mincore', strip: { cellBytes: 4096, runs: [[1.5, 4, 0]] } } });
  assert.equal(bad.residency?.strip, undefined);
  assert.equal(bad.residency?.dirtyBytes, undefined, 'mincore: dirty not measured');
  assert.deepEqual(insightOf({ residency: { source: 'x' } }).residency, undefined, 'no residentBytes: no residency');
});

test('insight adapter: latency per operation from [fromNs, toNs, count] triples, empty and unknown ones left out', () => {
  const i = insightOf({ latency: {
    alloc: { count: 7, p50Ns: 11, p99Ns: 19, p999Ns: 19, maxNs: 19, buckets: [[16, 20, 2], [10, 12, 5]] },
    grow: { count: 2, p50Ns: 1e6, p99Ns: 2e6, p999Ns: 2e6, maxNs: 2e6, buckets: [[1048576, 1310720, 1], [2097152, 2621440, 1], [4e6, 5e6, 0], [1, 2]] },
    bogus: { count: 1 },
  } });
  assert.deepEqual(i.latency?.alloc?.buckets, [{ lowNs: 10, highNs: 12, count: 5 }, { lowNs: 16, highNs: 20, count: 2 }]);
  assert.deepEqual(i.latency?.grow?.buckets, [{ lowNs: 1048576, highNs: 1310720, count: 1 }, { lowNs: 2097152, highNs: 2621440, count: 1 }]);
  assert.deepEqual(Object.keys(i.latency ?? {}), ['alloc', 'grow']);
  assert.deepEqual([i.latency?.grow?.p50Ns, i.latency?.grow?.maxNs], [1e6, 2e6]);
});

test('insight adapter: stalls sorted by time; the breakdown in ms with its fault estimate in words; cold / warm', () => {
  const i = insightOf({
    stalls: [{ atMs: 5, durationMs: 2.5, oldSize: 65536, newSize: 131072, bytesCopied: 65536 }, { atMs: 1, durationMs: 0.5 }, { atMs: 'x', durationMs: 1 }],
    timeBreakdown: {
      wallNs: 100e6, libraryNs: 85e6, copyCompareNs: 30e6, heapNs: 10e6, mapUnmapNs: 10e6, pageFaultsNs: 20e6, growthNs: 5e6, evictNs: 10e6, runnerNs: 15e6,
      faults: { minor: 10000, major: 2, nsPerFault: 1999.6, method: 'faults counted times the cost of one' },
    },
    cache: 'cold',
  });
  assert.deepEqual(i.stalls, [
    { startMs: 1, durationMs: 0.5, oldSize: undefined, newSize: undefined, bytesCopied: undefined },
    { startMs: 5, durationMs: 2.5, oldSize: 65536, newSize: 131072, bytesCopied: 65536 },
  ]);
  assert.deepEqual(i.breakdown, {
    wallMs: 100, parts: { copyCompare: 30, heap: 10, mapUnmap: 10, pageFaults: 20, growth: 5, evict: 10, runner: 15 },
    faultEstimate: '10,000 minor and 2 major faults, 2,000 ns each: faults counted times the cost of one',
  });
  assert.equal(insightOf({ timeBreakdown: { copyCompareNs: 1 } }).breakdown, undefined, 'no wall time: no bar');
  assert.equal(i.cache, 'cold');
  assert.equal(insightOf({ cache: 'lukewarm' }).cache, undefined);
  assert.deepEqual(insightOf(undefined), { stalls: [] });
});

test('insight adapter: the heatmap takes the samples that carry a strip, at their times', () => {
  const strip = { cellBytes: 4096, cells: 2, runs: [[2, 4, 0]] };
  const got = residencySamples([
    { elapsedMs: 10, counters: { fileSize: 8192 }, residency: { residentBytes: 8192, source: 'mincore', strip } },
    { elapsedMs: 20, counters: { fileSize: 8192 } },
    { elapsedMs: 30, counters: { fileSize: 8192 }, residency: { residentBytes: 0, source: 'mincore', strip: { cellBytes: 4096, cells: 2, runs: [[2, 0, 0]] } } },
  ]);
  assert.deepEqual(got.map((s) => [s.tMs, s.strip.fileBytes, s.strip.runs[0].resident]), [[10, 8192, 1], [30, 8192, 0]]);
});
