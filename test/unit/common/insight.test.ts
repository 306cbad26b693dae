// Issue 16's data (common/insight.ts): the residency strip's encoding, the
// tables against memmap.h, the consistency rules between the insight fields
// and the counters, coldVerify's validation and the fields' parsing. The
// runner's own results: test/process/insight.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  decodeStrip, encodeStrip, EVICT_METHODS, insightProblems, LATENCY_OPS, LATENCY_SAMPLE_EVERY, LATENCY_TIMED_FIRST, type Latency, type RunInsight,
} from '../../../common/insight';
import { parseFromRunner } from '../../../common/messages';
import { validateParameters } from '../../../common/parameters';
import type { RunResult } from '../../../common/protocol';

const root = path.resolve(__dirname, '..', '..', '..');

// ---- pure -------------------------------------------------------------------------

test('the operation and eviction tables follow memmap.h (mm_op order, MM_EVICT_* bits)', () => {
  const h = readFileSync(path.join(root, 'native', 'include', 'memmap.h'), 'utf8');
  const cName = (op: string): string => op.replace(/([A-Z])/g, '_$1').toUpperCase();
  LATENCY_OPS.forEach((op, i) => {
    const m = new RegExp(`\\bMM_OP_${cName(op)}\\s*=\\s*(\\d+)`).exec(h);
    assert.ok(m, `MM_OP_${cName(op)} is in memmap.h`);
    assert.equal(Number(m[1]), i, op);
  });
  assert.match(h, new RegExp(`#define MM_OP_COUNT ${LATENCY_OPS.length}\\b`));
  // the sampling rule the consistency checks and the panel's line state
  assert.match(h, new RegExp(`#define MM_LATENCY_TIMED_FIRST ${LATENCY_TIMED_FIRST}\\b`));
  assert.match(h, new RegExp(`#define MM_LATENCY_SAMPLE_EVERY ${LATENCY_SAMPLE_EVERY}\\b`));
  EVICT_METHODS.forEach((name, i) => {
    const m = new RegExp(`\\bMM_EVICT_${name.toUpperCase()}\\s*=\\s*(\\d+)`).exec(h);
    assert.ok(m, `MM_EVICT_${name.toUpperCase()} is in memmap.h`);
    assert.equal(Number(m[1]), 1 << i, name);
  });
});

test('the strip: run-length encoding of the library\'s cells, and back', () => {
  // low 4 bits resident, high 4 bits dirty (memmap.h MM_CELL_*)
  const cells = Uint8Array.from([4, 4, 4, 0x44, 0x44, 0, 0, 2, 0x13, 0xee]);
  const s = encodeStrip(cells, 9, 8192); // the tenth byte is past the count
  assert.deepEqual(s, { cellBytes: 8192, cells: 9, runs: [[3, 4, 0], [2, 4, 4], [2, 0, 0], [1, 2, 0], [1, 3, 1]] });
  assert.deepEqual(decodeStrip(s), [[4, 0], [4, 0], [4, 0], [4, 4], [4, 4], [0, 0], [0, 0], [2, 0], [3, 1]]);
  assert.deepEqual(encodeStrip(new Uint8Array(0), 0, 4096), { cellBytes: 4096, cells: 0, runs: [] });
});

function emptyLatency(): Latency {
  return Object.fromEntries(LATENCY_OPS.map((op) => [op, { count: 0, timed: 0, sumNs: 0, minNs: 0, maxNs: 0, p50Ns: 0, p99Ns: 0, p999Ns: 0, buckets: [] }])) as unknown as Latency;
}

