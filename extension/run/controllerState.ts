// The RunController's state machine (runController.ts): one discriminated
// `state` in place of the four it had (`starting`, `stopRequested`, the
// `running` run and the runner's reported `runState`), and one pure function
// for every transition. Free of the vscode module.

import type { RunRecord, RunState } from '../../common/protocol';
import type { ActiveRecording } from '../recordings/recordingStore';

/** The run in progress: its record and how its promise is resolved. */
export interface ActiveRun<Outcome> {
  record: RunRecord;
  resolve: (outcome: Outcome) => void;
  /** Its recording, when runs are recorded (issue 17). */
  recording?: ActiveRecording;
}

export type ControllerState<Outcome> =
  /** No run: a run may start. */
  | { kind: 'idle' }
  /** run() was called; the runner is being started (its hello awaited). `stopRequested`: Stop was pressed meanwhile. */
  | { kind: 'starting'; stopRequested: boolean }
  /** The start is sent; until its `done`, `error` or the runner's exit. `runner`: the state the runner last reported. */
  | { kind: 'running'; run: ActiveRun<Outcome>; runner: RunState };

export type ControllerEvent<Outcome> =
  | { type: 'start' }
  /** The runner is ready and the start was sent. */
  | { type: 'started'; run: ActiveRun<Outcome> }
  /** The runner could not be started. */
  | { type: 'startFailed' }
  | { type: 'stop' }
  /** The runner reported its state (a `state` message). */
  | { type: 'runnerState'; state: RunState }
  /** The run ended: `done`, `error`, or the runner's exit during the run. */
  | { type: 'ended' }
  /** The runner process exited. */
  | { type: 'runnerExited' };

/** Why run() refuses a second run (the panel says the same). */
export const ALREADY_RUNNING_MESSAGE = 'a run is already in progress; stop it first';

/** An event the state does not allow. */
export class RefusedTransition extends Error {
  constructor(readonly from: string, readonly event: string, message = `the event ${event} is not allowed in state ${from}`) {
    super(message);
    this.name = 'RefusedTransition';
  }
}

/** The one transition function of the controller. Throws RefusedTransition for an event the state does not allow. */
export function nextControllerState<O>(s: ControllerState<O>, e: ControllerEvent<O>): ControllerState<O> {
  const refuse = (message?: string): never => {
    throw new RefusedTransition(s.kind, e.type, message);
  };
  switch (e.type) {
    case 'start':
      if (s.kind !== 'idle') return refuse(ALREADY_RUNNING_MESSAGE);
      return { kind: 'starting', stopRequested: false };
    case 'started':
      if (s.kind !== 'starting') return refuse();
      return { kind: 'running', run: e.run, runner: 'idle' };
    case 'startFailed':
      if (s.kind !== 'starting') return refuse();
      return { kind: 'idle' };
    case 'stop':
      // While starting, remembered (the start is cancelled once sent); otherwise the cancel goes straight out.
      if (s.kind === 'starting') return { kind: 'starting', stopRequested: true };
      return s;
    case 'runnerState':
      if (s.kind !== 'running') return refuse();
      return { ...s, runner: e.state };
    case 'ended':
      if (s.kind !== 'running') return refuse();
      return { kind: 'idle' };
    case 'runnerExited':
      // A runner that exits while starting fails that start (startFailed); a run's end comes first (ended).
      if (s.kind === 'running') return refuse();
      return s;
  }
}
