// RunController: what the panels are told, with the real runner (dist/runner.js).
// Issue 12 defect 4: Reset must forget the last run everywhere, so that a panel
// (also one opened later) shows one consistent picture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { RunController } from '../../extension/run/runController';
import { DEFAULT_PARAMETERS } from '../../common/parameters';
import type { RunParameters, ToWebview } from '../../common/protocol';

const root = path.resolve(__dirname, '..', '..');
const runnerPath = path.join(root, 'dist', 'runner.js');
assert.ok(existsSync(runnerPath), 'dist/runner.js is missing: run npm run build first');

const params = (p: Partial<RunParameters>): RunParameters => ({ ...DEFAULT_PARAMETERS, ...p });

async function until(pred: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('after a run, Reset leaves nothing of it in the snapshot a panel gets (but keeps it in the history)', async () => {
  const c = new RunController({ runnerPath, log: () => undefined });
  try {
    const outcome = await c.run(params({ scenario: 'grow', items: 20_000 }), { events: true });
    assert.ok(outcome.ok);
    const before = c.snapshot(DEFAULT_PARAMETERS);
    assert.ok(before.type === 'init' && before.current?.result, 'before Reset the panel gets the last run');
    assert.ok(c.recentEventList().length > 0);
    c.reset();
    const after = c.snapshot(DEFAULT_PARAMETERS);
    assert.ok(after.type === 'init');
    assert.equal(after.current, undefined, 'after Reset: no current run');
    assert.equal(after.state, 'idle');
    assert.deepEqual(c.recentEventList(), [], 'after Reset: no events to replay');
    assert.equal(after.history.length, 1, 'the run stays in the history');
  } finally {
    await c.dispose();
  }
});

test('Reset during a run stops it; nothing of that run reaches the panels afterwards, and it enters the history', async () => {
  const c = new RunController({ runnerPath, log: () => undefined });
  const seen: ToWebview[] = [];
  c.onUpdate((m) => seen.push(m));
  try {
    const done = c.run(params({ scenario: 'grow', items: 3_000_000, offsetBits: 64 }), { events: true });
    await until(() => seen.some((m) => m.type === 'sample'), 'a first sample');
    c.reset();
    const mark = seen.length;
    const outcome = await done;
    assert.equal(outcome.error?.code, 'cancelled');
    const later = seen.slice(mark).map((m) => m.type);
    for (const t of ['sample', 'event', 'runEnded'] as const) assert.ok(!later.includes(t), `no ${t} after Reset: ${later.join(', ')}`);
    assert.ok(later.includes('history'), 'the history is updated');
    assert.equal(c.getHistory()[0].error?.code, 'cancelled');
    const snap = c.snapshot(DEFAULT_PARAMETERS);
    assert.ok(snap.type === 'init' && snap.current === undefined && snap.state === 'idle');
    // The next run is shown as usual.
    const next = await c.run(params({ scenario: 'deletions', items: 5_000 }), { events: true });
    assert.ok(next.ok);
    const snap2 = c.snapshot(DEFAULT_PARAMETERS);
    assert.ok(snap2.type === 'init' && snap2.current?.parameters.scenario === 'deletions');
    assert.ok(seen.some((m) => m.type === 'runEnded' && m.record.parameters.scenario === 'deletions'));
  } finally {
    await c.dispose();
  }
});
