// Comparing two recorded runs (issue 17): curves on one x axis, the ratio
// table of the final figures, the parameters that differ. Expected values are
// worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignSeries, compareCharts, finalFigures, parameterRows, ratio, ratioTable, ratioText } from '../../../common/compare';
import { DEFAULT_PARAMETERS } from '../../../common/parameters';
import type { Counters, RunResult, SampleMessage } from '../../../common/protocol';

function sample(ops: number, elapsedMs: number, bytesAllocated: number): SampleMessage {
  const counters = { bytesAllocated } as Counters;
  return {
    type: 'sample', elapsedMs, ops, opsTotal: 0, items: 0, itemsTotal: 0, phase: 'alloc', counters,
    process: { rssBytes: 0, peakRssBytes: 0, virtualBytes: 0, minorFaults: 0, majorFaults: 0, diskBytes: 0, processTotals: { minorFaults: 0, majorFaults: 0, peakRssBytes: 0 } },
  };
}
const bytes = (s: SampleMessage) => s.counters.bytesAllocated;

// A: fast (ops 10, 20, 30 at 100, 200, 300 ms); B: slow (ops 5, 20, 40 at 100, 400, 500 ms).
const A = [sample(10, 100, 1000), sample(20, 200, 2000), sample(30, 300, 3000)];
const B = [sample(5, 100, 500), sample(20, 400, 2500), sample(40, 500, 4000)];

test('aligned by operation: the union of both runs\' operation numbers, each run\'s last value at or before', () => {
  const s = alignSeries(A, B, 'ops', bytes);
  assert.deepEqual(s.x, [5, 10, 20, 30, 40]);
  assert.deepEqual(s.a, [null, 1000, 2000, 3000, null]);
  assert.deepEqual(s.b, [500, 500, 2500, 2500, 4000]);
});

test('aligned by time: the union of the sample times', () => {
  const s = alignSeries(A, B, 'time', bytes);
  assert.deepEqual(s.x, [100, 200, 300, 400, 500]);
  assert.deepEqual(s.a, [1000, 2000, 3000, null, null]);
  assert.deepEqual(s.b, [500, 500, 500, 2500, 4000]);
});

test('alignment: repeated x values (one long operation) keep the last sample there; an empty run is all null', () => {
  const C = [sample(10, 100, 1), sample(10, 200, 2), sample(11, 300, 3)];
  const s = alignSeries(C, [], 'ops', bytes);
  assert.deepEqual(s.x, [10, 11]);
  assert.deepEqual(s.a, [2, 3]);
  assert.deepEqual(s.b, [null, null]);
});

test('compare charts keep at most maxPoints x values, the last one always', () => {
  // 11 x values, at most 4 a chart: every 3rd (ceil(11 / 4)), and the 11th.
  const many = Array.from({ length: 11 }, (_, i) => sample(i + 1, i * 10, i * 100));
  for (const chart of compareCharts(many, [], 'ops', 4)) {
    assert.deepEqual(chart.x, [1, 4, 7, 10, 11], chart.id);
  }
  assert.deepEqual(compareCharts(many, [], 'ops', 4)[0].a, [0, 300, 600, 900, 1000]);
  assert.equal(compareCharts(A, B, 'time')[0].x.length, 5);
});

test('ratio: b over a; both 0 is 1; only a 0 is infinite; missing is null', () => {
  assert.equal(ratio(4, 10), 2.5);
  assert.equal(ratio(0, 0), 1);
  assert.equal(ratio(0, 3), Infinity);
  assert.equal(ratio(undefined, 3), null);
  assert.equal(ratio(3, undefined), null);
  assert.equal(ratioText(2.5), '2.50×');
  assert.equal(ratioText(1 / 300), '0.0033×');
  assert.equal(ratioText(0), '0.00×');
  assert.equal(ratioText(Infinity), '∞');
  assert.equal(ratioText(null), '—');
});