/** A consistent result, written out by hand. */
function goodResult(): { stats: { allocs: number; deletions: number; mapViews: number } } & RunInsight {
  const latency = emptyLatency();
  latency.alloc = { count: 3, timed: 3, sumNs: 330, minNs: 100, maxNs: 130, p50Ns: 111, p99Ns: 130, p999Ns: 130, buckets: [[96, 112, 2], [128, 160, 1]] };
  latency.mapView = { count: 1, timed: 1, sumNs: 5000, minNs: 5000, maxNs: 5000, p50Ns: 5000, p99Ns: 5000, p999Ns: 5000, buckets: [[4096, 5120, 1]] };
  latency.grow = { count: 1, timed: 1, sumNs: 9000, minNs: 9000, maxNs: 9000, p50Ns: 9000, p99Ns: 9000, p999Ns: 9000, buckets: [[8192, 10240, 1]] };
  return {
    stats: { allocs: 3, deletions: 0, mapViews: 1 },
    cache: 'warm',
    latency,
    stalls: [{ atMs: 0.5, durationMs: 0.009, oldSize: 65536, newSize: 131072, bytesCopied: 65536 }],
    residency: {
      fileBytes: 131072, residentBytes: 65536, source: 'cachestat', viewsOnly: false, costNs: 900,
      strip: { cellBytes: 40960, cells: 4, runs: [[2, 4, 0], [2, 0, 0]] },
    },
    timeBreakdown: {
      wallNs: 100, libraryNs: 60, copyCompareNs: 10, heapNs: 10, mapUnmapNs: 10, pageFaultsNs: 10, growthNs: 10, evictNs: 10, runnerNs: 40,
      faults: { minor: 2, major: 0, duringGrowth: 1, nsPerFault: 10, method: 'x' },
    },
  };
}

test('the consistency rules hold for a result written by hand, and each breach is named', () => {
  assert.deepEqual(insightProblems(goodResult()), []);
  const breaches: Array<[string, (r: ReturnType<typeof goodResult>) => void, RegExp]> = [
    ['alloc count', (r) => { r.stats.allocs = 4; }, /latency\.alloc\.count 3 is not stats\.allocs 4/],
    ['map views', (r) => { r.stats.mapViews = 2; }, /latency\.mapView\.count 1 is not stats\.mapViews 2/],
    ['frees', (r) => { r.stats.deletions = 1; }, /latency\.free\.count 0 is not stats\.deletions 1/],
    ['bucket sum', (r) => { r.latency.alloc.buckets[0][2] = 1; }, /latency\.alloc: the buckets hold 2, 3 were timed/],
    // Past the first 256, alloc is sampled: 3 timed of 300 is too few; views are timed every one.
    ['too few timed', (r) => { r.latency.alloc.count = 300; r.stats.allocs = 300; }, /latency\.alloc: 3 timed of 300; allowed: 256 to 300/],
    ['a view not timed', (r) => { r.latency.mapView.timed = 0; r.latency.mapView.buckets = []; }, /latency\.mapView: 0 timed of 1; allowed: 1 to 1/],
    ['percentile order', (r) => { r.latency.alloc.p99Ns = 100; }, /min <= p50 <= p99/],
    ['bucket order', (r) => { r.latency.alloc.buckets.reverse(); }, /out of order/],
    ['bucket outside', (r) => { r.latency.alloc.maxNs = 120; r.latency.alloc.p99Ns = 120; r.latency.alloc.p999Ns = 120; }, /outside \[min, max\]/],
    ['stalls', (r) => { r.stalls.push({ ...r.stalls[0] }); }, /2 stalls but 1 growths/],
    ['parts', (r) => { r.timeBreakdown.heapNs = 11; }, /add up to 61, not libraryNs 60/],
    ['wall', (r) => { r.timeBreakdown.runnerNs = 41; }, /libraryNs \+ runnerNs \+ pausedNs is not wallNs 100/],
    // A paused run: its pause is a part of its own, so runnerNs + pausedNs is the rest; counting it twice breaks the rule.
    ['paused counted twice', (r) => { r.timeBreakdown.pausedNs = 25; }, /libraryNs \+ runnerNs \+ pausedNs is not wallNs 100/],
    ['fault estimate', (r) => { r.timeBreakdown.faults.duringGrowth = 2; }, /pageFaultsNs 10 is more than its estimate 0/],
    ['fault cap with time left', (r) => { r.timeBreakdown.faults.minor = 5; }, /pageFaultsNs 10 is capped below its estimate 40 while/],
    ['strip cells', (r) => { r.residency!.strip.runs[1][0] = 1; }, /the runs cover 3 cells, not 4/],
    ['strip cover', (r) => { r.residency!.strip.cellBytes = 20480; }, /does not cover the file exactly/],
    ['strip too many', (r) => { r.residency!.strip.cells = 5; r.residency!.strip.runs[1][0] = 3; }, /does not cover the file exactly/],
    ['levels', (r) => { r.residency!.strip.runs[0][1] = 5; }, /levels are 0\.\.4/],
    ['resident', (r) => { r.residency!.residentBytes = 131073; }, /more than the file/],
    ['cold without eviction', (r) => { r.cache = 'cold'; }, /cache cold without an eviction/],
  ];
  for (const [what, breach, message] of breaches) {
    const r = goodResult();
    breach(r);
    const problems = insightProblems(r);
    assert.equal(problems.length, 1, `${what}: ${problems.join('; ')}`);
    assert.match(problems[0], message, what);
  }
  // Capped: the estimate (6 - 1 faults x 10 ns = 50) is more than copy/compare, bookkeeping and mapping had (30) with
  // the 10 of the faults already there: all 40 are taken.
  const capped = goodResult();
  Object.assign(capped.timeBreakdown, { copyCompareNs: 0, heapNs: 0, mapUnmapNs: 0, pageFaultsNs: 40 });
  capped.timeBreakdown.faults.minor = 6;
  assert.deepEqual(insightProblems(capped), []);
  // Sampled: 1000 allocations, 300 timed (the buckets hold the 300).
  const sampled = goodResult();
  Object.assign(sampled.latency.alloc, { count: 1000, timed: 300, buckets: [[96, 112, 200], [128, 160, 100]] });
  sampled.stats.allocs = 1000;
  assert.deepEqual(insightProblems(sampled), []);
  // A result from before duringGrowth was reported: no rule on its estimate.
  const older = goodResult();
  delete older.timeBreakdown.faults.duringGrowth;
  older.timeBreakdown.faults.minor = 50;
  assert.deepEqual(insightProblems(older), []);
  // A run paused 25 ns of its 100: the runner's part is the 15 left, not 40.
  const paused = goodResult();
  Object.assign(paused.timeBreakdown, { runnerNs: 15, pausedNs: 25 });
  assert.deepEqual(insightProblems(paused), []);
});

