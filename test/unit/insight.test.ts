// Issue 16's data: the residency strip, latency histograms, growth stalls,
// the time breakdown and cold verify, as the runner puts them in its JSON
// result and samples, and the consistency rules between them and the counters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  decodeStrip, encodeStrip, EVICT_METHODS, insightProblems, LATENCY_OPS, type Latency, RESULT_STRIP_CELLS, type RunInsight,
  SAMPLE_STRIP_CELLS,
} from '../../common/insight';
import { parseFromRunner } from '../../common/messages';
import { validateParameters } from '../../common/parameters';
import type { RunResult, SampleMessage } from '../../common/protocol';

const root = path.resolve(__dirname, '..', '..');
const runner = path.join(root, 'dist', 'runner.js');
const exec = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [runner, 'run', ...args], { cwd: root, timeout: 240000, maxBuffer: 256 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

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
  return Object.fromEntries(LATENCY_OPS.map((op) => [op, { count: 0, sumNs: 0, minNs: 0, maxNs: 0, p50Ns: 0, p99Ns: 0, p999Ns: 0, buckets: [] }])) as unknown as Latency;
}

/** A consistent result, written out by hand. */
function goodResult(): { stats: { allocs: number; deletions: number; mapViews: number } } & RunInsight {
  const latency = emptyLatency();
  latency.alloc = { count: 3, sumNs: 330, minNs: 100, maxNs: 130, p50Ns: 111, p99Ns: 130, p999Ns: 130, buckets: [[96, 112, 2], [128, 160, 1]] };
  latency.mapView = { count: 1, sumNs: 5000, minNs: 5000, maxNs: 5000, p50Ns: 5000, p99Ns: 5000, p999Ns: 5000, buckets: [[4096, 5120, 1]] };
  latency.grow = { count: 1, sumNs: 9000, minNs: 9000, maxNs: 9000, p50Ns: 9000, p99Ns: 9000, p999Ns: 9000, buckets: [[8192, 10240, 1]] };
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
      faults: { minor: 1, major: 0, nsPerFault: 10, method: 'x' },
    },
  };
}

