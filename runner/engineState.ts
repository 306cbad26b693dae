// The ScenarioEngine's state machine (engine.ts): one discriminated `state`
// in place of the flags it had (paused, cancelled, active, closed, the run
// handle's presence, the pending step and the loop's "last said paused"),
// and one pure function for every transition. A transition also says when
// the panel is to be told the run's state (`announce`); the engine sends that
// `state` message from one place (ScenarioEngine.transition).

import type { RunState, StepTarget } from '../common/protocol';
import type { RunHandle } from './native';

export interface PendingStep { count?: number; until?: StepTarget }

export type EngineState =
  /** No run: a start is taken. */
  | { kind: 'idle' }
  /** Running (told 'running'). */
  | { kind: 'running'; run: RunHandle }
  /** Resumed from paused: 'running' is told when the loop goes on (loopResumed). */
  | { kind: 'resuming'; run: RunHandle }
  /** A pause was asked (told 'pausing'); 'paused' follows when the operation in progress ends. */
  | { kind: 'pausing'; run: RunHandle }
  /** Paused, waiting for resume, step or cancel (told 'paused'). */
  | { kind: 'paused'; run: RunHandle }
  /**
   * A step was asked: `step` is the one to do, undefined once the loop took
   * it. `fromPaused`: 'paused' was the last thing told before it (a step
   * from running or pausing tells 'paused' once more when it waits).
   */
  | { kind: 'stepping'; run: RunHandle; step: PendingStep | undefined; fromPaused: boolean }
  /** Cancel asked: the loop ends at its next turn. `closing`: no run may start afterwards. */
  | { kind: 'cancelling'; run: RunHandle; closing: boolean }
  /** The work has stopped (told 'idle'); unmapping and removing the file still run. */
  | { kind: 'cleaningUp'; closing: boolean }
  /** Closed: every later start is refused. */
  | { kind: 'closed' };

export type EngineEvent =
  | { type: 'start'; run: RunHandle; paused: boolean }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'step'; step: PendingStep }
  | { type: 'cancel' }
  | { type: 'close' }
  /** The loop has nothing to do until a command comes (paused, or a step done). */
  | { type: 'loopWaits' }
  /** The loop goes on after a resume. */
  | { type: 'loopResumed' }
  /** The loop took the pending step. */
  | { type: 'stepTaken' }
  /** The step finished without error or end. */
  | { type: 'stepDone' }
  /** The loop ended (finished, failed or cancelled). */
  | { type: 'workStopped' }
  /** The run is destroyed (`done` or `error` is sent next). */
  | { type: 'cleanedUp' };

export interface EngineTransition {
  state: EngineState;
  /** The state to tell the panel now (a `state` message), if any. */
  announce?: RunState;
}

/** An event the state does not allow: a bug in the caller, never a user's mistake. */
export class RefusedTransition extends Error {
  constructor(from: string, event: string) {
    super(`the event ${event} is not allowed in state ${from}`);
    this.name = 'RefusedTransition';
  }
}

const LIVE = ['running', 'resuming', 'pausing', 'paused', 'stepping', 'cancelling'] as const;
type LiveState = Extract<EngineState, { run: RunHandle }>;

export function isLive(s: EngineState): s is LiveState {
  return (LIVE as readonly string[]).includes(s.kind);
}

/** The run in progress (a start taken, the loop not yet ended), if any. */
export function liveRun(s: EngineState): RunHandle | undefined {
  return isLive(s) ? s.run : undefined;
}

/** A start is refused while a run is starting, in progress or being cleaned up. */
export function isBusy(s: EngineState): boolean {
  return s.kind !== 'idle' && s.kind !== 'closed';
}

/** What the panel is told in each state. */
export function reported(s: EngineState): RunState {
  switch (s.kind) {
    case 'running': case 'resuming': return 'running';
    case 'pausing': return 'pausing';
    case 'paused': case 'stepping': return 'paused';
    case 'cancelling': case 'cleaningUp': case 'idle': case 'closed': return 'idle';
  }
}

/** The one transition function of the engine. Throws RefusedTransition for an event the state does not allow. */
export function nextEngineState(s: EngineState, e: EngineEvent): EngineTransition {
  const refuse = (): never => {
    throw new RefusedTransition(s.kind, e.type);
  };
  const same: EngineTransition = { state: s };
  const tell = (state: EngineState): EngineTransition => ({ state, announce: reported(state) });
  switch (e.type) {
    case 'start':
      if (s.kind !== 'idle') return refuse();
      return tell(e.paused ? { kind: 'paused', run: e.run } : { kind: 'running', run: e.run });
    case 'pause':
      // Only a running run pauses; paused, stepping, pausing or cancelled ones stay as they are.
      if (s.kind === 'running' || s.kind === 'resuming') return tell({ kind: 'pausing', run: s.run });
      return same;
    case 'resume':
      switch (s.kind) {
        case 'paused': return { state: { kind: 'resuming', run: s.run } };
        case 'stepping': return { state: s.fromPaused ? { kind: 'resuming', run: s.run } : { kind: 'running', run: s.run } };
        case 'pausing': return { state: { kind: 'running', run: s.run } };
        default: return same;
      }
    case 'step':
      switch (s.kind) {
        case 'running': case 'pausing': return { state: { kind: 'stepping', run: s.run, step: e.step, fromPaused: false } };
        case 'resuming': case 'paused': return { state: { kind: 'stepping', run: s.run, step: e.step, fromPaused: true } };
        case 'stepping': return { state: { ...s, step: e.step } };
        default: return same;
      }
    case 'cancel':
      if (s.kind === 'cancelling' || !isLive(s)) return same;
      return { state: { kind: 'cancelling', run: s.run, closing: false } };
    case 'close':
      if (isLive(s)) return { state: { kind: 'cancelling', run: s.run, closing: true } };
      if (s.kind === 'cleaningUp') return { state: { kind: 'cleaningUp', closing: true } };
      return { state: { kind: 'closed' } };
    case 'loopWaits':
      switch (s.kind) {
        case 'pausing': return tell({ kind: 'paused', run: s.run });
        case 'paused': return same;
        case 'stepping':
          if (s.step) return refuse(); // a step to do is not a reason to wait
          return s.fromPaused ? { state: { kind: 'paused', run: s.run } } : tell({ kind: 'paused', run: s.run });
        default: return refuse();
      }
    case 'loopResumed':
      if (s.kind !== 'resuming') return refuse();
      return tell({ kind: 'running', run: s.run });
    case 'stepTaken':
      if (s.kind !== 'stepping' || !s.step) return refuse();
      return { state: { ...s, step: undefined } };
    case 'stepDone':
      // Paused right after the step; a command that came meanwhile (resume, cancel) has the last word.
      if (s.kind === 'stepping') return { state: s, announce: 'paused' };
      if (isLive(s)) return same;
      return refuse();
    case 'workStopped':
      if (!isLive(s)) return refuse();
      return tell({ kind: 'cleaningUp', closing: s.kind === 'cancelling' && s.closing });
    case 'cleanedUp':
      if (s.kind !== 'cleaningUp') return refuse();
      return { state: s.closing ? { kind: 'closed' } : { kind: 'idle' } };
  }
}
