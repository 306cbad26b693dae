// Every run of the RunController is recorded (extension/recordingStore.ts, with the real runner).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runRecordFromRecording } from '../../common/recording';
import { DEFAULT_PARAMETERS } from '../../common/parameters';
import { historyToCsv } from '../../extension/commands/exportHistory';
import { RecordingStore } from '../../extension/recordings/recordingStore';
import { RunController } from '../../extension/run/runController';
import { memoryFs } from '../unit/extension/recordingHelpers';

const root = path.resolve(__dirname, '..', '..');
const runnerPath = path.join(root, 'dist', 'runner.js');

test('every run of the RunController is recorded; the CSV export made from the recording is the history\'s', async () => {
  assert.ok(existsSync(runnerPath), 'dist/runner.js is missing: run npm run build first');
  const fs = memoryFs();
  const store = new RecordingStore(fs, 'rec', { flushMs: 0 });
  const c = new RunController({ runnerPath, log: () => undefined, record: (s) => store.begin(s), forget: (ids) => ids.forEach((id) => void store.remove(id)) });
  try {
    const outcome = await c.run({ ...DEFAULT_PARAMETERS, scenario: 'grow', items: 3000 }, { label: 'recorded grow', events: true, test: { id: 'seed/x', label: 'X' } });
    assert.ok(outcome.ok, JSON.stringify(outcome.error));
    await outcome.recorded;
    const rec = await store.read(outcome.record.id);
    assert.ok(!('error' in rec), JSON.stringify(rec));
    assert.equal(rec.header.label, 'recorded grow');
    assert.equal(rec.header.producer, 'test');
    assert.deepEqual(rec.header.test, { id: 'seed/x', label: 'X' });
    assert.equal(rec.header.pageSize, c.runner?.pageSize);
    assert.equal(rec.complete, true);
    assert.deepEqual(rec.end?.result, outcome.record.result);
    assert.equal(rec.end?.result?.stats.allocs, 3000);
    assert.ok(rec.events.some((e) => e.kind === 'alloc'), 'events recorded');
    assert.equal(rec.samples.length, outcome.record.samples.length, 'the same samples as the history entry');
    // The export from the recording matches the export from the history entry.
    assert.equal(historyToCsv([runRecordFromRecording(rec)]), historyToCsv([outcome.record]));
    // Deleting the run from the history removes its recording.
    assert.equal(c.deleteRun(outcome.record.id), true);
    await store.idle();
    assert.deepEqual(await store.list(), []);
  } finally {
    await c.dispose();
  }
});

