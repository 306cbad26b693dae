// Drives one scenario run of the native library: time-sliced steps on koffi's
// worker thread (so this JS thread stays free for pause, step and cancel),
// samples on a timer, events drained between slices.

import { unlinkSync } from 'node:fs';
import {
  type BudgetFailure, type BudgetRequest, type Budgets, type Counters, type ErrorCode, type FromRunner, type MemMapEvent,
  type ProcessFigures, type RunParameters, type RunResult, type StepTarget, type VerifyFailure,
} from '../common/protocol';
import { bytesText } from '../common/budgets';
import { seedStatsOf } from '../common/counters';
import { BUDGET_KIND_ENUM, enumName, enumValue, EVENT_KIND_ENUM, LIBRARY_ERROR_ENUM, PHASE_ENUM } from '../common/nativeEnums';
import {
  FAULT_ESTIMATE_METHOD, LATENCY_SAMPLE_INTERVAL_MS, type LatencySummary, RESIDENCY_COST_SHARE, RESULT_STRIP_CELLS, type Residency, type RunInsight, SAMPLE_STRIP_CELLS, summarizeLatency,
} from '../common/insight';
import { MemMapLibrary, NativeError, type RawSnapshot, type RunHandle, toCounters } from './native';
import { type EngineEvent, type EngineState, isBusy, liveRun, nextEngineState, type PendingStep } from './engineState';

export interface EngineOptions {
  /** Interval between samples while running (4..20 per second). */
  sampleIntervalMs: number;
  /** Minimum interval between event batches while running. */
  eventBatchMs: number;
  /** Work done per native call before control comes back here. */
  sliceMs: number;
  /** Events kept per batch while running (the panel shows the last 200). */
  maxEventsPerBatch: number;
  /** The share of the run's time residency sampling may take (0: no residency in samples). */
  residencyShare: number;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  sampleIntervalMs: 100,
  eventBatchMs: 250,
  sliceMs: 25,
  maxEventsPerBatch: 400,
  residencyShare: RESIDENCY_COST_SHARE,
};

const EVENT_CAPACITY = 1 << 16;
const UNTIL_MASK: Record<StepTarget, number> = {
  mapView: 1 << enumValue(EVENT_KIND_ENUM, 'mapView'),
  grow: 1 << enumValue(EVENT_KIND_ENUM, 'grow'),
  free: 1 << enumValue(EVENT_KIND_ENUM, 'free'),
};

/**
 * The event ring's size in events: none without events; EVENT_CAPACITY; 4 times that (18 MiB) for
 * every event (a recording), to ride out the pauses between drains, but never under a memory budget,
 * where the ring is charged to the budget: recording must not change a budgeted run's outcome.
 */
export function eventCapacity(opts: StartOptions): number {
  if (!opts.events) return 0;
  return opts.allEvents && opts.budgets?.memoryBytes === undefined ? EVENT_CAPACITY * 4 : EVENT_CAPACITY;
}

export type Outcome = { result: RunResult; failure?: VerifyFailure }
  | { code: ErrorCode; message: string; failure?: VerifyFailure; budgetFailure?: BudgetFailure; result?: RunResult };

/** How a run is started: the options every run host (in-process engine, child runner) takes. */
export interface StartOptions {
  paused?: boolean;
  events?: boolean;
  /**
   * With `events`: send every event the library reports, in batches (a recording's writer in
   * this process decimates them itself), instead of the panel's at most maxEventsPerBatch a batch.
   */
  allEvents?: boolean;
  samples?: boolean;
  budgets?: BudgetRequest;
  /** Set when a parent runner enforces the memory budget (a cgroup around this process): how. */
  memoryEnforcement?: string;
  /** Why the memory budget is not enforced here (no cgroup could be made). */
  memoryReason?: string;
}

/**
 * Room left above the address budget for the runtime (V8's code space, GC,
 * koffi's threads) under the OS safety net: the library stops the run at the
 * budget itself; RLIMIT_AS sits this much higher, so V8 never meets it first.
 */
export const ADDRESS_HEADROOM_BYTES = 1024 * 1024 * 1024;

export const BUSY_MESSAGE = 'a run is in progress or being cleaned up; allowed: one run at a time (cancel it and wait for its done or error)';

