// Recorded runs end to end without VS Code (issue 17): real runs recorded by
// the format's encoder (test/fixtures/recordingFixtures.ts), read back, replayed
// by the editor's scrubber and compared. Expected values come from the runs'
// own messages, never from the code under test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readRecording, type Recording } from '../../common/recording';
import { Replay } from '../../common/replay';
import { buildComparison, summarizeRecording } from '../../common/recordingSummary';
import { recordRun, type RecordedRun } from '../fixtures/recordingFixtures';
import { DEFAULT_PARAMETERS } from '../../common/parameters';

const root = path.resolve(__dirname, '..', '..');
const runnerPath = path.join(root, 'dist', 'runner.js');
assert.ok(existsSync(runnerPath), 'dist/runner.js is missing: run npm run build first');

async function recorded(mode: 'pagefile' | 'disk'): Promise<{ run: RecordedRun; rec: Recording }> {
  const run = await recordRun(runnerPath, { ...DEFAULT_PARAMETERS, scenario: 'deletions', mode, items: 60_000 }, `deletions-${mode}`);
  const r = await readRecording(new TextEncoder().encode(run.text));
  assert.ok(r.ok, r.ok ? '' : r.error);
  return { run, rec: r.recording };
}

test('scrubbing a real recording: the end shows the run\'s last sample, each sample position its sample, the start none', async () => {
  const { run, rec } = await recorded('pagefile');
  assert.ok(run.samples.length >= 2, `the run sent ${run.samples.length} samples`);
  const replay = new Replay(rec);
  const kinds = replay.timeline.map((t) => t.kind);
  assert.equal(kinds.filter((k) => k === 'sample').length, run.samples.length, 'every sample is on the timeline');
  assert.equal(kinds.filter((k) => k === 'event').length, rec.events.length);
  const end = replay.frameAt(replay.length - 1);
  assert.deepEqual(end.sample, run.samples.at(-1));
  assert.equal(end.sample?.counters.allocs, run.result?.stats.allocs, 'the last sample has the result\'s allocs');
  run.samples.forEach((s, i) => assert.deepEqual(replay.frameAt(replay.positionOfSample(i)).sample, s, `sample ${i}`));
  // Before the first sample: no counters yet, and only events of operations before it.
  const firstSample = replay.positionOfSample(0);
  if (firstSample > 0) {
    const f = replay.frameAt(firstSample - 1);
    assert.equal(f.sample, undefined);
    assert.ok(f.events.every((e) => e.op < run.samples[0].ops));
  }
  // Deletions frees blocks: some position between the start and the end has free blocks the events left.
  assert.ok(rec.events.some((e) => e.kind === 'free'), 'the recording has free events');
  const withFree = replay.timeline.findIndex((t) => t.kind === 'event' && rec.events[t.index].kind === 'free');
  assert.ok(replay.frameAt(withFree).freeBlocks.length >= 1);
  const s = summarizeRecording(rec, 'x.memmaprun');
  assert.match(s.outcome, /^done: verified/);
  assert.deepEqual(s.parameters.slice(0, 2), ['deletions pagefile', 'Items 60,000']);
});

test('comparing two real recordings: ratios of their results, the mode marked as differing', async () => {
  const a = await recorded('pagefile');
  const b = await recorded('disk');
  const c = buildComparison({ name: 'a.memmaprun', recording: a.rec }, { name: 'b.memmaprun', recording: b.rec }, 'ops');
  const differs = c.parameters.filter((p) => p.differs).map((p) => p.label);
  assert.deepEqual(differs, ['Mode']);
  const ra = a.run.result!;
  const rb = b.run.result!;
  const row = (k: string) => c.ratios.find((r) => r.key === k)!;
  assert.equal(row('allocs').a, ra.stats.allocs.toLocaleString('en-US'));
  assert.equal(row('mapViews').b, rb.stats.mapViews.toLocaleString('en-US'));
  assert.equal(row('mapViews').ratio, `${(rb.stats.mapViews / ra.stats.mapViews).toFixed(2)}×`);
  // Aligned by operation, the x values are both runs' sample operation numbers.
  const ops = [...new Set([...a.run.samples, ...b.run.samples].map((s) => s.ops))].sort((x, y) => x - y);
  assert.deepEqual(c.charts[0].x, ops);
  const byTime = buildComparison({ name: 'a', recording: a.rec }, { name: 'b', recording: b.rec }, 'time');
  assert.equal(byTime.charts[0].x.at(-1), Math.max(a.run.samples.at(-1)!.elapsedMs, b.run.samples.at(-1)!.elapsedMs));
});
