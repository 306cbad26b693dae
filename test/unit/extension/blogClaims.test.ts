// "The blog's claims" as tests: what each runs and when it passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOG_CLAIMS, CLAIM_ADDRESS_BUDGET, findClaim, itemsForStoredBytes } from '../../../extension/testing/blogClaims';
import type { RunResult } from '../../../common/protocol';

const GIB = 1024 ** 3;

/** Brute force: add items (2 * (i % 2000 + 1) bytes, rounded up to 4) until the total reaches bytes. */
function bruteItems(bytes: number): number {
  let s = 0;
  let i = 0;
  while (s < bytes) {
    s += Math.ceil((2 * ((i % 2000) + 1)) / 4) * 4;
    i++;
  }
  return i;
}

test('items for a stored size: the fewest that reach it', () => {
  for (const b of [1, 4, 5, 4_004_000, 4_004_001, 10_010_000_000, 123_456_789]) assert.equal(itemsForStoredBytes(b), bruteItems(b), String(b));
  assert.equal(itemsForStoredBytes(10_010_000_000), 5_000_000); // the seed's MemMapWithDiskFile64: 5,000,000 items
  assert.equal(itemsForStoredBytes(8 * GIB), bruteItems(8 * GIB));
});

test('the two claims and their plans: the Run profile stores 8 GiB, the Benchmark profile 50 GiB, both in a 4 GiB address budget', () => {
  assert.deepEqual(BLOG_CLAIMS.map((c) => c.label), ['beyond a 4 GB process', 'the heap\'s wall']);
  const beyond = findClaim('claims:beyond4GB')!;
  const wall = findClaim('claims:heapsWall')!;
  assert.deepEqual(beyond.plan('run'), {
    parameters: { scenario: 'grow', mode: 'disk', offsetBits: 64, items: bruteItems(8 * GIB) },
    budgets: { addressBytes: 4 * GIB },
  });
  assert.equal(beyond.plan('benchmark').parameters.items, bruteItems(50 * GIB));
  assert.deepEqual(wall.plan('run'), {
    parameters: { scenario: 'baseline', mode: 'pagefile', offsetBits: 32, items: bruteItems(8 * GIB) },
    budgets: { addressBytes: 4 * GIB },
  });
  assert.match(beyond.description('benchmark'), /50 GiB stored in a 4 GiB address budget/);
});

function result(p: Partial<RunResult>): RunResult {
  return {
    scenario: 'grow', mode: 'disk', offsetBits: 64, items: 100, viewSize: 131072, initialFileSize: 65536, granularity: 65536,
    growth: 'seed', view: 'sliding', prefault: false, verified: true, elapsedMs: 1,
    stats: { allocs: 100, deletions: 0, recycledAllocs: 0, bytesAllocated: 8 * GIB, bytesFreed: 0, fileMaps: 1, mapViews: 1, compactions: 0, freeListBytes: 0, fileSize: 16 * GIB },
    process: { peakRssBytes: 1, virtualBytes: 2 * GIB, minorFaults: 0, majorFaults: 0, processTotals: { minorFaults: 0, majorFaults: 0, peakRssBytes: 1 } },
    budgets: { addressBytes: CLAIM_ADDRESS_BUDGET, memoryBytes: null, enforced: { address: true, memory: false }, baseVirtualBytes: GIB, baseRssBytes: 1 },
    ...p,
  };
}

test('"beyond a 4 GB process" passes only when verified, the bytes are stored and the runner stayed inside its budget', () => {
  const c = findClaim('claims:beyond4GB')!;
  const ok = c.judge({ result: result({}), maxVirtualBytes: 1.5 * GIB }, 'run');
  assert.equal(ok.passed, true, ok.message);
  assert.match(ok.message, /^8 GiB stored and verified in a 16 GiB file; the runner grew by at most 1 GiB of its 4 GiB address budget$/);
  assert.equal(c.judge({ result: result({ verified: false }) }, 'run').passed, false);
  assert.equal(c.judge({ result: result({ stats: { ...result({}).stats, bytesAllocated: 8 * GIB - 1 } }) }, 'run').passed, false);
  assert.equal(c.judge({ result: result({}) }, 'benchmark').passed, false, 'the benchmark needs 50 GiB');
  const grew = c.judge({ result: result({}), maxVirtualBytes: 5 * GIB + 1 }, 'run');
  assert.equal(grew.passed, false);
  assert.match(grew.message, /grew by 4\.00 GiB, past its 4 GiB budget/);
  assert.equal(c.judge({ result: result({ budgets: undefined }) }, 'run').passed, false);
  assert.equal(c.judge({ error: { code: 'nomem', message: 'x' } }, 'run').passed, false);
});

test('"the heap\'s wall" passes only when the baseline ends with nomem at its 4 GiB address budget, the counters kept', () => {
  const c = findClaim('claims:heapsWall')!;
  const f = { code: 'nomem' as const, budget: 'address' as const, atItem: 1_993_831, storedBytes: 3_990_000_000, budgetBytes: 4 * GIB };
  const r = result({ scenario: 'baseline', verified: false, stats: { ...result({}).stats, allocs: 1_993_831 } });
  const ok = c.judge({ error: { code: 'nomem', message: 'the heap ran out of its 4 GiB address budget at item 1,993,831 (3.72 GiB stored)' }, budgetFailure: f, result: r }, 'run');
  assert.equal(ok.passed, true, ok.message);
  assert.match(ok.message, /^the heap hit its wall cleanly: the heap ran out of its 4 GiB address budget at item 1,993,831/);
  assert.equal(c.judge({ error: { code: 'nomem', message: 'x' }, budgetFailure: { ...f, budget: 'memory' }, result: r }, 'run').passed, false);
  assert.equal(c.judge({ error: { code: 'nomem', message: 'x' }, budgetFailure: f }, 'run').passed, false, 'counters must be kept');
  assert.equal(c.judge({ error: { code: 'nomem', message: 'x' }, budgetFailure: { ...f, atItem: 5 }, result: r }, 'run').passed, false);
  assert.equal(c.judge({ error: { code: 'crashed', message: 'SIGABRT' } }, 'run').passed, false);
  const fit = c.judge({ result: result({ scenario: 'baseline', items: 42 }) }, 'run');
  assert.equal(fit.passed, false);
  assert.match(fit.message, /all 42 items fit/);
});
