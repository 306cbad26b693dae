// The RunController's state machine (extension/run/controllerState.ts): every
// transition it allows, and the ones it refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextControllerState, RefusedTransition, type ActiveRun, type ControllerEvent, type ControllerState } from '../../../extension/run/controllerState';
import type { RunRecord } from '../../../common/protocol';

type S = ControllerState<string>;
type E = ControllerEvent<string>;
const record = { id: 'r1', label: 'grow page', startedAt: 0, samples: [] } as unknown as RunRecord;
const run: ActiveRun<string> = { record, resolve: () => undefined };

const idle: S = { kind: 'idle' };
const starting: S = { kind: 'starting', stopRequested: false };
const running: S = { kind: 'running', run, runner: 'idle' };

function refused(s: S, e: E): RefusedTransition {
  try {
    nextControllerState(s, e);
  } catch (err) {
    assert.ok(err instanceof RefusedTransition, `expected RefusedTransition, got ${String(err)}`);
    return err;
  }
  assert.fail(`${e.type} in ${s.kind} was allowed`);
}

test('a run: idle, starting, running as the runner reports, idle again', () => {
  let s: S = nextControllerState(idle, { type: 'start' });
  assert.deepEqual(s, { kind: 'starting', stopRequested: false });
  s = nextControllerState(s, { type: 'started', run });
  assert.deepEqual(s, { kind: 'running', run, runner: 'idle' });
  s = nextControllerState(s, { type: 'runnerState', state: 'running' });
  assert.deepEqual(s, { kind: 'running', run, runner: 'running' });
  s = nextControllerState(s, { type: 'runnerState', state: 'pausing' });
  assert.deepEqual(s, { kind: 'running', run, runner: 'pausing' });
  s = nextControllerState(s, { type: 'ended' });
  assert.deepEqual(s, { kind: 'idle' });
});

test('Stop while the runner starts is remembered; elsewhere it changes nothing', () => {
  assert.deepEqual(nextControllerState(starting, { type: 'stop' }), { kind: 'starting', stopRequested: true });
  assert.deepEqual(nextControllerState(idle, { type: 'stop' }), { kind: 'idle' });
  assert.deepEqual(nextControllerState(running, { type: 'stop' }), running);
  // a new start forgets an earlier Stop
  assert.deepEqual(nextControllerState(idle, { type: 'start' }), { kind: 'starting', stopRequested: false });
});

test('a runner that cannot start ends the start; its exit outside a run changes nothing', () => {
  assert.deepEqual(nextControllerState(starting, { type: 'startFailed' }), { kind: 'idle' });
  assert.deepEqual(nextControllerState({ kind: 'starting', stopRequested: true }, { type: 'runnerExited' }), { kind: 'starting', stopRequested: true });
  assert.deepEqual(nextControllerState(idle, { type: 'runnerExited' }), { kind: 'idle' });
});

test('a second run is refused while one starts or runs, with the words the panel shows', () => {
  assert.equal(refused(starting, { type: 'start' }).message, 'a run is already in progress; stop it first');
  assert.equal(refused(running, { type: 'start' }).message, 'a run is already in progress; stop it first');
});

test('illegal transitions are refused', () => {
  const cases: [S, E][] = [
    [idle, { type: 'started', run }],
    [running, { type: 'started', run }],
    [idle, { type: 'startFailed' }],
    [running, { type: 'startFailed' }],
    [idle, { type: 'runnerState', state: 'running' }],
    [starting, { type: 'runnerState', state: 'paused' }],
    [idle, { type: 'ended' }],
    [starting, { type: 'ended' }],
    [running, { type: 'runnerExited' }],
  ];
  for (const [s, e] of cases) {
    const err = refused(s, e);
    assert.equal(err.message, `the event ${e.type} is not allowed in state ${s.kind}`);
  }
});