export class ScenarioEngine {
  /** Where the run is (engineState.ts); changed only by transition(). */
  private state: EngineState = { kind: 'idle' };
  private wake: (() => void) | undefined;
  private lastEventSent = 0;
  private eventBuffer: MemMapEvent[] = [];
  /** The current run sends every event (StartOptions.allEvents). */
  private allEvents = false;
  private dropped = 0;
  private filePath = '';
  /** Bytes the disk file occupies, as last read (readDiskBytes). */
  private diskBytes = 0;
  /** A native step is in flight on the worker thread (the disk size is not read meanwhile). */
  private nativeCallInFlight = false;
  private startedAt = 0;
  /** The run's time spent paused or waiting for the next step (ms): not the runner's. */
  private pausedMs = 0;
  /** Residency sampling (between slices): its total cost, when it last ran, the sample that carries it next. */
  private residencyCostMs = 0;
  private residencyAt = -Infinity;
  private pendingResidency: Residency | undefined;
  /** Latency so far (between slices, once a second), for the next sample. */
  private latencyAt = -Infinity;
  private pendingLatency: LatencySummary | undefined;
  private lastSnapshot: RawSnapshot | undefined;
  private itemsTotal = 0;
  /** A skipped sample (torn snapshot) was reported for this run already. */
  private snapshotReported = false;
  /** Process figures when the current run started: per-run faults are differences from these. */
  private baseline: { minorFaults: number; majorFaults: number } = { minorFaults: 0, majorFaults: 0 };
  /** Highest resident size sampled during the current run. */
  private runPeakRss = 0;
  /** Highest resident size of the process seen: getrusage's peak lags /proc's current size a little. */
  private processPeakRss = 0;
  /** The current run's budgets (undefined: none). */
  private budgets: Budgets | undefined;
  /** The last resident size sampled in the current run. */
  private lastRss = 0;
  private parameters: RunParameters | undefined;
  /** start() was called and its run does not exist yet. */
  private starting = false;
  /** A cancel (or close) came while starting: the run is cancelled as soon as it exists. */
  private cancelWhileStarting = false;

  constructor(
    private readonly lib: MemMapLibrary,
    private readonly send: (msg: FromRunner) => void,
    private readonly options: EngineOptions = DEFAULT_ENGINE_OPTIONS,
  ) {}

  /** A run is in progress (its clean-up may still follow). */
  get running(): boolean {
    return liveRun(this.state) !== undefined;
  }

  /** Where the run is (engineState.ts). */
  get currentState(): EngineState {
    return this.state;
  }

  /**
   * The one place the state changes, and the one place a `state` message is
   * sent: when the transition says the panel is to be told. `ops` is read
   * only then (a native call).
   */
  private transition(event: EngineEvent, ops: () => number = () => 0): void {
    const { state, announce } = nextEngineState(this.state, event);
    this.state = state;
    if (announce) this.send({ type: 'state', state: announce, ops: ops() });
  }

  /**
   * A run is starting, in progress, or being cleaned up (unmap, file removal):
   * set synchronously when start() is called, cleared once its `done`/`error`
   * has been sent. No second run may start while this is true.
   */
  get busy(): boolean {
    return isBusy(this.state);
  }

  /**
   * Runs to the end; every outcome is also sent as `done` or `error`. One run
   * at a time: a start while another run exists or is being cleaned up is
   * refused with code `state` (the caller waits for `done`/`error` first).
   */
  async start(parameters: RunParameters, opts: StartOptions = {}): Promise<Outcome> {
    if (isBusy(this.state)) {
      const outcome: Outcome = { code: 'state', message: BUSY_MESSAGE };
      this.send({ type: 'error', code: outcome.code, message: outcome.message });
      return outcome;
    }
    if (this.state.kind === 'closed') {
      const outcome: Outcome = { code: 'cancelled', message: 'the runner is shutting down' };
      this.send({ type: 'error', code: outcome.code, message: outcome.message });
      return outcome;
    }
    this.starting = true;
    this.cancelWhileStarting = false;
    try {
      return await this.startRun(parameters, opts);
    } finally {
      this.starting = false;
      // Its `done` or `error` is sent (or it threw): the next start is taken.
      if (liveRun(this.state) !== undefined) this.transition({ type: 'workStopped' }, () => 0);
      if (this.state.kind === 'cleaningUp') this.transition({ type: 'cleanedUp' });
    }
  }