test('coldVerify: a boolean, for mapped scenarios only, refused with one clear message', () => {
  const ok = validateParameters({ scenario: 'deletions', mode: 'disk', coldVerify: true }, 4096);
  assert.ok(ok.ok && ok.value.coldVerify === true);
  const dflt = validateParameters({}, 4096);
  assert.ok(dflt.ok && dflt.value.coldVerify === false);
  const base = validateParameters({ scenario: 'baseline', coldVerify: true }, 4096);
  assert.ok(!base.ok);
  assert.deepEqual(base.reason.map((e) => e.field), ['coldVerify']);
  assert.match(base.reason[0].message, /coldVerify true needs a mapped scenario.*allowed: coldVerify false with the baseline, or scenario grow, deletions or random/);
  const word = validateParameters({ coldVerify: 'yes' }, 4096);
  assert.ok(!word.ok);
  assert.match(word.reason[0].message, /coldVerify "yes" is not allowed; allowed: true or false/);
});

/** A done message's result around goodResult()'s insight fields. */
function doneResult(r: ReturnType<typeof goodResult>) {
  return {
    scenario: 'grow', mode: 'pagefile', offsetBits: 32, items: 3, viewSize: 131072, initialFileSize: 65536, granularity: 65536,
    growth: 'seed', view: 'sliding', prefault: false, verified: true, elapsedMs: 1,
    stats: { allocs: 3, deletions: 0, recycledAllocs: 0, bytesAllocated: 12, bytesFreed: 0, fileMaps: 1, mapViews: 1, compactions: 0, freeListBytes: 0, fileSize: 131072 },
    process: { peakRssBytes: 1, virtualBytes: 1, minorFaults: 1, majorFaults: 0, processTotals: { minorFaults: 1, majorFaults: 0, peakRssBytes: 1 } },
    cache: r.cache, latency: r.latency, stalls: r.stalls, residency: r.residency, timeBreakdown: r.timeBreakdown,
  };
}

