// Where a run happens: in this process (the engine), or, for a run with a
// memory budget on a machine where a memory cgroup can be made, in a fresh
// runner process inside that cgroup. The OOM killer can then end only that
// child: this runner reports it ("killed by the OOM killer inside its 1 GiB
// memory budget ...", with the last resident size) and stays for the next run.

import { fork, type ChildProcess } from 'node:child_process';
import { ScenarioEngine, type Outcome, type StartOptions } from './engine';
import { makeMemoryCgroup, type MemoryCgroup } from './cgroup';
import { bytesText } from '../common/budgets';
import { seedStatsOf } from '../common/counters';
import {
  type BudgetFailure, type FromRunner, type RunParameters, type RunResult, type SampleMessage, type StepTarget,
} from '../common/protocol';


export interface RunHostOptions {
  /** dist/runner.js: the script a child runner runs. */
  runnerScript: string;
  /** Removes dead runners' disk files in a directory (after a child was killed). */
  removeStale: (dir: string) => void;
  /** Finds a memory cgroup (tests replace it). */
  makeCgroup?: typeof makeMemoryCgroup;
}

/**
 * Room above a memory budget for a recorded run's events (measured: 60,000 items in a sliding view
 * need about 16 MiB more with --record, the event ring and the batches sent on; docs/BUDGETS.md).
 */
export const RECORDING_ROOM_BYTES = 24 * 1024 * 1024;

function countText(n: number): string {
  return n.toLocaleString('en-US');
}

export class RunHost {
  private child: ChildProcess | undefined;
  private childActive = false;
  /** The child has been sent its `start` (a cancel before that is remembered in cancelBeforeStart). */
  private childStarted = false;
  /** Cancel was asked before the child got its `start`: on its hello it is not started. */
  private cancelBeforeStart = false;
  /** The run's last message (done or error), held until the clean-up is over. */
  private readonly afterCleanup: FromRunner[] = [];
  private closed = false;

  constructor(
    readonly engine: ScenarioEngine,
    private readonly send: (msg: FromRunner) => void,
    private readonly options: RunHostOptions,
  ) {}

  /** A run is starting, in progress or being cleaned up, here or in a child. */
  get busy(): boolean {
    return this.engine.busy || this.childActive;
  }

  async start(parameters: RunParameters, opts: StartOptions = {}): Promise<Outcome> {
    const memory = opts.budgets?.memoryBytes;
    if (memory === undefined || opts.memoryEnforcement || this.busy || this.closed) return this.engine.start(parameters, opts);
    const cg = (this.options.makeCgroup ?? makeMemoryCgroup)();
    if ('reason' in cg) return this.engine.start(parameters, { ...opts, memoryReason: cg.reason });
    this.childActive = true;
    this.childStarted = false;
    this.cancelBeforeStart = false;
    let outcome: Outcome;
    try {
      outcome = await this.runInChild(parameters, opts, memory, cg);
    } finally {
      this.child = undefined;
      await cg.remove();
      this.childActive = false;
    }
    // `done` / `error` follow the clean-up (the child, its cgroup): whoever sees them may start at once.
    for (const msg of this.afterCleanup.splice(0)) this.send(msg);
    return outcome;
  }

  pause(): void {
    if (this.child) this.child.send({ type: 'pause' });
    else this.engine.pause();
  }

  resume(): void {
    if (this.child) this.child.send({ type: 'resume' });
    else this.engine.resume();
  }

  step(step: { count?: number; until?: StepTarget }): void {
    if (this.child) this.child.send({ type: 'step', ...step });
    else this.engine.step(step);
  }