  private async startRun(parameters: RunParameters, opts: StartOptions): Promise<Outcome> {
    // From here to the first await in loop() all is synchronous: the run exists
    // (the state is no longer idle) before any other message is handled.
    this.resetRunState(parameters);
    let outcome: Outcome;
    const request = opts.budgets ?? {};
    let run: RunHandle;
    if (this.cancelWhileStarting) {
      // Cancelled (or closed) before its run existed: it does not begin.
      outcome = { code: 'cancelled', message: 'the run was cancelled' };
      this.send({ type: 'error', code: outcome.code, message: outcome.message });
      return outcome;
    }
    try {
      run = this.lib.createRun(parameters, eventCapacity(opts), request);
    } catch (err) {
      outcome = err instanceof NativeError
        ? { code: err.code, message: err.message }
        : { code: 'internal', message: String(err) };
      this.send({ type: 'error', code: outcome.code, message: outcome.message });
      return outcome;
    }
    this.transition({ type: 'start', run, paused: !!opts.paused }); // tells 'running' or 'paused'
    this.starting = false;
    // A cancel that came while this start was on its way: the run ends at the loop's first turn.
    if (this.cancelWhileStarting) this.cancel();
    const liftLimit = this.setUpBudgets(run, request, opts);
    this.startedAt = performance.now();
    this.pausedMs = 0;
    // The sample timer belongs to this run: it samples only this run, only while it lives.
    let live = true;
    const sampleTimer = opts.samples !== false
      ? setInterval(() => {
        if (live && liveRun(this.state) === run) this.sendSample(run);
      }, this.options.sampleIntervalMs)
      : undefined;
    try {
      this.allEvents = !!opts.allEvents;
      outcome = await this.loop(run, parameters, !!opts.events);
    } catch (err) {
      outcome = { code: 'internal', message: err instanceof Error ? err.message : String(err) };
    } finally {
      clearInterval(sampleTimer);
      liftLimit();
    }
    if (opts.samples !== false) this.sendSample(run);
    this.flushEvents();
    const ops = this.lastSnapshot ? Number(this.lastSnapshot.ops_done) : 0;
    // 'idle' answers at once that the work has stopped; the clean-up (unmap,
    // remove the file) runs off this thread, and `done`/`error` follow it, so
    // whoever sees them sees nothing left behind.
    live = false;
    this.transition({ type: 'workStopped' }, () => ops); // tells 'idle'
    await this.lib.destroyAsync(run);
    if (!('code' in outcome)) this.send({ type: 'done', result: outcome.result, failure: outcome.failure });
    else {
      this.send({
        type: 'error', code: outcome.code, message: outcome.message, failure: outcome.failure,
        ...(outcome.budgetFailure ? { budgetFailure: outcome.budgetFailure } : {}),
        ...(outcome.result ? { result: outcome.result } : {}),
      });
    }
    return outcome;
  }

