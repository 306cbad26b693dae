// The panel's recordings (extension/recordingStore.ts): written as the run goes, compressed at
// its end, bounded by count and bytes; the exports made from them; the panel's recording messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRecording } from '../../../common/recording';
import { memoryFs, sample, start } from './recordingHelpers';
import { historyToCsv } from '../../../extension/commands/exportHistory';
import { RecordingStore, recordingName, runsFromRecordings } from '../../../extension/recordings/recordingStore';
import { parseFromWebview } from '../../../common/messages';

test('file names sort by start time: run-<13-digit epoch ms>-<id>.memmaprun', () => {
  assert.equal(recordingName(1_700_000_000_000, 'abc'), 'run-1700000000000-abc.memmaprun');
  assert.equal(recordingName(5, 'x'), 'run-0000000000005-x.memmaprun');
});

test('a run is written at its start (plain), while it goes, and compressed at its end', async () => {
  const fs = memoryFs();
  const store = new RecordingStore(fs, 'rec', { flushMs: 0 });
  const active = store.begin(start('a1', 1000));
  await store.idle();
  const file = 'rec/run-0000000001000-a1.memmaprun';
  // Right after the start: the header alone, plain, readable.
  let r = parseRecording(fs.files.get(file)!);
  assert.ok(r.ok && r.recording.samples.length === 0 && !r.recording.complete);
  active.take(sample(1));
  active.take(sample(2));
  await store.idle();
  // A window that closes now keeps the two samples.
  r = parseRecording(fs.files.get(file)!);
  assert.ok(r.ok);
  assert.deepEqual(r.recording.samples.map((s) => s.ops), [1, 2]);
  await active.end({ endedAt: 2000, error: { code: 'cancelled', message: 'stopped' } });
  const stored = fs.files.get(file)!;
  assert.deepEqual([...stored.subarray(0, 2)], [0x1f, 0x8b], 'gzip at the end');
  const read = await store.read('a1');
  assert.ok(!('error' in read));
  assert.equal(read.complete, true);
  assert.deepEqual(read.end?.error, { code: 'cancelled', message: 'stopped' });
  // Save Recording writes plain NDJSON.
  const plain = await store.plainBytes('a1');
  assert.ok(plain && new TextDecoder().decode(plain).startsWith('{"format":"memmaprun"'));
  assert.deepEqual(await store.read('nope'), { error: 'no recording of run nope is kept (the store keeps the newest 100)' });
});

test('writes are throttled to one per flush interval while a run goes', async () => {
  const fs = memoryFs();
  const store = new RecordingStore(fs, 'rec', { flushMs: 60_000 });
  const active = store.begin(start('t', 1));
  for (let n = 1; n <= 50; n++) active.take(sample(n));
  await store.idle();
  // One write for the start (it carries what came before it ran); none for the 50 samples within the interval.
  assert.equal(fs.writes.length, 1);
  for (let n = 51; n <= 60; n++) active.take(sample(n));
  await store.idle();
  assert.equal(fs.writes.length, 1);
  await active.end({ endedAt: 2 });
  assert.equal(fs.writes.length, 2, 'and the end');
});

test('pruning keeps the newest recordings within the count and the bytes, never one being written', async () => {
  const fs = memoryFs();
  const store = new RecordingStore(fs, 'rec', { maxCount: 3, maxBytes: 1e9, flushMs: 0 });
  const running = store.begin(start('old-running', 1)); // the oldest, still being written
  for (let i = 2; i <= 6; i++) await store.begin(start(`r${i}`, i)).end({ endedAt: i + 1 });
  await store.idle();
  const ids = (await store.list()).map((x) => x.id);
  // 6 files, 3 allowed: r2, r3, r4 (oldest finished) go; the running one stays.
  assert.deepEqual(ids, ['old-running', 'r5', 'r6']);
  await running.end({ endedAt: 9 });
  assert.deepEqual((await store.list()).map((x) => x.id), ['old-running', 'r5', 'r6']);

  const sized = memoryFs();
  const small = new RecordingStore(sized, 'rec', { maxCount: 100, maxBytes: 1, flushMs: 0 });
  await small.begin(start('a', 1)).end({ endedAt: 2 });
  await small.begin(start('b', 3)).end({ endedAt: 4 });
  // One byte allowed: each finished recording is pruned by the next prune, the newest too (it is over the bound alone).
  assert.deepEqual((await small.list()).map((x) => x.id), []);
});

