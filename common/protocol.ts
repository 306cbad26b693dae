// The one protocol module: every message between the runner process, the
// extension host and the webview. Runner, extension and webview all import
// this file (esbuild bundles it into each), so a change here is a compile
// error everywhere it matters.

import {
  BUDGET_KIND_ENUM, enumNames, EVENT_KIND_ENUM, GROWTH_ENUM, LIBRARY_ERROR_ENUM, MODE_ENUM, PHASE_ENUM, SCENARIO_ENUM, VIEW_ENUM,
} from './nativeEnums';
import type { ReplayFrame } from './replay';
import type { Alignment, CompareChart, ParameterRow, RatioRow } from './compare';
import type { PanelAction } from './panelActions';

export const PROTOCOL_VERSION = 1;

// ---- experiment parameters ------------------------------------------------

// The names of memmap.h's enumerations come from their {name, value} tables (nativeEnums.ts).
export const SCENARIOS = enumNames(SCENARIO_ENUM);
export const MODES = enumNames(MODE_ENUM);
export const GROWTHS = enumNames(GROWTH_ENUM);
export const VIEWS = enumNames(VIEW_ENUM);
export const OFFSET_BITS = [32, 64] as const;
export const STEP_TARGETS = ['mapView', 'grow', 'free'] as const;

export type Scenario = (typeof SCENARIO_ENUM)[number]['name'];
export type Mode = (typeof MODE_ENUM)[number]['name'];
export type Growth = (typeof GROWTH_ENUM)[number]['name'];
export type ViewKind = (typeof VIEW_ENUM)[number]['name'];
export type OffsetBits = (typeof OFFSET_BITS)[number];
export type StepTarget = (typeof STEP_TARGETS)[number];

/** Everything that defines one run; defaults are the seed's. */
export interface RunParameters {
  scenario: Scenario;
  mode: Mode;
  items: number;
  viewSize: number;
  initialFileSize: number;
  granularity: number;
  offsetBits: OffsetBits;
  growth: Growth;
  view: ViewKind;
  prefault: boolean;
  /** Disk mode only; undefined = the OS temp dir. */
  diskDir?: string;
  /** srand() seed of the random scenario. */
  seed: number;
  /** Evict the file's pages before the verify phase, so the read-back measures the device (mapped scenarios only). */
  coldVerify: boolean;
}

// ---- figures ---------------------------------------------------------------

// The counters (Counters, SeedStats) are defined by the table in counters.ts.
import type { Counters, SeedStats } from './counters';
export type { Counters, SeedStats };
// The insight data (issue 16) is defined in insight.ts.
import type { LatencySummary, Residency, RunInsight } from './insight';
export type { Residency, RunInsight };

/** The runner process as a whole since it started: not one run's own figures. */
export interface ProcessTotals {
  minorFaults: number;
  majorFaults: number;
  /** The OS's high-water mark of the process (it cannot be reset between runs). */
  peakRssBytes: number;
}

/** Per-run figures: faults counted from the run's start, peak resident sampled during the run. */
export interface ProcessFigures {
  rssBytes: number;
  /** Highest resident size sampled during this run (the OS's own peak cannot be reset per run). */
  peakRssBytes: number;
  virtualBytes: number;
  /** Page faults since this run started. */
  minorFaults: number;
  majorFaults: number;
  /** Bytes the disk file occupies on disk (0 in page-file mode). */
  diskBytes: number;
  /** The whole runner process, labelled as such wherever shown. */
  processTotals: ProcessTotals;
}

export const EVENT_KINDS = enumNames(EVENT_KIND_ENUM);
export type EventKind = (typeof EVENT_KIND_ENUM)[number]['name'];

/** A run's phase (mm_phase). */
export const PHASES = enumNames(PHASE_ENUM);
export type Phase = (typeof PHASE_ENUM)[number]['name'];

export interface MemMapEvent {
  seq: number;
  kind: EventKind;
  /** Operation index of the scenario when the event happened. */
  op: number;
  offset: number;
  size: number;
  /** View address (map/unmap) or block address (alloc), as hex text. */
  address: string;
  oldSize: number;
  newSize: number;
  bytesCopied: number;
  strategy: Growth;
}

export interface VerifyFailure {
  item: number;
  offset: number;
  expected: number;
  found: number;
}

// ---- budgets (issue 15: "50 GB from a 4 GB process") ---------------------------

export const BUDGET_KINDS = enumNames(BUDGET_KIND_ENUM);
export type BudgetKind = (typeof BUDGET_KIND_ENUM)[number]['name'];

/** What a run asks for (CLI --address-budget / --memory-budget, panel, settings, scenario files). */
export interface BudgetRequest {
  /** Address space the run may add beyond the runner's size when it started (emulates a 32-bit "4 GB" process). */
  addressBytes?: number;
  /** Resident memory the run may use, page cache it dirties included where the OS charges it. */
  memoryBytes?: number;
}