  /**
   * The run's budgets: what was asked, what is enforced and how. The address
   * budget is the library's own wall; behind it the OS limit (RLIMIT_AS) at
   * the start's virtual size + the budget + ADDRESS_HEADROOM_BYTES for the
   * runtime. Returns the function that lifts that limit again.
   */
  private setUpBudgets(run: RunHandle, request: BudgetRequest, opts: StartOptions): () => void {
    this.budgets = undefined;
    if (request.addressBytes === undefined && request.memoryBytes === undefined) return () => undefined;
    const state = this.lib.budgetState(run);
    const proc = this.lib.processFigures();
    const budgets: Budgets = {
      addressBytes: request.addressBytes ?? null,
      memoryBytes: request.memoryBytes ?? null,
      enforced: { address: false, memory: false },
      baseVirtualBytes: Number(state.base_virtual_bytes) || proc.virtualBytes,
      baseRssBytes: proc.rssBytes,
    };
    const enforcement: NonNullable<Budgets['enforcement']> = {};
    let lift = () => undefined as void;
    if (request.addressBytes !== undefined) {
      budgets.enforced.address = true;
      const limit = budgets.baseVirtualBytes + request.addressBytes + ADDRESS_HEADROOM_BYTES;
      const first = this.lib.setAddressLimit(limit);
      const how = 'the library counts its C-heap use and measures the virtual size after each mapping';
      if (first.ok && first.previous !== null && first.previous < limit) {
        this.lib.setAddressLimit(first.previous); // an existing lower limit stays
        enforcement.address = `${how}; the process's own address-space limit (RLIMIT_AS ${first.previous} bytes) stays behind it`;
      } else if (first.ok) {
        enforcement.address = `${how}; RLIMIT_AS at the start's virtual size + the budget + ${bytesText(ADDRESS_HEADROOM_BYTES)} for the runtime as a safety net`;
        lift = () => {
          this.lib.setAddressLimit(first.previous);
        };
      } else {
        enforcement.address = `${how}; no OS safety net: ${first.reason}`;
      }
    }
    if (request.memoryBytes !== undefined) {
      if (opts.memoryEnforcement) {
        budgets.enforced.memory = true;
        enforcement.memory = opts.memoryEnforcement;
      } else {
        budgets.reason = `memory budget not enforced here: ${opts.memoryReason ?? 'this runner was not started inside a memory cgroup'}`;
        enforcement.memory = 'not enforced; the library still stops the baseline at its own count of the items\' bytes';
      }
    }
    budgets.enforcement = enforcement;
    this.budgets = budgets;
    return lift;
  }

  /** Everything that describes one run starts afresh: nothing of the last run leaks into this one. */
  private resetRunState(parameters: RunParameters): void {
    this.parameters = parameters;
    this.itemsTotal = parameters.items;
    this.filePath = '';
    this.diskBytes = 0;
    this.lastSnapshot = undefined;
    this.eventBuffer = [];
    this.dropped = 0;
    this.snapshotReported = false;
    this.residencyCostMs = 0;
    this.residencyAt = -Infinity;
    this.pendingResidency = undefined;
    this.latencyAt = -Infinity;
    this.pendingLatency = undefined;
    const proc = this.lib.processFigures();
    this.baseline = { minorFaults: proc.minorFaults, majorFaults: proc.majorFaults };
    this.runPeakRss = proc.rssBytes;
  }

  pause(): void {
    const run = liveRun(this.state);
    // Answered now ('pausing'); 'paused' follows when the operation in progress ends.
    this.transition({ type: 'pause' }, () => this.ops(run));
  }

  resume(): void {
    if (!liveRun(this.state)) return;
    this.transition({ type: 'resume' });
    this.wakeUp();
  }

  step(step: PendingStep): void {
    if (!liveRun(this.state)) return;
    this.transition({ type: 'step', step });
    this.wakeUp();
  }

  /** No more runs: cancels the current one; later starts are refused. */
  close(): void {
    const run = liveRun(this.state);
    if (!run && this.starting) this.cancelWhileStarting = true;
    this.transition({ type: 'close' });
    if (run) this.lib.cancel(run);
    this.wakeUp();
  }

  /** Last resort before exiting with a native call still in flight: remove the disk file. */
  removeFileNow(): void {
    const run = liveRun(this.state);
    const file = this.filePath || (run ? this.lib.filePath(run) : '');
    if (!file) return;
    try {
      unlinkSync(file);
    } catch {
      // Already removed.
    }
  }