function result(elapsedMs: number, mapViews: number, fileSize: number, minorFaults: number): RunResult {
  return {
    scenario: 'grow', mode: 'pagefile', offsetBits: 32, items: 1000, viewSize: 131072, initialFileSize: 65536, granularity: 65536,
    growth: 'seed', view: 'sliding', prefault: false, verified: true, elapsedMs,
    stats: { allocs: 1000, deletions: 0, recycledAllocs: 0, bytesAllocated: 2_097_152, bytesFreed: 0, fileMaps: 6, mapViews, compactions: 0, freeListBytes: 0, fileSize },
    process: { peakRssBytes: 1 << 20, virtualBytes: 1 << 30, minorFaults, majorFaults: 0, processTotals: { minorFaults: 1, majorFaults: 0, peakRssBytes: 1 } },
  };
}

test('ratio table of the final figures, each row as b over a, the differing ones marked', () => {
  const b = result(250, 10, 4 << 20, 1200);
  b.process.peakRssBytes += 4096;
  const rows = ratioTable(finalFigures(result(1000, 40, 4 << 20, 800), undefined), finalFigures(b, undefined));
  const row = (key: string) => rows.find((r) => r.key === key)!;
  assert.deepEqual(row('elapsedMs'), { key: 'elapsedMs', label: 'library time', a: '1.0 s', b: '250 ms', ratio: '0.25×', differs: true });
  assert.deepEqual(row('mapViews'), { key: 'mapViews', label: 'map views', a: '40', b: '10', ratio: '0.25×', differs: true });
  assert.deepEqual(row('fileSize'), { key: 'fileSize', label: 'file size', a: '4.00 MiB', b: '4.00 MiB', ratio: '1.00×', differs: false });
  assert.equal(row('minorFaults').ratio, '1.50×');
  // 2 MiB in 1 s and in 0.25 s.
  assert.deepEqual([row('throughput').a, row('throughput').b, row('throughput').ratio], ['2.00 MiB/s', '8.00 MiB/s', '4.00×']);
  assert.equal(row('deletions').ratio, '1.00×', '0 and 0');
  assert.equal(row('deletions').differs, false);
  // 1 MiB against 1 MiB + 4 KiB: 1.0039, shown 1.00×, not marked; the major faults 0 and 0 neither.
  assert.deepEqual([row('peakRssBytes').ratio, row('peakRssBytes').differs], ['1.00×', false]);
  assert.deepEqual([row('majorFaults').ratio, row('majorFaults').differs], ['1.00×', false]);
});

test('a run without a result (killed) is compared by its last sample', () => {
  const last = sample(7, 500, 3 << 20);
  last.counters = { ...last.counters, allocs: 7, mapViews: 3, fileSize: 4 << 20 };
  const f = finalFigures(undefined, last);
  assert.equal(f.allocs, 7);
  assert.equal(f.elapsedMs, 500);
  assert.equal(f.throughput, 6 << 20);
  assert.deepEqual(finalFigures(undefined, undefined), {});
  assert.equal(ratioTable({}, f).find((r) => r.key === 'allocs')!.ratio, '—');
});

test('parameter rows: every parameter, formatted, and the ones that differ marked; facts appended', () => {
  const a = { ...DEFAULT_PARAMETERS };
  const b = { ...DEFAULT_PARAMETERS, mode: 'disk' as const, viewSize: 262144, prefault: true };
  const rows = parameterRows(a, b, [['platform', 'linux-x64', 'linux-x64'], ['library', '1.0.0', '1.1.0']]);
  assert.deepEqual(rows.filter((r) => r.differs).map((r) => [r.label, r.a, r.b]), [
    ['Mode', 'pagefile', 'disk'], ['View size', '128 KiB', '256 KiB'], ['Prefault', 'off', 'on'], ['library', '1.0.0', '1.1.0'],
  ]);
  assert.equal(rows.length, 13 + 2); // the 13 run parameters (coldVerify, issue 16, the last) and the 2 facts
  assert.deepEqual(rows.find((r) => r.label === 'Cold verify'), { label: 'Cold verify', a: 'off', b: 'off', differs: false });
  assert.deepEqual(rows.find((r) => r.label === 'Items'), { label: 'Items', a: '100,000', b: '100,000', differs: false });
  assert.deepEqual(rows.find((r) => r.label === 'Disk directory'), { label: 'Disk directory', a: 'OS temp dir', b: 'OS temp dir', differs: false });
});
