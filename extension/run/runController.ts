// Owns the data of every run (the webview only draws it): the runner
// session, the current run's samples and events, and the history.
// Free of the vscode module; the extension wires it to VS Code.

import { randomUUID } from 'node:crypto';
import { Emitter } from '../dispose';
import { RunnerSession, type RunnerExit } from './runnerSession';
import { type ControllerEvent, type ControllerState, nextControllerState, RefusedTransition, type ActiveRun } from './controllerState';
import type { RecordingStart } from '../../common/recording';
import type { ActiveRecording } from '../recordings/recordingStore';
import type {
  BudgetFailure, BudgetRequest, DoneMessage, ErrorCode, ErrorMessage, FromRunner, HelloMessage, MemMapEvent, RunParameters,
  RunRecord, RunState, SampleMessage, StepTarget, ToWebview, VerifyFailure,
} from '../../common/protocol';

export interface RunOutcome {
  record: RunRecord;
  ok: boolean;
  error?: { code: ErrorCode; message: string };
  /** The first byte that did not verify, when the runner reported one. */
  failure?: VerifyFailure;
  /** Where a budget's wall was hit (issue 15), when the run ended there. */
  budgetFailure?: BudgetFailure;
  /** Written when the run's recording is (issue 17); absent when runs are not recorded. */
  recorded?: Promise<void>;
}

export interface RunControllerOptions {
  runnerPath: string;
  log: (line: string) => void;
  /** History persistence (workspace state in the extension). */
  loadHistory?: () => RunRecord[];
  saveHistory?: (history: RunRecord[]) => void;
  historyLimit?: number;
  /** How often the run in progress is saved into the history, so that a window reload leaves a trace of it (ms). */
  persistIntervalMs?: number;
  /** Records every run (issue 17): the extension's RecordingStore.begin. */
  record?: (start: RecordingStart) => ActiveRecording;
  /** Runs the user removed from the history (Delete, Clear History): their recordings go too. */
  forget?: (ids: string[]) => void;
}

/** What a run that was still going when the window reloaded (or closed) reads as in the history. */
export const INTERRUPTED_MESSAGE = 'interrupted by a window reload (the counters are those it had reached)';

/** Samples kept per run; older ones are thinned so long runs stay cheap. */
const MAX_SAMPLES = 2000;
const RECENT_EVENTS = 200;
const CURVES_KEPT = 10;

export class RunController {
  private session: RunnerSession | undefined;
  private readonly updates = new Emitter<ToWebview>();
  /** Every message the panels need, in order. */
  readonly onUpdate = this.updates.event;
  private readonly states = new Emitter<SampleMessage | { type: 'state'; state: RunState }>();
  readonly onProgress = this.states.event;
  /** The run shown by the panels: the one in progress or the last one, until a Reset forgets it. */
  private current: RunRecord | undefined;
  /** Where the controller is (controllerState.ts); changed only by transition(). */
  private machine: ControllerState<RunOutcome> = { kind: 'idle' };
  private recentEvents: MemMapEvent[] = [];
  private history: RunRecord[];
  private hello: HelloMessage | undefined;
  private runnerError: string | undefined;
  private lastPersist = 0;

  constructor(private readonly options: RunControllerOptions) {
    this.history = options.loadHistory?.() ?? [];
  }

  /** The runner's state of the run in progress ('idle' when there is none). */
  get state(): RunState {
    return this.machine.kind === 'running' ? this.machine.runner : 'idle';
  }

  /** Where the controller is: idle, starting the runner, or running (controllerState.ts). */
  get controllerState(): ControllerState<RunOutcome> {
    return this.machine;
  }

  get isRunning(): boolean {
    return this.machine.kind !== 'idle';
  }

  /** The one place the controller's state changes. Throws RefusedTransition for an event the state does not allow. */
  private transition(event: ControllerEvent<RunOutcome>): void {
    this.machine = nextControllerState(this.machine, event);
  }

  /** The run in progress, when the start is sent. */
  private get running(): ActiveRun<RunOutcome> | undefined {
    return this.machine.kind === 'running' ? this.machine.run : undefined;
  }

  get runner(): HelloMessage | undefined {
    return this.hello;
  }

  get currentRecord(): RunRecord | undefined {
    return this.current;
  }

  getHistory(): readonly RunRecord[] {
    return this.history;
  }

  /** Starts the runner if needed; resolves with its hello. */
  async ensureRunner(): Promise<HelloMessage> {
    if (this.session?.isAlive) return this.session.hello;
    const session = new RunnerSession({ runnerPath: this.options.runnerPath, log: this.options.log });
    this.session = session;
    session.onMessage((m) => this.onRunnerMessage(session, m));
    session.onExit((e) => this.onRunnerExit(session, e));
    try {
      this.hello = await session.hello;
      this.runnerError = undefined;
      this.updates.fire({ type: 'runner', runner: this.hello });
      return this.hello;
    } catch (err) {
      this.runnerError = (err as Error).message;
      this.updates.fire({ type: 'runnerError', message: this.runnerError });
      throw err;
    }
  }