test('the consistency rules hold for a result written by hand, and each breach is named', () => {
  assert.deepEqual(insightProblems(goodResult()), []);
  const breaches: Array<[string, (r: ReturnType<typeof goodResult>) => void, RegExp]> = [
    ['alloc count', (r) => { r.stats.allocs = 4; }, /latency\.alloc\.count 3 is not stats\.allocs 4/],
    ['map views', (r) => { r.stats.mapViews = 2; }, /latency\.mapView\.count 1 is not stats\.mapViews 2/],
    ['frees', (r) => { r.stats.deletions = 1; }, /latency\.free\.count 0 is not stats\.deletions 1/],
    ['bucket sum', (r) => { r.latency.alloc.buckets[0][2] = 1; }, /latency\.alloc: the buckets hold 2, the count is 3/],
    ['percentile order', (r) => { r.latency.alloc.p99Ns = 100; }, /min <= p50 <= p99/],
    ['bucket order', (r) => { r.latency.alloc.buckets.reverse(); }, /out of order/],
    ['bucket outside', (r) => { r.latency.alloc.maxNs = 120; r.latency.alloc.p99Ns = 120; r.latency.alloc.p999Ns = 120; }, /outside \[min, max\]/],
    ['stalls', (r) => { r.stalls.push({ ...r.stalls[0] }); }, /2 stalls but 1 growths/],
    ['parts', (r) => { r.timeBreakdown.heapNs = 11; }, /add up to 61, not libraryNs 60/],
    ['wall', (r) => { r.timeBreakdown.runnerNs = 41; }, /libraryNs \+ runnerNs is not wallNs 100/],
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

test('a done message keeps its insight fields through parsing, and a bad one is refused with the field named', () => {
  const r = goodResult();
  const result = {
    scenario: 'grow', mode: 'pagefile', offsetBits: 32, items: 3, viewSize: 131072, initialFileSize: 65536, granularity: 65536,
    growth: 'seed', view: 'sliding', prefault: false, verified: true, elapsedMs: 1,
    stats: { allocs: 3, deletions: 0, recycledAllocs: 0, bytesAllocated: 12, bytesFreed: 0, fileMaps: 1, mapViews: 1, compactions: 0, freeListBytes: 0, fileSize: 131072 },
    process: { peakRssBytes: 1, virtualBytes: 1, minorFaults: 1, majorFaults: 0, processTotals: { minorFaults: 1, majorFaults: 0, peakRssBytes: 1 } },
    cache: r.cache, latency: r.latency, stalls: r.stalls, residency: r.residency, timeBreakdown: r.timeBreakdown,
  };
  const parsed = parseFromRunner({ type: 'done', result });
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
  const got = parsed.value as { result: RunResult };
  assert.deepEqual(got.result.latency, r.latency);
  assert.deepEqual(got.result.residency, r.residency);
  assert.deepEqual(got.result.timeBreakdown, r.timeBreakdown);
  assert.deepEqual(got.result.stalls, r.stalls);
  assert.equal(got.result.cache, 'warm');
  const bad = parseFromRunner({ type: 'done', result: { ...result, residency: { ...r.residency, source: 'guess' } } });
  assert.ok(!bad.ok);
  assert.match(bad.reason, /residency\.source: one of cachestat, mincore, QueryWorkingSetEx, none/);
  const badLat = parseFromRunner({ type: 'done', result: { ...result, latency: { ...r.latency, grow: { ...r.latency.grow, buckets: [[1, 2]] } } } });
  assert.ok(!badLat.ok);
  assert.match(badLat.reason, /latency\.grow\.buckets: entries of 3 finite numbers/);
});

// ---- the runner process -------------------------------------------------------------

const scratch = mkdtempSync(path.join(os.tmpdir(), 'memmap-insight-test-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

function checkResult(r: RunResult): asserts r is RunResult & RunInsight {
  assert.ok(r.latency && r.timeBreakdown && r.stalls && r.cache, 'the insight fields are there');
  assert.deepEqual(insightProblems(r as RunResult & RunInsight), []);
}

test('runner --json: latency counts equal the counters, stalls are the growths, the time adds up (seed defaults, page file)', async () => {
  const out = await cli(['--scenario', 'deletions', '--items', '60000', '--json']);
  assert.equal(out.code, 0, out.stderr);
  const r = JSON.parse(out.stdout) as RunResult;
  checkResult(r);
  assert.equal(r.latency.alloc.count, r.stats.allocs);
  assert.equal(r.latency.free.count, r.stats.deletions);
  assert.equal(r.latency.mapView.count, r.stats.mapViews);
  assert.equal(r.latency.free.count, 60000);
  // the seed's page-file growth copies, as stalls with durations
  assert.ok(r.latency.grow.count >= 5);
  assert.equal(r.stalls.length, r.latency.grow.count);
  let end = 0;
  for (const s of r.stalls) {
    assert.ok(s.durationMs > 0 && s.newSize === 2 * s.oldSize && s.bytesCopied > 0);
    assert.ok(s.atMs >= end - 0.01, 'in order, not overlapping');
    end = s.atMs + s.durationMs;
  }
  assert.ok(end <= r.timeBreakdown.wallNs / 1e6 + 1);
  assert.equal(r.cache, 'warm');
  assert.equal(r.eviction, undefined);
  const t = r.timeBreakdown;
  assert.ok(Math.abs(t.libraryNs / 1e6 - r.elapsedMs) < 0.01);
  assert.ok(t.growthNs > 0 && t.mapUnmapNs + t.pageFaultsNs > 0 && t.faults.nsPerFault > 0 && t.faults.minor > 0);
  assert.ok(r.residency && r.residency.strip.cells <= RESULT_STRIP_CELLS && r.residency.fileBytes === r.stats.fileSize);
});

test('runner --cold --json (disk): the file is evicted before verify, and the result says how', async () => {
  const out = await cli(['--scenario', 'grow', '--mode', 'disk', '--disk-dir', scratch, '--items', '100000', '--cold', '--json']);
  assert.equal(out.code, 0, out.stderr);
  const r = JSON.parse(out.stdout) as RunResult;
  checkResult(r);
  assert.equal(r.cache, 'cold');
  assert.ok(r.eviction);
  if (process.platform === 'linux') assert.deepEqual(r.eviction.methods.slice(0, 2), ['writeback', 'fadvise']);
  assert.ok(r.eviction.residentBeforeBytes > 50 * 2 ** 20, `before ${r.eviction.residentBeforeBytes}`);
  assert.ok(r.eviction.residentAfterBytes < r.eviction.residentBeforeBytes / 4, `after ${r.eviction.residentAfterBytes}`);
  assert.ok(r.timeBreakdown.evictNs > 0 && r.timeBreakdown.evictNs === r.eviction.durationNs);
});

test('runner --cold with the baseline: exit 2, one line saying what is allowed', async () => {
  const out = await cli(['--scenario', 'baseline', '--items', '10', '--cold']);
  assert.equal(out.code, 2);
  assert.equal(out.stdout, '');
  assert.match(out.stderr, /coldVerify true needs a mapped scenario.*allowed:/);
  assert.equal(out.stderr.trim().split('\n').length, 1);
});

test('runner --ndjson (disk, data past the view): samples carry residency at bounded cost, and it changes', async () => {
  const out = await cli(['--scenario', 'grow', '--mode', 'disk', '--disk-dir', scratch, '--items', '400000', '--offset-bits', '64', '--ndjson']);
  assert.equal(out.code, 0, out.stderr);
  const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
  const samples = lines.filter((l): l is SampleMessage => l.type === 'sample');
  const withRes = samples.filter((s) => s.residency);
  assert.ok(withRes.length >= 2, `${withRes.length} of ${samples.length} samples carry residency`);
  for (const s of withRes) {
    const parsed = parseFromRunner(s);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
    const res = s.residency!;
    assert.ok(res.strip.cells <= SAMPLE_STRIP_CELLS && res.strip.cells >= 1);
    assert.equal(res.strip.runs.reduce((a, x) => a + x[0], 0), res.strip.cells);
    assert.ok(res.residentBytes <= res.fileBytes);
  }
  // the file grows and fills: the figures move between samples
  const sizes = new Set(withRes.map((s) => `${s.residency!.fileBytes}/${s.residency!.residentBytes}`));
  assert.ok(sizes.size >= 2, 'residency changes during the run');
  // bounded cost: the sampling's total is within 2% of the run's time
  const cost = withRes.reduce((a, s) => a + s.residency!.costNs, 0) / 1e6;
  const last = samples[samples.length - 1];
  assert.ok(cost <= last.elapsedMs * 0.02 + 5, `residency cost ${cost} ms of ${last.elapsedMs} ms`);
  const done = lines.find((l) => l.type === 'done') as unknown as { result: RunResult };
  checkResult(done.result);
});