test('a done message keeps its insight fields through parsing, and a bad one is refused with the field named', () => {
  const r = goodResult();
  const result = doneResult(r);
  const parsed = parseFromRunner({ type: 'done', result });
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
  const got = parsed.value as { result: RunResult };
  assert.deepEqual(got.result.latency, r.latency);
  assert.deepEqual(got.result.residency, r.residency);
  assert.deepEqual(got.result.timeBreakdown, r.timeBreakdown);
  assert.deepEqual(got.result.stalls, r.stalls);
  assert.equal(got.result.cache, 'warm');
  const withPause = parseFromRunner({ type: 'done', result: { ...result, timeBreakdown: { ...r.timeBreakdown, runnerNs: 15, pausedNs: 25 } } });
  assert.ok(withPause.ok, withPause.ok ? '' : withPause.reason);
  assert.equal((withPause.value as { result: RunResult }).result.timeBreakdown?.pausedNs, 25);
  const badPause = parseFromRunner({ type: 'done', result: { ...result, timeBreakdown: { ...r.timeBreakdown, pausedNs: -1 } } });
  assert.ok(!badPause.ok);
  assert.match(badPause.reason, /timeBreakdown\.pausedNs: a finite number not below 0/);
  const bad = parseFromRunner({ type: 'done', result: { ...result, residency: { ...r.residency, source: 'guess' } } });
  assert.ok(!bad.ok);
  assert.match(bad.reason, /residency\.source: one of cachestat, mincore, QueryWorkingSetEx, none/);
  const { duringGrowth: _, ...olderFaults } = r.timeBreakdown.faults;
  const older = parseFromRunner({ type: 'done', result: { ...result, timeBreakdown: { ...r.timeBreakdown, faults: olderFaults } } });
  assert.ok(older.ok && (older.value as { result: RunResult }).result.timeBreakdown?.faults.duringGrowth === undefined, 'an older result without duringGrowth is read');
  const badFaults = parseFromRunner({ type: 'done', result: { ...result, timeBreakdown: { ...r.timeBreakdown, faults: { ...r.timeBreakdown.faults, duringGrowth: -1 } } } });
  assert.ok(!badFaults.ok);
  assert.match(badFaults.reason, /timeBreakdown\.faults\.duringGrowth: a finite number not below 0 expected/);
  const badLat = parseFromRunner({ type: 'done', result: { ...result, latency: { ...r.latency, grow: { ...r.latency.grow, buckets: [[1, 2]] } } } });
  assert.ok(!badLat.ok);
  assert.match(badLat.reason, /latency\.grow\.buckets: entries of 3 finite numbers/);
  // A result from before sampling has no `timed`: it timed every operation.
  const { timed: _t, ...untimedAlloc } = r.latency.alloc;
  const beforeSampling = parseFromRunner({ type: 'done', result: { ...result, latency: { ...r.latency, alloc: { ...untimedAlloc, count: 3 } } } });
  assert.ok(beforeSampling.ok && (beforeSampling.value as { result: RunResult }).result.latency?.alloc.timed === 3);
  const badTimed = parseFromRunner({ type: 'done', result: { ...result, latency: { ...r.latency, deref: { ...r.latency.deref, timed: 'all' } } } });
  assert.ok(!badTimed.ok);
  assert.match(badTimed.reason, /latency\.deref\.timed: a whole number from 0 to count \(0\) expected/);
});