  /** The full picture, for a panel that just became ready. */
  snapshot(defaults: RunParameters): ToWebview {
    return {
      type: 'init',
      runner: this.hello,
      runnerError: this.runnerError,
      defaults,
      current: this.current ? { ...this.current, samples: [...this.current.samples] } : undefined,
      state: this.state,
      history: this.history,
    };
  }

  recentEventList(): MemMapEvent[] {
    return this.recentEvents;
  }

  /** Runs a scenario to its end. Parameters must be validated already. */
  async run(parameters: RunParameters, opts: {
    label?: string; paused?: boolean; events?: boolean; budgets?: BudgetRequest;
    /** A Test Explorer run: the test, named in the recording. */
    test?: { id: string; label: string };
  } = {}): Promise<RunOutcome> {
    this.transition({ type: 'start' }); // refused with "a run is already in progress; stop it first"
    try {
      await this.ensureRunner();
    } catch (err) {
      this.transition({ type: 'startFailed' });
      throw err;
    }
    const session = this.session;
    if (!session) {
      this.transition({ type: 'startFailed' });
      throw new Error('the runner is not available');
    }
    // Stop pressed while the runner was starting: the start is cancelled at once.
    const stopRequested = this.machine.kind === 'starting' && this.machine.stopRequested;
    const record: RunRecord = {
      id: randomUUID(),
      label: opts.label ?? `${parameters.scenario} ${parameters.mode}`,
      startedAt: Date.now(),
      parameters,
      samples: [],
    };
    this.current = record;
    this.recentEvents = [];
    this.lastPersist = 0;
    this.updates.fire({ type: 'runStarted', record: { ...record, samples: [] } });
    const hasBudgets = opts.budgets && (opts.budgets.addressBytes !== undefined || opts.budgets.memoryBytes !== undefined);
    let recording: ActiveRecording | undefined;
    try {
      const h = this.hello;
      recording = this.options.record?.({
        id: record.id, label: record.label, startedAt: record.startedAt, producer: opts.test ? 'test' : 'panel', parameters,
        ...(hasBudgets ? { budgets: opts.budgets } : {}),
        ...(h ? { host: { platform: h.platform, arch: h.arch, pageSize: h.pageSize, granularity: h.granularity, libraryVersion: h.libraryVersion } } : {}),
        ...(opts.test ? { test: opts.test } : {}),
      });
    } catch (err) {
      this.options.log(`recording: not started: ${(err as Error).message}`);
    }
    const outcome = new Promise<RunOutcome>((resolve) => this.transition({ type: 'started', run: { resolve, record, recording } }));
    session.send({ type: 'start', parameters, paused: opts.paused, events: opts.events ?? true, ...(hasBudgets ? { budgets: opts.budgets } : {}) });
    if (stopRequested) session.send({ type: 'cancel' });
    return outcome;
  }

  pause(): void {
    this.session?.send({ type: 'pause' });
  }
  resume(): void {
    this.session?.send({ type: 'resume' });
  }
  step(step: { count?: number; until?: StepTarget }): void {
    this.session?.send({ type: 'step', ...step });
  }
  /** Cancels the current run at once; the runner removes its files. */
  stop(): void {
    this.transition({ type: 'stop' });
    this.session?.send({ type: 'cancel' });
  }

  /**
   * Reset: stops the run in progress (it still enters the history) and forgets
   * the current run, so that every panel section — counters, charts, file map,
   * event log, status — shows the same clear state, now and on a reopened panel.
   */
  reset(): void {
    if (this.isRunning) this.stop();
    this.current = undefined;
    this.recentEvents = [];
  }

  /** Removes one run from the history; false when there is none with that id. */
  deleteRun(id: string): boolean {
    const next = this.history.filter((r) => r.id !== id);
    if (next.length === this.history.length) return false;
    this.history = next;
    this.options.forget?.([id]);
    this.options.saveHistory?.(this.history);
    this.updates.fire({ type: 'history', history: this.history });
    return true;
  }

  /**
   * Saves the history with the run in progress at its head, marked as interrupted:
   * what the next window finds if this one reloads before the run ends. The
   * run's real end overwrites it. (In memory the history stays without it.)
   */
  private persistRunning(record: RunRecord): void {
    const now = Date.now();
    const interval = this.options.persistIntervalMs ?? 2000;
    if (!this.options.saveHistory || now - this.lastPersist < interval) return;
    this.lastPersist = now;
    const interrupted: RunRecord = {
      ...record, endedAt: now, samples: thin(record.samples, 300), error: { code: 'cancelled', message: INTERRUPTED_MESSAGE },
    };
    this.options.saveHistory([interrupted, ...this.history].slice(0, this.options.historyLimit ?? 50));
  }