  cancel(): void {
    const run = liveRun(this.state);
    if (!run && this.starting) this.cancelWhileStarting = true;
    this.transition({ type: 'cancel' });
    if (run) this.lib.cancel(run);
    this.wakeUp();
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private async loop(run: RunHandle, parameters: RunParameters, events: boolean): Promise<Outcome> {
    const sliceNs = this.options.sliceMs * 1e6;
    const ops = () => this.ops(run);
    for (;;) {
      const s = this.state;
      if (s.kind === 'cancelling') return { code: 'cancelled', message: 'the run was cancelled' };
      if (s.kind === 'pausing' || s.kind === 'paused' || (s.kind === 'stepping' && !s.step)) {
        this.transition({ type: 'loopWaits' }, ops); // tells 'paused' unless that was the last word
        if (events) this.flushEvents();
        // Time spent waiting here (paused, or between steps) is the user's, not the runner's: kept apart.
        const waitFrom = performance.now();
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.pausedMs += performance.now() - waitFrom;
        continue;
      }
      if (s.kind === 'resuming') this.transition({ type: 'loopResumed' }, ops); // tells 'running'
      let rc: number;
      if (s.kind === 'stepping' && s.step) {
        const step = s.step;
        this.transition({ type: 'stepTaken' });
        rc = await this.doStep(run, step);
        if (events) this.drain(run);
        this.flushEvents();
        this.sendSample(run);
        if (rc === 0) this.transition({ type: 'stepDone' }, ops); // tells 'paused'
      } else {
        rc = await this.stepNative(run, 0, 0, sliceNs);
        if (events) {
          this.drain(run);
          if (performance.now() - this.lastEventSent >= this.options.eventBatchMs) this.flushEvents();
        }
      }
      if (!this.filePath) this.filePath = this.lib.filePath(run);
      if (rc === 1) return this.finish(run, parameters);
      if (rc < 0) return this.failure(run, rc);
    }
  }

  /** One step: `count` operations, or up to right after the next event of a kind. */
  private async doStep(run: RunHandle, step: PendingStep): Promise<number> {
    if (!step.until) return this.stepNative(run, Math.max(1, step.count ?? 1), 0, 0);
    const target = step.until;
    const before = this.lib.snapshot(run).stats;
    for (;;) {
      // Sliced, so cancel and pause stay responsive while looking for the event.
      const rc = await this.stepNative(run, 0, UNTIL_MASK[target], this.options.sliceMs * 1e6);
      if (rc !== 0 || this.state.kind === 'cancelling') return rc;
      const now = this.lib.snapshot(run).stats;
      const happened = target === 'mapView' ? now.map_views > before.map_views
        : target === 'grow' ? now.file_size !== before.file_size || now.file_maps > before.file_maps
          : now.deletions > before.deletions;
      if (happened) return 0;
      // Superseded by a new command (another step, resume, cancel).
      if (!(this.state.kind === 'stepping' && !this.state.step)) return 0;
    }
  }

  private ops(run: RunHandle): number {
    try {
      return Number(this.lib.snapshot(run).ops_done);
    } catch {
      return this.lastSnapshot ? Number(this.lastSnapshot.ops_done) : 0;
    }
  }

  private drain(run: RunHandle): void {
    for (;;) {
      const { events, dropped } = this.lib.drainEvents(run);
      this.dropped += dropped;
      if (events.length === 0) break;
      this.eventBuffer.push(...events);
      if (!this.allEvents && this.eventBuffer.length > this.options.maxEventsPerBatch * 4) {
        const excess = this.eventBuffer.length - this.options.maxEventsPerBatch;
        this.dropped += excess;
        this.eventBuffer.splice(0, excess);
      }
      if (events.length < 4096) break;
    }
  }

  private flushEvents(): void {
    if (this.eventBuffer.length === 0 && this.dropped === 0) return;
    let batch = this.eventBuffer;
    const paused = this.state.kind === 'pausing' || this.state.kind === 'paused' || this.state.kind === 'stepping';
    if (!paused && !this.allEvents && batch.length > this.options.maxEventsPerBatch) {
      this.dropped += batch.length - this.options.maxEventsPerBatch;
      batch = batch.slice(-this.options.maxEventsPerBatch);
    }
    this.send({ type: 'event', events: batch, dropped: this.dropped });
    this.eventBuffer = [];
    this.dropped = 0;
    this.lastEventSent = performance.now();
  }

  private sendSample(run: RunHandle): void {
    let snap: RawSnapshot;
    try {
      snap = this.lib.snapshot(run);
    } catch (err) {
      // No consistent figures this time: skip this sample (the next one will
      // have them) and say so once per run, on stderr (the extension's log).
      if (!this.snapshotReported) process.stderr.write(`memmap-lab runner: a sample was skipped: ${(err as Error).message}\n`);
      this.snapshotReported = true;
      return;
    }
    this.lastSnapshot = snap;
    this.send({
      type: 'sample',
      elapsedMs: Math.round((performance.now() - this.startedAt) * 10) / 10,
      ops: Number(snap.ops_done),
      opsTotal: Number(snap.ops_total),
      items: Number(snap.items_done),
      itemsTotal: this.itemsTotal,
      phase: enumName(PHASE_ENUM, snap.phase) ?? 'alloc',
      counters: toCounters(snap.stats),
      process: this.processFigures(run),
      ...(this.budgets ? { budgets: this.budgets } : {}),
      ...(this.pendingResidency ? { residency: this.pendingResidency } : {}),
      ...(this.pendingLatency ? { latency: this.pendingLatency } : {}),
    });
    this.pendingResidency = undefined;
    this.pendingLatency = undefined;
  }

  /**
   * The file's residency for the next sample, read between slices (never while
   * a step is in flight: the heap may be growing), at most once per sample
   * interval and only while its total cost stays within residencyShare of the
   * run's time so far.
   */
  private sampleResidency(run: RunHandle): void {
    const share = this.options.residencyShare;
    if (share <= 0 || this.nativeCallInFlight || this.parameters?.scenario === 'baseline') return;
    const now = performance.now();
    if (now - this.residencyAt < this.options.sampleIntervalMs) return;
    if (this.residencyCostMs > (now - this.startedAt) * share) return;
    const r = this.lib.residency(run, SAMPLE_STRIP_CELLS);
    this.residencyCostMs += performance.now() - now;
    this.residencyAt = now;
    if (r) this.pendingResidency = r;
  }

  /**
   * The latency so far for the next sample, read between slices (the
   * histograms are not to be read while a step runs), once a second: six
   * small reads (tens of microseconds), without the buckets, which come
   * with the result.
   */
  private sampleLatency(run: RunHandle): void {
    if (this.nativeCallInFlight || this.parameters?.scenario === 'baseline') return;
    const now = performance.now();
    if (now - this.latencyAt < LATENCY_SAMPLE_INTERVAL_MS) return;
    this.latencyAt = now;
    this.pendingLatency = summarizeLatency(this.lib.latency(run));
  }

  /**
   * Work on the library's worker thread. While it works, the heap may be
   * growing (its backing replaced), so the disk bytes are read between slices.
   */
  private async stepNative(run: RunHandle, maxOps: number, untilMask: number, budgetNs: number): Promise<number> {
    this.nativeCallInFlight = true;
    try {
      return await this.lib.stepAsync(run, maxOps, untilMask, budgetNs);
    } finally {
      this.nativeCallInFlight = false;
      this.readDiskBytes(run);
      this.sampleResidency(run);
      this.sampleLatency(run);
    }
  }

  /** The disk file's bytes on disk (mm_heap_disk_bytes), read only when no step is in flight; 0 in page-file mode. */
  private readDiskBytes(run: RunHandle): number {
    if (!this.filePath) this.diskBytes = 0;
    else if (!this.nativeCallInFlight) this.diskBytes = this.lib.diskBytes(run);
    return this.diskBytes;
  }

  private processFigures(run: RunHandle): ProcessFigures {
    return { ...this.runFigures(), diskBytes: this.readDiskBytes(run) };
  }

  /** The process's figures turned into this run's own, with the process totals beside them. */
  private runFigures(): Omit<ProcessFigures, 'diskBytes'> {
    const proc = this.lib.processFigures();
    this.lastRss = proc.rssBytes;
    this.runPeakRss = Math.max(this.runPeakRss, proc.rssBytes);
    this.processPeakRss = Math.max(this.processPeakRss, proc.peakRssBytes, proc.rssBytes);
    return {
      rssBytes: proc.rssBytes,
      peakRssBytes: this.runPeakRss,
      virtualBytes: proc.virtualBytes,
      minorFaults: Math.max(0, proc.minorFaults - this.baseline.minorFaults),
      majorFaults: Math.max(0, proc.majorFaults - this.baseline.majorFaults),
      processTotals: { minorFaults: proc.minorFaults, majorFaults: proc.majorFaults, peakRssBytes: this.processPeakRss },
    };
  }

  private finish(run: RunHandle, p: RunParameters): { result: RunResult } {
    const r = this.lib.result(run);
    const proc = this.runFigures();
    const s: Counters = toCounters(r.stats);
    const result: RunResult = {
      scenario: p.scenario,
      mode: p.mode,
      offsetBits: p.offsetBits,
      items: p.items,
      viewSize: p.viewSize,
      initialFileSize: p.initialFileSize,
      granularity: p.granularity,
      growth: p.growth,
      view: p.view,
      prefault: p.prefault,
      verified: r.verified === 1,
      elapsedMs: Math.round(Number(r.elapsed_ns) / 1e4) / 100,
      stats: seedStatsOf(s),
      process: {
        peakRssBytes: proc.peakRssBytes,
        virtualBytes: proc.virtualBytes,
        minorFaults: proc.minorFaults,
        majorFaults: proc.majorFaults,
        processTotals: proc.processTotals,
      },
      ...(this.budgets ? { budgets: this.budgets } : {}),
      ...this.insight(run, p),
    };
    return { result };
  }

  /** The insight fields of a finished run (issue 16): cache, eviction, latency, stalls, residency, time breakdown. */
  private insight(run: RunHandle, p: RunParameters): RunInsight {
    const ins = this.lib.runInsight(run);
    const wallNs = Math.max(Math.round((performance.now() - this.startedAt) * 1e6), Number(ins.elapsed_ns));
    const libraryNs = Number(ins.elapsed_ns);
    // Paused or waiting for the next step: its own part, never the runner's (at most what the library left).
    const pausedNs = Math.min(Math.round(this.pausedMs * 1e6), wallNs - libraryNs);
    const round3 = (x: number): number => Math.round(x * 1000) / 1000;
    const residency = p.scenario === 'baseline' ? undefined : this.lib.residency(run, RESULT_STRIP_CELLS);
    return {
      cache: ins.cache === 1 ? 'cold' : 'warm',
      ...(ins.cache === 1 ? {
        eviction: {
          methods: MemMapLibrary.evictMethods(Number(ins.evict_how)),
          residentBeforeBytes: Number(ins.resident_before_evict),
          residentAfterBytes: Number(ins.resident_after_evict),
          durationNs: Number(ins.evict_ns),
        },
      } : {}),
      latency: this.lib.latency(run),
      stalls: this.lib.stalls(run).map((s) => ({
        atMs: round3(s.startNs / 1e6), durationMs: round3(s.durationNs / 1e6),
        oldSize: s.oldSize, newSize: s.newSize, bytesCopied: s.bytesCopied,
      })),
      ...(residency ? { residency } : {}),
      timeBreakdown: {
        wallNs,
        libraryNs,
        copyCompareNs: Number(ins.copy_compare_ns),
        heapNs: Number(ins.heap_ns),
        mapUnmapNs: Number(ins.map_ns),
        pageFaultsNs: Number(ins.fault_ns),
        growthNs: Number(ins.grow_ns),
        evictNs: Number(ins.evict_ns),
        runnerNs: wallNs - libraryNs - pausedNs,
        pausedNs,
        faults: {
          minor: Number(ins.minor_faults), major: Number(ins.major_faults), duringGrowth: Number(ins.growth_faults),
          nsPerFault: Number(ins.ns_per_fault), method: FAULT_ESTIMATE_METHOD,
        },
      },
    };
  }

  private failure(run: RunHandle, rc: number): Outcome {
    const r = this.lib.result(run);
    const code: ErrorCode = enumName(LIBRARY_ERROR_ENUM, rc) ?? 'internal';
    const message = this.lib.lastError(run) || this.lib.strerror(rc);
    if (code === 'cancelled') return { code, message: 'the run was cancelled' };
    if (code === 'nomem' && this.budgets) {
      const state = this.lib.budgetState(run);
      const budget = enumName(BUDGET_KIND_ENUM, state.hit);
      if (budget) {
        // The wall: the counters reached are kept, with where it was hit.
        const budgetFailure: BudgetFailure = {
          code: 'nomem',
          budget,
          atItem: Number(state.at_item),
          storedBytes: Number(state.stored_bytes),
          budgetBytes: (budget === 'address' ? this.budgets.addressBytes : this.budgets.memoryBytes) ?? 0,
          lastRssBytes: this.lastRss || this.lib.processFigures().rssBytes,
        };
        const { result } = this.finish(run, this.parameters!);
        result.verified = false;
        result.error = { code, message, budgetFailure };
        return { code, message, budgetFailure, result };
      }
    }
    const failure = code === 'verify'
      ? { item: Number(r.fail_item), offset: Number(r.fail_offset), expected: Number(r.fail_expected), found: Number(r.fail_found) }
      : undefined;
    return { code, message, failure };
  }
}
