// The budget parts of the protocol, checked where messages cross a boundary (issue 15).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFromRunner, parseToRunner } from '../../../common/messages';

const GIB = 2 ** 30;
const budgets = { addressBytes: 4 * GIB, memoryBytes: null, enforced: { address: true, memory: false }, baseVirtualBytes: 1, baseRssBytes: 1 };
const counters = {
  allocs: 1, deletions: 0, recycledAllocs: 0, bytesAllocated: 2, bytesFreed: 0, fileMaps: 0, mapViews: 0, compactions: 0,
  freeListBytes: 0, fileSize: 0, viewSize: 0, initialFileSize: 0, offsetFreeMem: 0, unmapViews: 0, bytesCopied: 0, viewOffset: 0, viewLength: 0,
};
const totals = { minorFaults: 0, majorFaults: 0, peakRssBytes: 0 };
const sample = {
  type: 'sample', elapsedMs: 1, ops: 1, opsTotal: 2, items: 1, itemsTotal: 2, phase: 'alloc', counters,
  process: { rssBytes: 1, peakRssBytes: 1, virtualBytes: 1, minorFaults: 0, majorFaults: 0, diskBytes: 0, processTotals: totals },
};
const result = {
  scenario: 'baseline', mode: 'pagefile', offsetBits: 32, items: 2, viewSize: 131072, initialFileSize: 65536, granularity: 65536,
  growth: 'seed', view: 'sliding', prefault: false, verified: false, elapsedMs: 1,
  stats: { allocs: 1, deletions: 0, recycledAllocs: 0, bytesAllocated: 2, bytesFreed: 0, fileMaps: 0, mapViews: 0, compactions: 0, freeListBytes: 0, fileSize: 0 },
  process: { peakRssBytes: 1, virtualBytes: 1, minorFaults: 0, majorFaults: 0, processTotals: totals },
  budgets,
};
const wall = { code: 'nomem', budget: 'address', atItem: 1, storedBytes: 2, budgetBytes: 4 * GIB, lastRssBytes: 1 };

test('runner messages: samples, results and errors carry budgets and a budget failure, each checked', () => {
  assert.equal(parseFromRunner({ ...sample, budgets }).ok, true);
  assert.equal(parseFromRunner(sample).ok, true, 'a sample without budgets');
  const badSample = parseFromRunner({ ...sample, budgets: { ...budgets, enforced: 'yes' } });
  assert.equal(badSample.ok, false);
  assert.match(!badSample.ok ? badSample.reason : '', /^sample: budgets need enforced\.address and enforced\.memory/);
  assert.equal(parseFromRunner({ type: 'done', result }).ok, true);
  assert.equal(parseFromRunner({ type: 'done', result: { ...result, budgets: { ...budgets, baseVirtualBytes: -1 } } }).ok, false);
  const err = { type: 'error', code: 'nomem', message: 'the heap ran out of its 4 GiB address budget at item 1 (2 bytes stored)', budgetFailure: wall, result };
  assert.equal(parseFromRunner(err).ok, true);
  for (const bad of [
    { ...err, budgetFailure: { ...wall, budget: 'disk' } },
    { ...err, budgetFailure: { ...wall, atItem: 'one' } },
    { ...err, result: { ...result, verified: 'no' } },
    { ...err, result: { ...result, stats: { ...result.stats, allocs: -1 } } },
    { ...err, result: 7 },
  ]) assert.equal(parseFromRunner(bad).ok, false, JSON.stringify(bad).slice(0, 200));
});

test('a start message\'s budgets and memoryEnforcement are checked before the runner acts', () => {
  const start = { type: 'start', parameters: {} };
  assert.equal(parseToRunner({ ...start, budgets: { addressBytes: 4 * GIB } }).ok, true);
  assert.equal(parseToRunner({ ...start, budgets: { memoryBytes: GIB }, memoryEnforcement: 'cgroup v1 ...' }).ok, true);
  for (const [bad, why] of [
    [{ ...start, budgets: { addressBytes: '4G' } }, /^start\.addressBytes "4G" is not allowed; allowed: a number of bytes/],
    [{ ...start, budgets: { addressBytes: 1 } }, /^start\.addressBytes 1 is out of range/],
    [{ ...start, budgets: { diskBytes: 1 } }, /^start\.unknown budget "diskBytes"; allowed: addressBytes, memoryBytes/],
    [{ ...start, memoryEnforcement: 5 }, /^start\.memoryEnforcement must be text/],
    [{ ...start, memoryEnforcement: 'x'.repeat(2001) }, /at most 2000 characters/],
  ] as [unknown, RegExp][]) {
    const r = parseToRunner(bad);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', why);
  }
});

test('runner messages are passed on exactly as sent: every field kept, budgets and a wall included', () => {
  const enforcement = { address: 'the library counts the address space', memory: 'cgroup memory.max' };
  const messages = [
    { ...sample, budgets: { ...budgets, reason: 'memory budget not enforced here: no cgroup', enforcement, memoryPeakBytes: 7 } },
    { type: 'done', result: { ...result, error: { code: 'nomem', message: 'wall', budgetFailure: { ...wall, oomKilled: true } } } },
    { type: 'error', code: 'nomem', message: 'the heap ran out', budgetFailure: wall, result, failure: { item: 1, offset: 2, expected: 3, found: 4 } },
    { type: 'start', parameters: { items: 5 }, paused: true, events: false, budgets: { addressBytes: 4 * GIB }, memoryEnforcement: 'cgroup' },
  ];
  for (const m of messages) {
    const r = m.type === 'start' ? parseToRunner(m) : parseFromRunner(m);
    assert.ok(r.ok, JSON.stringify(m));
    assert.deepEqual(r.value, m);
  }
  // A result's settings are checked too: they are typed in what the extension keeps.
  const bad = parseFromRunner({ type: 'done', result: { ...result, mode: 'tape' } });
  assert.equal(!bad.ok && bad.reason, 'done needs a result with stats, process figures and verified (mode)');
});