  clearHistory(): void {
    this.options.forget?.(this.history.map((r) => r.id));
    this.history = [];
    this.options.saveHistory?.(this.history);
    this.updates.fire({ type: 'history', history: this.history });
  }

  private onRunnerMessage(session: RunnerSession, m: FromRunner): void {
    if (session !== this.session) return;
    switch (m.type) {
      case 'hello':
        break;
      case 'sample': {
        const record = this.running?.record;
        this.running?.recording?.take(m);
        if (record) {
          const samples = record.samples;
          samples.push(m);
          if (samples.length > MAX_SAMPLES) {
            // Keep the first and thin the rest by half: the curve keeps its shape.
            const thinned = samples.filter((_, i) => i === 0 || i % 2 === 1);
            samples.splice(0, samples.length, ...thinned);
          }
        }
        if (record) this.persistRunning(record);
        // A run forgotten by Reset still runs out (its samples stay in its record), unseen by the panels.
        if (!record || record === this.current) this.updates.fire(m);
        this.states.fire(m);
        break;
      }
      case 'event':
        this.running?.recording?.take(m);
        if (this.running && this.running.record !== this.current) break;
        this.recentEvents.push(...m.events);
        if (this.recentEvents.length > RECENT_EVENTS) this.recentEvents.splice(0, this.recentEvents.length - RECENT_EVENTS);
        this.updates.fire(m);
        break;
      case 'state':
        try {
          this.transition({ type: 'runnerState', state: m.state });
        } catch (err) {
          if (!(err instanceof RefusedTransition)) throw err;
          this.options.log(`runner: state ${m.state} with no run in progress, ignored`);
          break;
        }
        this.updates.fire(m);
        this.states.fire({ type: 'state', state: m.state });
        break;
      case 'done':
        this.finish(m, undefined);
        break;
      case 'error':
        if (this.running) this.finish(undefined, m);
        else {
          this.options.log(`runner: ${m.code}: ${m.message}`);
          this.updates.fire({ type: 'runnerError', message: m.message });
        }
        break;
    }
  }

  private finish(done: DoneMessage | undefined, error: ErrorMessage | undefined): void {
    const running = this.running;
    if (!running) return; // a `done` with no run in progress: nothing to end
    const record = running.record;
    this.transition({ type: 'ended' });
    record.endedAt = Date.now();
    if (done) record.result = done.result;
    if (error) record.error = { code: error.code, message: error.message };
    // A budget's wall keeps the counters reached (issue 15).
    if (error?.result) record.result = error.result;
    if (error?.budgetFailure) record.budgetFailure = error.budgetFailure;
    if (done && done.failure) record.error = { code: 'verify', message: `verification failed at item ${done.failure.item}` };
    const failure = done?.failure ?? error?.failure;
    const recorded = running.recording?.end({
      endedAt: record.endedAt,
      ...(record.result ? { result: record.result } : {}),
      ...(record.error ? { error: record.error } : {}),
      ...(failure ? { failure } : {}),
      ...(record.budgetFailure ? { budgetFailure: record.budgetFailure } : {}),
    });
    const stored = { ...record, samples: thin(record.samples, 300) };
    // Workspace state stays small: results for 50 runs, curves (for overlays) for the last 10.
    this.history = [stored, ...this.history].slice(0, this.options.historyLimit ?? 50)
      .map((r, i) => (i < CURVES_KEPT || r.samples.length === 0 ? r : { ...r, samples: [] }));
    this.options.saveHistory?.(this.history);
    if (record === this.current) this.updates.fire({ type: 'runEnded', record });
    this.updates.fire({ type: 'history', history: this.history });
    running.resolve({
      record, ok: !!done && done.result.verified && !error, error: record.error, failure,
      ...(error?.budgetFailure ? { budgetFailure: error.budgetFailure } : {}),
      ...(recorded ? { recorded } : {}),
    });
  }

  // A runner that died cannot remove its disk file; the next disk run in that directory does,
  // once the library proves the file a dead runner's (runner/diskFiles.ts, names: common/diskFileNames.ts).
  private onRunnerExit(session: RunnerSession, exit: RunnerExit): void {
    if (session !== this.session) return;
    this.session = undefined;
    this.hello = undefined;
    if (!exit.expected) this.options.log(exit.message);
    if (this.running) {
      this.finish(undefined, { type: 'error', code: exit.expected ? 'cancelled' : 'crashed', message: exit.message });
    }
    this.transition({ type: 'runnerExited' });
    this.updates.fire({ type: 'state', state: 'idle', ops: 0 });
  }

  async dispose(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    this.updates.dispose();
    this.states.dispose();
    await s?.dispose();
  }
}

function thin<T>(items: T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(items[Math.floor(i * step)]);
  out.push(items[items.length - 1]);
  return out;
}
