// The adapter from the protocol's insight fields (issue 16) to the views' shapes:
// each field read, a missing or malformed one left out (the view draws "no data").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketFloorNs, insightOf, residencySamples } from '../../webview/insightModel';

test('insight adapter: residency with a run-length strip in quarter levels', () => {
  const i = insightOf({ residency: { residentBytes: 3 << 20, dirtyBytes: 1 << 20, source: 'cachestat', strip: { cellBytes: 1 << 20, levels: 4, runs: [[2, 4, 2], [1, 1], { count: 1, resident: 0 }] } } }, 4 << 20);
  assert.deepEqual(i.residency, {
    residentBytes: 3 << 20, dirtyBytes: 1 << 20, source: 'cachestat',
    strip: { fileBytes: 4 << 20, cellBytes: 1 << 20, runs: [{ count: 2, resident: 1, dirty: 0.5 }, { count: 1, resident: 0.25, dirty: 0 }, { count: 1, resident: 0, dirty: 0 }] },
  });
  // A strip whose run has no whole count is not drawn; the totals still are.
  const bad = insightOf({ residency: { residentBytes: 5, source: 'mincore', strip: { cellBytes: 4096, runs: [[1.5, 1]] } } });
  assert.equal(bad.residency?.strip, undefined);
  assert.equal(bad.residency?.dirtyBytes, undefined, 'mincore: dirty not measured');
  assert.deepEqual(insightOf({ residency: { source: 'x' } }).residency, undefined, 'no residentBytes: no residency');
});

test('insight adapter: latency from dense buckets (four per power of two) and from sparse [lowNs, count] pairs', () => {
  // The native layout: 0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, ...
  assert.deepEqual([0, 1, 3, 4, 7, 8, 9, 11, 12, 13].map(bucketFloorNs), [0, 1, 3, 4, 7, 8, 10, 14, 16, 20]);
  const dense = Array(16).fill(0);
  dense[9] = 5; // [10, 12)
  dense[12] = 2; // [16, 20)
  const i = insightOf({ latency: { alloc: { count: 7, p50Ns: 11, p99Ns: 19, p999Ns: 19, maxNs: 19, buckets: dense }, grow: { count: 2, p50Ns: 1e6, p99Ns: 2e6, p999Ns: 2e6, maxNs: 2e6, buckets: [[1048576, 1], [2097152, 1]] }, bogus: { count: 1 } } });
  assert.deepEqual(i.latency?.alloc?.buckets, [{ lowNs: 10, highNs: 12, count: 5 }, { lowNs: 16, highNs: 20, count: 2 }]);
  assert.deepEqual(i.latency?.grow?.buckets, [{ lowNs: 1048576, highNs: 2097152, count: 1 }, { lowNs: 2097152, highNs: 2621440, count: 1 }]);
  assert.deepEqual(Object.keys(i.latency ?? {}), ['alloc', 'grow']);
});

test('insight adapter: stalls in ns or ms, sorted; breakdown parts in ms; cold / warm', () => {
  const i = insightOf({
    stalls: [{ startNs: 5e6, durationNs: 2.5e6, oldSize: 65536, newSize: 131072 }, { startMs: 1, durationMs: 0.5 }, { startMs: 'x' }],
    timeBreakdown: { wallMs: 100, copyCompareMs: 40, mapUnmapMs: 10, pageFaultsMs: 20, growthMs: 5, runnerMs: 15, faultEstimate: '1,000 faults × 2 µs' },
    cache: 'cold',
  });
  assert.deepEqual(i.stalls, [
    { startMs: 1, durationMs: 0.5, oldSize: undefined, newSize: undefined, bytesCopied: undefined },
    { startMs: 5, durationMs: 2.5, oldSize: 65536, newSize: 131072, bytesCopied: undefined },
  ]);
  assert.deepEqual(i.breakdown, { wallMs: 100, parts: { copyCompare: 40, mapUnmap: 10, pageFaults: 20, growth: 5, runner: 15 }, faultEstimate: '1,000 faults × 2 µs' });
  assert.equal(i.cache, 'cold');
  assert.equal(insightOf({ cache: 'lukewarm' }).cache, undefined);
  assert.deepEqual(insightOf(undefined), { stalls: [] });
});

test('insight adapter: the heatmap takes the samples that carry a strip, at their times', () => {
  const strip = { cellBytes: 4096, runs: [[2, 1]] };
  const got = residencySamples([
    { elapsedMs: 10, counters: { fileSize: 8192 }, residency: { residentBytes: 8192, source: 'mincore', strip } },
    { elapsedMs: 20, counters: { fileSize: 8192 } },
    { elapsedMs: 30, counters: { fileSize: 8192 }, residency: { residentBytes: 0, source: 'mincore', strip: { cellBytes: 4096, runs: [[2, 0]] } } },
  ]);
  assert.deepEqual(got.map((s) => [s.tMs, s.strip.fileBytes, s.strip.runs[0].resident]), [[10, 8192, 1], [30, 8192, 0]]);
});
