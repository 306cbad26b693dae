// The ScenarioEngine's state machine (runner/engineState.ts): each transition,
// what the panel is told, and the events it refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBusy, liveRun, nextEngineState, RefusedTransition, type EngineEvent, type EngineState } from '../../../runner/engineState';

const run = 'run-handle';
const step = { count: 3 };
const idle: EngineState = { kind: 'idle' };
const running: EngineState = { kind: 'running', run };
const resuming: EngineState = { kind: 'resuming', run };
const pausing: EngineState = { kind: 'pausing', run };
const paused: EngineState = { kind: 'paused', run };
const cancelling: EngineState = { kind: 'cancelling', run, closing: false };
const cleaningUp: EngineState = { kind: 'cleaningUp', closing: false };
const closed: EngineState = { kind: 'closed' };

/** Applies events in turn; returns the final state and every state told to the panel. */
function play(s: EngineState, events: EngineEvent[]): { state: EngineState; told: string[] } {
  const told: string[] = [];
  for (const e of events) {
    const t = nextEngineState(s, e);
    s = t.state;
    if (t.announce) told.push(t.announce);
  }
  return { state: s, told };
}

function refused(s: EngineState, e: EngineEvent): void {
  assert.throws(() => nextEngineState(s, e), (err: unknown) =>
    err instanceof RefusedTransition && err.message === `the event ${e.type} is not allowed in state ${s.kind}`, `${e.type} in ${s.kind}`);
}

test('a run from start to end tells running, then idle', () => {
  const r = play(idle, [{ type: 'start', run, paused: false }, { type: 'workStopped' }, { type: 'cleanedUp' }]);
  assert.deepEqual(r, { state: { kind: 'idle' }, told: ['running', 'idle'] });
});

test('pause: pausing at once, paused when the loop waits, running again after resume', () => {
  const r = play(idle, [
    { type: 'start', run, paused: false }, { type: 'pause' }, { type: 'pause' }, { type: 'loopWaits' },
    { type: 'loopWaits' }, { type: 'resume' }, { type: 'loopResumed' },
  ]);
  assert.deepEqual(r, { state: running, told: ['running', 'pausing', 'paused', 'running'] });
});

test('a resume before the pause took effect goes back to running and tells nothing', () => {
  assert.deepEqual(nextEngineState(pausing, { type: 'resume' }), { state: running });
});

test('steps from a paused start: paused after each step, no second paused when it waits', () => {
  const r = play(idle, [
    { type: 'start', run, paused: true }, { type: 'step', step }, { type: 'stepTaken' }, { type: 'stepDone' }, { type: 'loopWaits' },
  ]);
  assert.deepEqual(r, { state: paused, told: ['paused', 'paused'] });
});

test('a step while running: the step, paused after it and paused again when it waits', () => {
  const r = play(running, [{ type: 'step', step }, { type: 'stepTaken' }, { type: 'stepDone' }, { type: 'loopWaits' }]);
  assert.deepEqual(r, { state: paused, told: ['paused', 'paused'] });
});

test('a new step during a step replaces it; a resume during a step wins over it', () => {
  const taken: EngineState = { kind: 'stepping', run, step: undefined, fromPaused: true };
  assert.deepEqual(nextEngineState(taken, { type: 'step', step: { until: 'grow' } }).state,
    { kind: 'stepping', run, step: { until: 'grow' }, fromPaused: true });
  assert.deepEqual(play(taken, [{ type: 'resume' }, { type: 'stepDone' }, { type: 'loopResumed' }]), { state: running, told: ['running'] });
  assert.deepEqual(play({ ...taken, fromPaused: false }, [{ type: 'resume' }, { type: 'stepDone' }]), { state: running, told: [] });
});

test('pause does nothing to a paused, stepping or cancelled run, nor without a run', () => {
  for (const s of [paused, pausing, cancelling, idle, cleaningUp, closed, { kind: 'stepping', run, step, fromPaused: true } as EngineState]) {
    assert.deepEqual(nextEngineState(s, { type: 'pause' }), { state: s }, s.kind);
  }
});

test('cancel ends the loop; the clean-up tells idle; close forbids later runs', () => {
  assert.deepEqual(play(paused, [{ type: 'cancel' }, { type: 'resume' }, { type: 'step', step }, { type: 'workStopped' }, { type: 'cleanedUp' }]),
    { state: idle, told: ['idle'] });
  assert.deepEqual(play(running, [{ type: 'close' }, { type: 'workStopped' }, { type: 'cleanedUp' }]), { state: closed, told: ['idle'] });
  assert.deepEqual(play(cleaningUp, [{ type: 'close' }, { type: 'cleanedUp' }]), { state: closed, told: [] });
  assert.deepEqual(play(idle, [{ type: 'close' }]), { state: closed, told: [] });
  assert.deepEqual(nextEngineState(idle, { type: 'cancel' }), { state: idle });
});

test('busy from the start until the clean-up ends; the run handle only while the loop runs', () => {
  assert.equal(isBusy(idle), false);
  assert.equal(isBusy(closed), false);
  for (const s of [running, resuming, pausing, paused, cancelling, cleaningUp]) assert.equal(isBusy(s), true, s.kind);
  assert.equal(liveRun(cleaningUp), undefined);
  assert.equal(liveRun(idle), undefined);
  assert.equal(liveRun(cancelling), run);
  assert.equal(liveRun(paused), run);
});

test('illegal transitions are refused', () => {
  refused(running, { type: 'start', run, paused: false });
  refused(cleaningUp, { type: 'start', run, paused: false });
  refused(closed, { type: 'start', run, paused: false });
  refused(running, { type: 'loopWaits' });
  refused({ kind: 'stepping', run, step, fromPaused: false }, { type: 'loopWaits' });
  refused(idle, { type: 'loopWaits' });
  refused(paused, { type: 'loopResumed' });
  refused(running, { type: 'stepTaken' });
  refused({ kind: 'stepping', run, step: undefined, fromPaused: false }, { type: 'stepTaken' });
  refused(idle, { type: 'stepDone' });
  refused(cleaningUp, { type: 'workStopped' });
  refused(idle, { type: 'workStopped' });
  refused(running, { type: 'cleanedUp' });
  refused(idle, { type: 'cleanedUp' });
});