test('remove() deletes a run\'s recording, not one being written', async () => {
  const fs = memoryFs();
  const store = new RecordingStore(fs, 'rec', { flushMs: 0 });
  await store.begin(start('done', 1)).end({ endedAt: 2 });
  const live = store.begin(start('live', 3));
  await store.remove('done');
  await store.remove('live');
  assert.deepEqual((await store.list()).map((x) => x.id), ['live']);
  await live.end({ endedAt: 4 });
});

test('the panel\'s recording messages (saveRecording, loadCurves) take a run id and nothing else', () => {
  const id = 'b7c4d0a2-1f2e-4c3b-9a8d-0e1f2a3b4c5d';
  assert.deepEqual(parseFromWebview({ type: 'saveRecording', id }), { ok: true, value: { type: 'saveRecording', id } });
  assert.deepEqual(parseFromWebview({ type: 'loadCurves', id, extra: 1 }), { ok: true, value: { type: 'loadCurves', id } });
  for (const type of ['saveRecording', 'loadCurves']) {
    for (const bad of [undefined, 7, '', '../x', 'a/b', 'a'.repeat(65), { $ne: 1 }]) {
      const p = parseFromWebview({ type, id: bad });
      assert.deepEqual(p, { ok: false, reason: `${type} id ${bad === undefined ? 'undefined' : JSON.stringify(bad)} is not allowed; allowed: a run id` }, JSON.stringify(bad));
    }
  }
});

test('the exports are made from the recordings: all samples and the end; the history entry where no complete recording is kept', async () => {
  const fs = memoryFs();
  const store = new RecordingStore(fs, 'rec', { flushMs: 0 });
  const result = {
    scenario: 'grow' as const, mode: 'pagefile' as const, offsetBits: 32 as const, items: 10, viewSize: 131072, initialFileSize: 65536, granularity: 65536,
    growth: 'seed' as const, view: 'sliding' as const, prefault: false, verified: true, elapsedMs: 5,
    stats: { allocs: 10, deletions: 0, recycledAllocs: 0, bytesAllocated: 10, bytesFreed: 0, fileMaps: 1, mapViews: 1, compactions: 0, freeListBytes: 0, fileSize: 65536 },
    process: { peakRssBytes: 1, virtualBytes: 1, minorFaults: 0, majorFaults: 0, processTotals: { minorFaults: 0, majorFaults: 0, peakRssBytes: 1 } },
  };
  // "full": recorded to its end, its history entry without curves (beyond the last 10).
  const full = store.begin(start('full', 100));
  for (let n = 1; n <= 3; n++) full.take(sample(n));
  await full.end({ endedAt: 200, result });
  // "cut": a recording without an end (the window closed), its history entry says interrupted.
  const cut = store.begin(start('cut', 300));
  cut.take(sample(1));
  await store.idle();
  const history = [
    { id: 'full', label: 'Full (history label)', startedAt: 100, endedAt: 200, parameters: start('full', 100).parameters, result, samples: [] },
    { id: 'cut', label: 'Cut', startedAt: 300, endedAt: 350, parameters: start('cut', 300).parameters, samples: [sample(1)], error: { code: 'cancelled' as const, message: 'interrupted by a window reload' } },
    { id: 'never-recorded', label: 'Old', startedAt: 1, parameters: start('x', 1).parameters, samples: [] },
  ];
  const runs = await runsFromRecordings(store, history);
  assert.equal(runs[0].label, 'Full (history label)');
  assert.deepEqual(runs[0].samples.map((s) => s.ops), [1, 2, 3], 'the curves from the recording');
  assert.deepEqual(runs[0].result, result);
  assert.equal(runs[0].endedAt, 200);
  assert.equal(runs[1], history[1], 'no end recorded: the history entry');
  assert.equal(runs[2], history[2], 'no recording: the history entry');
  // The CSV row of the recorded run is the history entry's (the same figures).
  assert.equal(historyToCsv(runs), historyToCsv(history));
  await cut.end({ endedAt: 400 });
});