/** What a run got: carried by every sample, the result and a budget failure. */
export interface Budgets {
  /** null: no address budget. */
  addressBytes: number | null;
  /** null: no memory budget. */
  memoryBytes: number | null;
  /** Whether each requested budget is enforced on this machine (false when not requested). */
  enforced: { address: boolean; memory: boolean };
  /** Which enforcement it was, in words. */
  enforcement?: { address?: string; memory?: string };
  /** Why a requested budget is not enforced here: "memory budget not enforced here: <reason>". */
  reason?: string;
  /** The runner's virtual size when the run started: the address budget's line is this plus the budget. */
  baseVirtualBytes: number;
  /** The resident size when the run started: the memory budget's line is this plus the budget. */
  baseRssBytes: number;
  /** At the end of a run in a memory cgroup: the most the cgroup was charged (page cache included). */
  memoryPeakBytes?: number;
}

/** The detail of a run that hit a budget's wall. */
export interface BudgetFailure {
  code: 'nomem';
  budget: BudgetKind;
  /** The item that did not fit (the items stored before it). */
  atItem: number;
  /** Bytes of items stored when the wall was hit. */
  storedBytes: number;
  /** The budget that was hit. */
  budgetBytes: number;
  /** Killed by the OOM killer inside the memory budget (the OS's wall, not the library's). */
  oomKilled?: boolean;
  /** The last resident size sampled before the end. */
  lastRssBytes?: number;
}

/**
 * The result object: exactly what `runner.js run --json` prints. A finished
 * run's also carries the insight fields (insight.ts: cache, eviction, latency,
 * stalls, residency, timeBreakdown).
 */
export interface RunResult extends Partial<RunInsight> {
  scenario: Scenario;
  mode: Mode;
  offsetBits: OffsetBits;
  items: number;
  viewSize: number;
  initialFileSize: number;
  granularity: number;
  growth: Growth;
  view: ViewKind;
  prefault: boolean;
  verified: boolean;
  elapsedMs: number;
  stats: SeedStats;
  process: Pick<ProcessFigures, 'peakRssBytes' | 'virtualBytes' | 'minorFaults' | 'majorFaults' | 'processTotals'>;
  /** The run's budgets, when it had any. */
  budgets?: Budgets;
  /** A run that ended early (a budget's wall): the error, with the counters reached above. */
  error?: { code: ErrorCode; message: string; budgetFailure?: BudgetFailure };
}

// ---- extension -> runner -----------------------------------------------------

export interface StartMessage {
  type: 'start';
  parameters: RunParameters;
  /** Start paused, waiting for `step` or `resume` (step mode). */
  paused?: boolean;
  /** Record events for step mode and the file map. */
  events?: boolean;
  /** With events: send every event, none thinned (a recording's writer samples them per kind). */
  allEvents?: boolean;
  /** Budgets for the run (validated by parseBudgetRequest). */
  budgets?: BudgetRequest;
  /**
   * Set by a runner that started this one inside a memory cgroup for the run:
   * how the memory budget is enforced (then this runner does not enforce it again).
   */
  memoryEnforcement?: string;
}
export interface PauseMessage { type: 'pause' }
export interface ResumeMessage { type: 'resume' }
export interface StepMessage { type: 'step'; count?: number; until?: StepTarget }
export interface CancelMessage { type: 'cancel' }

export type ToRunner = StartMessage | PauseMessage | ResumeMessage | StepMessage | CancelMessage;

// ---- runner -> extension -----------------------------------------------------

export interface HelloMessage {
  type: 'hello';
  protocolVersion: number;
  platform: string;
  arch: string;
  pid: number;
  pageSize: number;
  granularity: number;
  libraryVersion: string;
}
export interface SampleMessage {
  type: 'sample';
  elapsedMs: number;
  ops: number;
  opsTotal: number;
  items: number;
  itemsTotal: number;
  phase: Phase;
  counters: Counters;
  process: ProcessFigures;
  /** The run's budgets, when it has any (the panel draws them as lines). */
  budgets?: Budgets;
  /** The file's residency, on some samples: as often as its cost allows (insight.ts RESIDENCY_COST_SHARE). */
  residency?: Residency;
  /** The latency so far (no buckets: those come with the result), on one sample a second; none for the baseline. */
  latency?: LatencySummary;
}
export interface EventMessage {
  type: 'event';
  events: MemMapEvent[];
  /** Events that did not fit the native ring since the last message. */
  dropped: number;
}
/** 'pausing': asked to pause, finishing the operation in progress (a growth can take seconds). */
export type RunState = 'running' | 'pausing' | 'paused' | 'idle';
export interface StateMessage { type: 'state'; state: RunState; ops: number }
export interface DoneMessage { type: 'done'; result: RunResult; failure?: VerifyFailure }
/** Errors of the runner and the extension themselves, besides the library's (nativeEnums.ts). */
export const PROCESS_ERROR_CODES = ['crashed', 'timeout', 'protocol', 'internal'] as const;
export type ErrorCode = (typeof LIBRARY_ERROR_ENUM)[number]['name'] | (typeof PROCESS_ERROR_CODES)[number];
export const ERROR_CODES: readonly ErrorCode[] = [...enumNames(LIBRARY_ERROR_ENUM), ...PROCESS_ERROR_CODES];
export interface ErrorMessage {
  type: 'error'; code: ErrorCode; message: string; failure?: VerifyFailure;
  /** A budget's wall: where it was hit. */
  budgetFailure?: BudgetFailure;
  /** A run that ended at a budget's wall keeps its counters: the result reached. */
  result?: RunResult;
}

