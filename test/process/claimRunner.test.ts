// "The blog's claims" run through the RunController with the real runner, as
// the Test Explorer runs them (issue 15); and a budget's wall as the
// controller reports it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunController } from '../../extension/run/runController';
import { DEFAULT_PARAMETERS } from '../../common/parameters';
import { findClaim, itemsForStoredBytes } from '../../extension/testing/blogClaims';
import { runClaim } from '../../extension/testing/claimRunner';

const root = path.resolve(__dirname, '..', '..');
const runnerPath = path.join(root, 'dist', 'runner.js');
assert.ok(existsSync(runnerPath), 'dist/runner.js is missing: run npm run build first');
const MIB = 2 ** 20;

test('a budget\'s wall through the controller: error nomem, where it was hit, and the counters reached kept in the record', async () => {
  const c = new RunController({ runnerPath, log: () => undefined });
  try {
    const o = await c.run({ ...DEFAULT_PARAMETERS, scenario: 'baseline', items: 400_000 }, { events: false, budgets: { addressBytes: 512 * MIB } });
    assert.equal(o.ok, false);
    assert.equal(o.error?.code, 'nomem');
    assert.match(o.error?.message ?? '', /^the heap ran out of its 512 MiB address budget at item [\d,]+ \(/);
    assert.equal(o.budgetFailure?.budget, 'address');
    assert.equal(o.budgetFailure?.budgetBytes, 512 * MIB);
    assert.equal(o.record.budgetFailure?.atItem, o.budgetFailure?.atItem);
    assert.equal(o.record.result?.stats.allocs, o.budgetFailure?.atItem, 'the counters reached are kept');
    assert.ok((o.budgetFailure?.atItem ?? 0) > 10_000 && (o.budgetFailure?.atItem ?? Infinity) < 400_000);
    assert.equal(o.record.result?.budgets?.addressBytes, 512 * MIB);
    // Samples carry the budgets too (the panel draws them).
    assert.ok(o.record.samples.length > 0 && o.record.samples.every((s) => s.budgets?.addressBytes === 512 * MIB));
    // And a run without budgets afterwards has none.
    const plain = await c.run({ ...DEFAULT_PARAMETERS, items: 10_000 }, { events: false });
    assert.equal(plain.ok, true);
    assert.equal(plain.record.result?.budgets, undefined);
  } finally {
    await c.dispose();
  }
});

test('"the heap\'s wall" (Run profile): the baseline hits its 4 GiB wall cleanly, and the test passes', async (t) => {
  const c = new RunController({ runnerPath, log: () => undefined });
  try {
    let output = '';
    const o = await runClaim(c, findClaim('claims:heapsWall')!, 'run', { isCancelled: () => false, onOutput: (s) => (output += s) });
    assert.equal(o.status, 'passed', `${o.message}\n${output}`);
    assert.match(o.message, /^the heap hit its wall cleanly: the heap ran out of its 4 GiB address budget at item [\d,]+ \(\d\.\d\d GiB stored\)/);
    assert.match(output, new RegExp(`^the heap's wall: baseline · the same ${itemsForStoredBytes(8 * 2 ** 30).toLocaleString('en-US')} items`));
    assert.match(output, /address budget 4 GiB \(the library counts its C-heap use/);
    t.diagnostic(o.message);
  } finally {
    await c.dispose();
  }
});

test('"beyond a 4 GB process" (Run profile): 8 GiB stored and verified through the sliding view, inside the 4 GiB budget', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-claim-'));
  const c = new RunController({ runnerPath, log: () => undefined });
  try {
    let output = '';
    const o = await runClaim(c, findClaim('claims:beyond4GB')!, 'run', { isCancelled: () => false, diskDir: dir, onOutput: (s) => (output += s) });
    assert.equal(o.status, 'passed', `${o.message}\n${output}`);
    assert.match(o.message, /^8(\.\d\d)? GiB stored and verified in a 16 GiB file; the runner grew by at most [\d.]+ [MG]iB of its 4 GiB address budget$/);
    assert.deepEqual(readdirSync(dir), [], 'no file left');
    t.diagnostic(`${o.message} (${(o.durationMs / 1000).toFixed(1)} s)`);
  } finally {
    await c.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
