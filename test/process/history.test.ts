// The history (issue 12): per-run figures and runner-process totals exported
// apart and labelled; entries deleted one by one; a run cut off by a window
// reload stays as "interrupted" with the counters it had reached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { historyToCsv, historyToJson } from '../../extension/commands/exportHistory';
import { parseFromWebview } from '../../common/messages';
import { DEFAULT_PARAMETERS } from '../../common/parameters';
import type { RunRecord } from '../../common/protocol';
import { INTERRUPTED_MESSAGE, RunController } from '../../extension/run/runController';
import { historyRecord } from '../unit/extension/historyFixture';

const root = path.resolve(__dirname, '..', '..');
const runnerPath = path.join(root, 'dist', 'runner.js');
assert.ok(existsSync(runnerPath), 'dist/runner.js is missing: run npm run build first');

const record = historyRecord;

test('CSV: the run\'s own figures and the runner process totals are separate, labelled columns', () => {
  // The numbers: a 1,000-item run after big ones; its own figures are small, the process totals are not.
  const r = record('a1', { peakRssBytes: 48 << 20, virtualBytes: 900 << 20, minorFaults: 812, majorFaults: 0,
    processTotals: { peakRssBytes: 699 << 20, minorFaults: 4_300_000, majorFaults: 12 } });
  const [header, row] = historyToCsv([r]).trimEnd().split('\r\n').map((l) => l.split(','));
  const cell = (name: string) => row[header.indexOf(name)];
  assert.equal(cell('runPeakRssBytesSampled'), String(48 << 20));
  assert.equal(cell('runMinorFaults'), '812');
  assert.equal(cell('runMajorFaults'), '0');
  assert.equal(cell('processTotalPeakRssBytes'), String(699 << 20));
  assert.equal(cell('processTotalMinorFaults'), '4300000');
  assert.equal(cell('processTotalMajorFaults'), '12');
  assert.equal(cell('waitedMs'), '2500');
  assert.equal(cell('elapsedMs'), '1234');
  for (const ambiguous of ['peakRssBytes', 'minorFaults', 'majorFaults']) assert.ok(!header.includes(ambiguous), `no unlabelled ${ambiguous} column`);
  const json = JSON.parse(historyToJson([r]));
  assert.match(json.figures, /result\.process: this run .* result\.process\.processTotals: the whole runner process/);
  assert.equal(json.runs[0].result.process.processTotals.minorFaults, 4_300_000);
});

test('CSV: a run that did not finish gives the counters it reached (its last sample), with its error', () => {
  const counters = { allocs: 536_818, deletions: 0, recycledAllocs: 0, bytesAllocated: 1_073_000_000, bytesFreed: 0, fileMaps: 16, mapViews: 58_888,
    compactions: 0, freeListBytes: 0, fileSize: 1 << 30, viewSize: 131072, initialFileSize: 65536, offsetFreeMem: 1_073_000_000, unmapViews: 58_887,
    bytesCopied: 0, viewOffset: 0, viewLength: 131072 };
  const proc = { rssBytes: 5 << 20, peakRssBytes: 9 << 20, virtualBytes: 1 << 31, minorFaults: 70_000, majorFaults: 1, diskBytes: 0,
    processTotals: { minorFaults: 90_000, majorFaults: 2, peakRssBytes: 10 << 20 } };
  const sample = { type: 'sample' as const, elapsedMs: 3000, ops: 536_818, opsTotal: 2_000_000, items: 536_817, itemsTotal: 1_000_000, phase: 'alloc' as const, counters, process: proc };
  const cancelled: RunRecord = { ...record('c1', proc), result: undefined, error: { code: 'cancelled', message: 'the run was cancelled' }, samples: [sample] };
  const [header, row] = historyToCsv([cancelled]).trimEnd().split('\r\n').map((l) => l.split(','));
  const cell = (name: string) => row[header.indexOf(name)];
  assert.equal(cell('allocs'), '536818');
  assert.equal(cell('mapViews'), '58888');
  assert.equal(cell('fileMaps'), '16');
  assert.equal(cell('runMinorFaults'), '70000');
  assert.equal(cell('processTotalMinorFaults'), '90000');
  assert.equal(cell('verified'), '', 'no verdict for a run that did not finish');
  assert.match(cell('error'), /^cancelled: /);
});

test('deleteRun and clearHistory are the only new panel messages, and a run id is checked', () => {
  assert.deepEqual(parseFromWebview({ type: 'deleteRun', id: 'b7c4d0a2-1f2e-4c3b-9a8d-0e1f2a3b4c5d' }), { ok: true, value: { type: 'deleteRun', id: 'b7c4d0a2-1f2e-4c3b-9a8d-0e1f2a3b4c5d' } });
  assert.deepEqual(parseFromWebview({ type: 'clearHistory' }), { ok: true, value: { type: 'clearHistory' } });
  for (const id of [undefined, 7, '', '../x', 'a'.repeat(65), { $ne: 1 }]) {
    const p = parseFromWebview({ type: 'deleteRun', id });
    assert.ok(!p.ok, JSON.stringify(id));
  }
});

test('a run is deleted from the history (and from what is saved); an unknown id changes nothing', async () => {
  let saved: RunRecord[] = [];
  const c = new RunController({ runnerPath, log: () => undefined, saveHistory: (h) => (saved = h) });
  try {
    const a = await c.run({ ...DEFAULT_PARAMETERS, items: 2000 });
    const b = await c.run({ ...DEFAULT_PARAMETERS, items: 3000 });
    assert.equal(c.getHistory().length, 2);
    assert.equal(c.deleteRun('no-such-run'), false);
    assert.equal(c.deleteRun(a.record.id), true);
    assert.deepEqual(c.getHistory().map((r) => r.id), [b.record.id]);
    assert.deepEqual(saved.map((r) => r.id), [b.record.id]);
    assert.ok((b.record.endedAt ?? 0) >= b.record.startedAt, 'the end time is kept');
  } finally {
    await c.dispose();
  }
});

test('a run still going when the window reloads is in the next window\'s history as interrupted, with the counters it reached', async () => {
  let saved: RunRecord[] = [];
  const first = new RunController({ runnerPath, log: () => undefined, saveHistory: (h) => (saved = JSON.parse(JSON.stringify(h))), persistIntervalMs: 0 });
  try {
    void first.run({ ...DEFAULT_PARAMETERS, items: 3_000_000, offsetBits: 64 });
    const deadline = Date.now() + 60_000;
    while (!(saved[0]?.samples.at(-1)?.counters.allocs)) {
      if (Date.now() > deadline) throw new Error('nothing saved while the run went');
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    // The window goes away: the extension host disposes the controller mid-run, and the run is not finished.
    await first.dispose();
  }
  const next = new RunController({ runnerPath, log: () => undefined, loadHistory: () => saved });
  try {
    const h = next.getHistory();
    assert.equal(h.length, 1);
    assert.equal(h[0].error?.message, INTERRUPTED_MESSAGE);
    assert.match(INTERRUPTED_MESSAGE, /interrupted by a window reload/);
    assert.equal(h[0].result, undefined);
    assert.ok((h[0].samples.at(-1)?.counters.allocs ?? 0) > 0, 'the counters reached are kept');
  } finally {
    await next.dispose();
  }
});