test('a hostile latency.<op>.timed (fraction, more than count, null, negative, huge) is refused with what is allowed', () => {
  const r = goodResult();
  const result = doneResult(r);
  assert.ok(parseFromRunner({ type: 'done', result }).ok, 'the unchanged result parses');
  // alloc: count 3 in goodResult()
  for (const [timed, why] of [[2.5, 'fraction'], [4, 'more than count'], [1e300, 'huge'], [null, 'null'], [-1, 'negative']] as const) {
    const p = parseFromRunner({ type: 'done', result: { ...result, latency: { ...r.latency, alloc: { ...r.latency.alloc, timed } } } });
    assert.ok(!p.ok, why);
    assert.match(p.reason, /latency\.alloc\.timed: a whole number from 0 to count \(3\) expected/, why);
  }
  // timed missing on one operation only (an older producer for alloc, a newer for the rest): alloc reads as all timed
  const { timed: _t, ...noTimed } = r.latency.alloc;
  const mixed = parseFromRunner({ type: 'done', result: { ...result, latency: { ...r.latency, alloc: noTimed } } });
  assert.ok(mixed.ok && (mixed.value as { result: RunResult }).result.latency?.alloc.timed === 3 && (mixed.value as { result: RunResult }).result.latency?.mapView.timed === 1);
});

test('a sample\'s latency so far (no buckets): kept through parsing; a bad figure refused with the field named', () => {
  const counters = {
    allocs: 3, deletions: 0, recycledAllocs: 0, bytesAllocated: 12, bytesFreed: 0, fileMaps: 1, mapViews: 1, compactions: 0, freeListBytes: 0, fileSize: 131072,
    viewSize: 131072, initialFileSize: 65536, offsetFreeMem: 4, unmapViews: 0, bytesCopied: 0, viewOffset: 0, viewLength: 65536,
  };
  const proc = { rssBytes: 1, peakRssBytes: 1, virtualBytes: 2, minorFaults: 3, majorFaults: 0, diskBytes: 0, processTotals: { minorFaults: 9, majorFaults: 1, peakRssBytes: 5 } };
  const fig = (count: number, timed: number) => ({ count, timed, p50Ns: 100, p99Ns: 900, p999Ns: 1000, maxNs: 5000 });
  const latency = { alloc: fig(3000, 420), deref: fig(0, 0), free: fig(0, 0), mapView: fig(7, 7), unmapView: fig(6, 6), grow: fig(2, 2) };
  const sample = { type: 'sample', elapsedMs: 1000, ops: 3, opsTotal: 9, items: 3, itemsTotal: 9, phase: 'alloc', counters, process: proc };
  const ok = parseFromRunner({ ...sample, latency });
  assert.ok(ok.ok, ok.ok ? '' : ok.reason);
  assert.deepEqual((ok.value as { latency?: unknown }).latency, latency);
  const none = parseFromRunner(sample);
  assert.ok(none.ok && (none.value as { latency?: unknown }).latency === undefined, 'most samples carry none');
  for (const key of ['count', 'timed', 'p50Ns', 'p99Ns', 'p999Ns', 'maxNs']) {
    for (const bad of [-1, Number.NaN, 'x', undefined]) {
      const r = parseFromRunner({ ...sample, latency: { ...latency, deref: { ...latency.deref, [key]: bad } } });
      assert.ok(!r.ok, `${key} ${String(bad)}`);
      assert.match(r.reason, new RegExp(`sample: latency\\.deref\\.${key}: a finite number not below 0 expected`));
    }
  }
  const over = parseFromRunner({ ...sample, latency: { ...latency, alloc: fig(3, 4) } });
  assert.ok(!over.ok);
  assert.match(over.reason, /latency\.alloc\.timed: a whole number from 0 to count \(3\) expected/);
  // a fraction of an operation timed: refused like the result's
  const half = parseFromRunner({ ...sample, latency: { ...latency, alloc: fig(3000, 420.5) } });
  assert.ok(!half.ok);
  assert.match(half.reason, /latency\.alloc\.timed: a whole number from 0 to count \(3000\) expected/);
  const { grow: _g, ...noGrow } = latency;
  const missing = parseFromRunner({ ...sample, latency: noGrow });
  assert.ok(!missing.ok);
  assert.match(missing.reason, /latency\.grow: an object expected/);
});
