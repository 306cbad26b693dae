// The history (issue 12), with the real runner: entries deleted one by one; a run cut off by a window
// reload stays as "interrupted" with the counters it had reached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseFromWebview } from '../../extension/messages';
import { DEFAULT_PARAMETERS } from '../../extension/parameters';
import type { RunRecord } from '../../extension/protocol';
import { INTERRUPTED_MESSAGE, RunController } from '../../extension/runController';

const root = path.resolve(__dirname, '..', '..');
const runnerPath = path.join(root, 'dist', 'runner.js');
assert.ok(existsSync(runnerPath), 'dist/runner.js is missing: run npm run build first');

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
