// A cancel that reaches the engine while its start is on its way (the run not
// created yet) is remembered: the run is cancelled as soon as it exists, or
// does not begin. A stand-in library lets the test cancel at that moment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventCapacity, ScenarioEngine } from '../../runner/engine';
import type { MemMapLibrary } from '../../runner/native';
import type { FromRunner } from '../../common/protocol';
import { DEFAULT_PARAMETERS } from '../../common/parameters';

/** A library whose processFigures (read while the start sets up, before the run exists) runs `during` once. */
function standIn(during: () => void): { lib: MemMapLibrary; stepped: () => number } {
  let steps = 0;
  let once: (() => void) | undefined = during;
  const lib = {
    processFigures: () => {
      const f = once;
      once = undefined;
      f?.();
      return { rssBytes: 0, peakRssBytes: 0, virtualBytes: 0, minorFaults: 0, majorFaults: 0 };
    },
    createRun: () => ({ stand: 'in' }),
    cancel: () => undefined,
    stepAsync: () => {
      steps++;
      return new Promise<number>((r) => setImmediate(() => r(0))); // a slice that never ends the run
    },
    filePath: () => '',
    destroyAsync: () => Promise.resolve(),
  } as unknown as MemMapLibrary;
  return { lib, stepped: () => steps };
}

for (const how of ['cancel', 'close'] as const) {
  test(`a ${how} that comes while the start is on its way is not lost: the run ends cancelled without a step`, async () => {
    const sent: FromRunner[] = [];
    let engine: ScenarioEngine | undefined;
    const { lib, stepped } = standIn(() => engine![how]());
    engine = new ScenarioEngine(lib, (m) => sent.push(m), { sampleIntervalMs: 100, eventBatchMs: 250, sliceMs: 5, maxEventsPerBatch: 400, residencyShare: 0 });
    const run = engine.start({ ...DEFAULT_PARAMETERS, items: 1000 }, { samples: false });
    // Without the remembered cancel the run would go on for ever: a bounded wait says which.
    const outcome = await Promise.race([run, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 2000))]);
    if (outcome === 'still running') engine.close();
    assert.notEqual(outcome, 'still running', 'the run went on after the cancel');
    assert.equal(outcome !== 'still running' && 'code' in outcome ? outcome.code : 'no code', 'cancelled');
    assert.equal(stepped(), 0, 'no step was taken');
    const last = sent[sent.length - 1];
    assert.equal(last?.type, 'error');
    assert.equal(last?.type === 'error' ? last.code : '', 'cancelled');
    assert.equal(engine.busy, false);
  });
}

test('the event ring: 4 times larger for a recording, but never under a memory budget (where it is charged to the budget)', () => {
  const normal = 1 << 16; // the engine's EVENT_CAPACITY
  assert.equal(eventCapacity({}), 0);
  assert.equal(eventCapacity({ events: true, allEvents: true }), 4 * normal);
  assert.equal(eventCapacity({ events: true, allEvents: true, budgets: { memoryBytes: 512 * 2 ** 20 } }), normal);
  assert.equal(eventCapacity({ events: true, allEvents: true, budgets: { addressBytes: 4 * 2 ** 30 } }), 4 * normal);
});