  cancel(): void {
    const child = this.child;
    if (child) {
      // Before its start the child's engine has no run to cancel: the start is not sent at all (hello, below).
      if (!this.childStarted) this.cancelBeforeStart = true;
      else if (child.connected) child.send({ type: 'cancel' });
      // A child that does not answer within 5 s is ended; its file is removed below.
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }, 5000).unref();
    }
    this.engine.cancel();
  }

  close(): void {
    this.closed = true;
    this.engine.close();
    this.cancel();
  }

  removeFileNow(): void {
    this.engine.removeFileNow();
    if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  private runInChild(parameters: RunParameters, opts: StartOptions, memoryBytes: number, cg: MemoryCgroup): Promise<Outcome> {
    // A process group of its own: Ctrl+C reaches this runner, which cancels the child.
    const child = fork(this.options.runnerScript, ['serve'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], detached: true });
    this.child = child;
    child.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
    let added = '';
    try {
      cg.add(child.pid ?? 0);
    } catch (err) {
      added = (err as Error).message;
    }
    const oomBefore = cg.oomKills();
    let enforcement = '';
    let lastSample: SampleMessage | undefined;
    let ended: Outcome | undefined;
    const withPeak = (r: RunResult | undefined) => {
      const peak = cg.peak();
      if (r?.budgets && peak !== undefined) r.budgets.memoryPeakBytes = peak;
    };
    return new Promise<Outcome>((resolve) => {
      const finish = (outcome: Outcome) => {
        if (!ended) ended = outcome;
      };
      child.on('message', (msg: FromRunner) => {
        switch (msg.type) {
          case 'hello': {
            if (this.cancelBeforeStart) {
              // Cancelled before it began: no start; the child leaves when its channel closes.
              const message = 'the run was cancelled';
              finish({ code: 'cancelled', message });
              this.afterCleanup.push({ type: 'error', code: 'cancelled', message });
              child.disconnect();
              return;
            }
            if (added) {
              finish({ code: 'internal', message: `the run's runner could not join its memory cgroup ${cg.dir}: ${added}` });
              child.kill('SIGKILL');
              return;
            }
            // The run may add memoryBytes to what the child holds now, its
            // runtime included: the library stops the baseline's items 64 MiB
            // short of the budget to leave the runtime that much.
            // A recording's own cost (its event ring and batches) is not the run's: it gets
            // RECORDING_ROOM_BYTES above the budget, so recording does not change the outcome. For
            // that room to be enough the child thins its events as a panel run does (at most 400 a
            // batch, the rest counted as dropped): every event sent on would cost memory in
            // proportion to the run (measured: over 30 MiB for 60,000 items).
            const base = cg.usage();
            const room = opts.allEvents ? RECORDING_ROOM_BYTES : 0;
            const limit = base + memoryBytes + room;
            try {
              cg.setLimit(limit);
            } catch (err) {
              finish({ code: 'internal', message: `setting ${cg.limitFile} of ${cg.dir} failed: ${(err as Error).message}` });
              child.kill('SIGKILL');
              return;
            }
            enforcement = `a fresh runner process in ${cg.kind} ${cg.dir}, ${cg.limitFile} = ${limit} bytes (its ${bytesText(base)} at the start + the budget${room ? ` + ${bytesText(room)} for the recording's events` : ''}); page cache it dirties is charged to it`;
            this.childStarted = true;
            child.send({
              type: 'start', parameters, paused: opts.paused, events: opts.events, allEvents: false, budgets: opts.budgets, memoryEnforcement: enforcement,
            });
            return;
          }
          case 'sample':
            lastSample = msg;
            if (opts.samples !== false) this.send(msg);
            return;
          case 'done':
            withPeak(msg.result);
            finish({ result: msg.result, failure: msg.failure });
            this.afterCleanup.push(msg);
            child.disconnect();
            return;
          case 'error':
            withPeak(msg.result);
            finish({ code: msg.code, message: msg.message, failure: msg.failure, budgetFailure: msg.budgetFailure, result: msg.result });
            this.afterCleanup.push(msg);
            child.disconnect();
            return;
          default:
            this.send(msg);
        }
      });
      child.on('exit', (code, signal) => {
        if (!ended && this.cancelBeforeStart) {
          // Cancelled before its start and gone before its hello (or ended by the 5 s timer): still just cancelled.
          const message = 'the run was cancelled';
          finish({ code: 'cancelled', message });
          this.afterCleanup.push({ type: 'error', code: 'cancelled', message });
        }
        if (!ended) {
          const oom = cg.oomKills() > oomBefore;
          const outcome = oom
            ? this.oomOutcome(parameters, memoryBytes, lastSample)
            : { code: 'crashed' as const, message: `the run's runner process (in a memory cgroup) ended ${signal ? `with signal ${signal}` : `with status ${code}`} before the run did` };
          withPeak(outcome.result);
          finish(outcome);
          if ('code' in outcome) {
            this.send({ type: 'state', state: 'idle', ops: lastSample?.ops ?? 0 });
            this.afterCleanup.push({
              type: 'error', code: outcome.code, message: outcome.message,
              ...(outcome.budgetFailure ? { budgetFailure: outcome.budgetFailure } : {}),
              ...(outcome.result ? { result: outcome.result } : {}),
            });
          }
        }
        // A killed child leaves its disk file: it is a dead runner's now, provably.
        if (parameters.mode === 'disk' && parameters.diskDir) this.options.removeStale(parameters.diskDir);
        resolve(ended!);
      });
    });
  }

  private oomOutcome(p: RunParameters, memoryBytes: number, last: SampleMessage | undefined): Outcome {
    const atItem = last?.items ?? 0;
    const stored = last ? last.counters.bytesAllocated - last.counters.bytesFreed : 0;
    const lastRss = last?.process.rssBytes ?? 0;
    const budgetFailure: BudgetFailure = {
      code: 'nomem', budget: 'memory', atItem, storedBytes: stored, budgetBytes: memoryBytes, oomKilled: true, lastRssBytes: lastRss,
    };
    const message = `the ${p.scenario === 'baseline' ? 'heap' : 'run'} was killed by the OOM killer inside its ${bytesText(memoryBytes)} memory budget at about item ${countText(atItem)} (${bytesText(stored)} stored; last resident size ${bytesText(lastRss)})`;
    let result: RunResult | undefined;
    if (last) {
      const c = last.counters;
      result = {
        scenario: p.scenario, mode: p.mode, offsetBits: p.offsetBits, items: p.items, viewSize: p.viewSize,
        initialFileSize: p.initialFileSize, granularity: p.granularity, growth: p.growth, view: p.view, prefault: p.prefault,
        verified: false,
        elapsedMs: last.elapsedMs,
        stats: seedStatsOf(c),
        process: {
          peakRssBytes: last.process.peakRssBytes, virtualBytes: last.process.virtualBytes, minorFaults: last.process.minorFaults,
          majorFaults: last.process.majorFaults, processTotals: last.process.processTotals,
        },
        ...(last.budgets ? { budgets: last.budgets } : {}),
        error: { code: 'nomem', message, budgetFailure },
      };
    }
    return { code: 'nomem', message, budgetFailure, ...(result ? { result } : {}) };
  }
}