export type FromRunner = HelloMessage | SampleMessage | EventMessage | StateMessage | DoneMessage | ErrorMessage;

// ---- extension <-> webview ------------------------------------------------------

export interface RunRecord {
  id: string;
  label: string;
  startedAt: number;
  /** When the run ended (Date.now() in the extension host): the time the user waited is endedAt - startedAt. */
  endedAt?: number;
  parameters: RunParameters;
  result?: RunResult;
  error?: { code: ErrorCode; message: string };
  /** Where a budget's wall was hit (issue 15); the counters reached are in `result`. */
  budgetFailure?: BudgetFailure;
  samples: SampleMessage[];
}

export interface ToWebviewInit {
  type: 'init';
  runner?: HelloMessage;
  runnerError?: string;
  defaults: RunParameters;
  /** Everything drawn so far: the current run and the history. */
  current?: RunRecord;
  state: RunState;
  history: RunRecord[];
}
export type ToWebview =
  | ToWebviewInit
  | { type: 'runner'; runner: HelloMessage }
  | { type: 'runnerError'; message: string }
  | { type: 'runStarted'; record: RunRecord }
  | SampleMessage
  | EventMessage
  | StateMessage
  | { type: 'runEnded'; record: RunRecord }
  | { type: 'history'; history: RunRecord[] }
  /** The curves of a run of the history, read from its recording (runs beyond the last 10 keep none in the history). */
  | { type: 'curves'; id: string; samples: SampleMessage[] }
  | { type: 'invalid'; field: string; message: string }
  /** A panel keybinding was pressed (common/panelActions.ts): the panel acts as if its button was clicked. */
  | { type: 'panelAction'; action: PanelAction };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'run'; parameters: unknown; paused?: boolean }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'step'; count?: unknown; until?: unknown }
  | { type: 'stop' }
  | { type: 'reset' }
  /** Remove one entry of the history / all of it (the extension asks before clearing all). */
  | { type: 'deleteRun'; id: string }
  | { type: 'clearHistory' }
  | { type: 'exportHistory'; format: unknown }
  /** Save one run's recording where the user picks (issue 17). */
  | { type: 'saveRecording'; id: string }
  /** The curves of a run of the history from its recording, answered with `curves`. */
  | { type: 'loadCurves'; id: string }
  /** The charts as one PNG, a data: URL drawn by the webview. */
  | { type: 'exportPng'; dataUrl: string }
  /** The "?" beside the controls: open the README's section on the panel. */
  | { type: 'openHelp' };

export function assertNever(value: never): never {
  throw new Error(`unexpected message: ${JSON.stringify(value)}`);
}

// ---- the recording editor and the comparison (issue 17) ---------------------------

/** What the recording editor shows above the scrubber: drawn as given. */
export interface RecordingSummary {
  title: string;
  /** [label, value]: when, where, how it ended. */
  facts: [string, string][];
  /** Parameters that differ from the seed's defaults, in words ("Items 1,000"), or ['defaults']. */
  parameters: string[];
  /** The status line: how the run ended. */
  outcome: string;
  failed: boolean;
  /** What the reader or the recorder left out, in words (events sampled, a cut tail, no end record). */
  notes: string[];
  /** The insight data of the run, when the recording has any: [heading, text] pairs. */
  insight?: [string, string][];
}

export type ToRecordingView =
  | {
    type: 'recording';
    summary: RecordingSummary;
    /** Every sample (the charts). */
    samples: SampleMessage[];
    /** Positions of the timeline (samples and events); the scrubber goes from 0 to length - 1. */
    length: number;
    /** The timeline position of each sample, ascending (Shift+arrows jump between them). */
    samplePositions: number[];
    /** The operation number of the timeline's end: the slider goes by operation, from 0 to this. */
    lastOp: number;
    /** The run's result when it was recorded (its insight data: latency, stalls, residency, time breakdown). */
    result?: RunResult;
  }
  | { type: 'frame'; frame: ReplayFrame };

export type FromRecordingView =
  | { type: 'ready' }
  /** Show the state at this timeline position, or at the last position at or before this operation (one of the two). */
  | { type: 'scrub'; position?: unknown; op?: unknown }
  /** "Compare with…" pressed in the editor. */
  | { type: 'compare' };

export interface ComparisonSide {
  title: string;
  facts: [string, string][];
}

export interface Comparison {
  a: ComparisonSide;
  b: ComparisonSide;
  by: Alignment;
  parameters: ParameterRow[];
  ratios: RatioRow[];
  charts: CompareChart[];
}

/** `files`: the two recordings' URIs, kept in the webview's state so a reloaded window reopens the comparison. */
export type ToCompareView = { type: 'comparison'; comparison: Comparison; files: { a: string; b: string } };
export type FromCompareView = { type: 'ready' } | { type: 'align'; by: unknown };
