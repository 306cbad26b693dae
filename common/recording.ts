// The recording format, `*.memmaprun` (issue 17): one file per run, written
// as the run goes. Newline-delimited JSON: one record a line, appended, so a
// run that dies keeps every record up to its last complete line.
//
//   {"format":"memmaprun","version":"1.0","type":"header",...}   first line
//   {"type":"sample",...}                                         a SampleMessage (+ `every` when decimated)
//   {"type":"events","rows":[[...],...],...}                      a batch of events, one array per event
//   {"type":"end",...}                                            the final result; absent after a crash
//
// Pure TypeScript (no Node, DOM or VS Code import): the runner, the extension
// host and the webview all bundle it. docs/RECORDINGS.md describes the format,
// schemas/memmaprun.schema.json its records. The reader's notes (shown by the
// recording editor) go through @vscode/l10n, which the extension configures.

import * as l10n from '@vscode/l10n';
import {
  EVENT_KINDS, GROWTHS, MODES, OFFSET_BITS, SCENARIOS, VIEWS,
  type BudgetFailure, type BudgetRequest, type ErrorCode, type EventKind, type EventMessage, type Growth,
  type MemMapEvent, type RunParameters, type RunRecord, type RunResult, type SampleMessage, type VerifyFailure,
} from './protocol';
import { parseFromRunner } from './messages';
import { parseBudgetFailure, parseBudgetRequest } from './budgets';

// common/ compiles without DOM or Node types; every platform that runs it (Node 18+, browsers,
// VS Code's webviews) has these globals.
declare const TextDecoder: new (label?: string, options?: { fatal?: boolean }) => { decode(input: Uint8Array): string };

export const RECORDING_FORMAT = 'memmaprun';
/** The file name extension, with its dot. */
export const RECORDING_EXTENSION = '.memmaprun';
/** The version this code writes. A reader reads every `1.x` and refuses `2.0` and later. */
export const RECORDING_VERSION = { major: 1, minor: 0 } as const;
export const RECORDING_VERSION_TEXT = `${RECORDING_VERSION.major}.${RECORDING_VERSION.minor}`;

/** The order of an event's fields in an `events` record's rows. */
export const EVENT_COLUMNS = ['seq', 'kind', 'op', 'offset', 'size', 'address', 'oldSize', 'newSize', 'bytesCopied', 'strategy'] as const;
type EventRow = [number, EventKind, number, number, number, string, number, number, number, Growth];

/**
 * How much a recording keeps. Samples: all of the first `samplesFull`, then
 * one in 2, then one in 4, ..., each stride for `samplesTier` kept samples
 * (the last sample is always kept). Events: the same per event kind, with
 * `eventsFull` and `eventsTier`. A record that was decimated says so: a
 * sample's `every`, an events record's `every` per kind.
 */
export interface RecordingBounds {
  samplesFull: number;
  samplesTier: number;
  eventsFull: number;
  eventsTier: number;
}

/** 3,600 samples are six minutes at the runner's 10 a second. */
export const DEFAULT_BOUNDS: Readonly<RecordingBounds> = Object.freeze({
  samplesFull: 3600, samplesTier: 600, eventsFull: 5000, eventsTier: 1000,
});

/** Who wrote the recording. */
export type RecordingProducer = 'cli' | 'panel' | 'test' | 'import';

/** The first record. */
export interface RecordingHeader {
  format: typeof RECORDING_FORMAT;
  /** "major.minor" of the format. "0" for a run converted from the panel's old history (no host fields). */
  version: string;
  type: 'header';
  /** Unique within the writer's store (the panel's run id). */
  id: string;
  label: string;
  /** Epoch milliseconds. */
  startedAt: number;
  producer: RecordingProducer;
  parameters: RunParameters;
  budgets?: BudgetRequest;
  /** The runner's host (its hello message); absent only in version 0. */
  platform?: string;
  arch?: string;
  pageSize?: number;
  granularity?: number;
  libraryVersion?: string;
  bounds: RecordingBounds;
  eventColumns: readonly string[];
  /** A run of the Test Explorer: the test's id and label. */
  test?: { id: string; label: string };
}

/** The last record: how the run ended. */
export interface RecordingEnd {
  type: 'end';
  /** Epoch milliseconds. */
  endedAt: number;
  outcome: 'done' | 'error';
  result?: RunResult;
  error?: { code: ErrorCode; message: string };
  failure?: VerifyFailure;
  budgetFailure?: BudgetFailure;
  /** The insight data of the run, when the producer has any (kept as written). */
  insight?: unknown;
  samples: { seen: number; kept: number };
  events: EventTotals;
}

export interface KindTotals { seen: number; kept: number }
export interface EventTotals {
  seen: number;
  kept: number;
  /** Events the native ring dropped before the recorder saw them. */
  dropped: number;
  perKind: Partial<Record<EventKind, KindTotals>>;
}

/** A recording as read. */
export interface Recording {
  header: RecordingHeader;
  samples: SampleMessage[];
  events: MemMapEvent[];
  /** Present when the run ended before the file did (not after a crash). */
  end?: RecordingEnd;
  /** Events as counted: from the end record, or from the events records after a crash. */
  eventTotals: EventTotals;
  /** Samples seen by the writer (from the end record; after a crash, as far as the file tells). */
  samplesSeen: number;
  /** Whether samples or events were decimated (the `every` marks). */
  sampled: { samples: boolean; events: boolean };
  /** The file has its end record. */
  complete: boolean;
  /** A partial last line was left out (the writer died while writing it). */
  truncated: boolean;
  /** What the reader tolerated, in words (a newer minor version, unknown records, a cut tail). */
  notes: string[];
}

export type ParseRecordingResult = { ok: true; recording: Recording } | { ok: false; error: string };

// ---- writing -----------------------------------------------------------------------

/** What the producer says about the run at its start. */
export interface RecordingStart {
  id: string;
  label: string;
  startedAt: number;
  producer: RecordingProducer;
  parameters: RunParameters;
  budgets?: BudgetRequest;
  host?: { platform: string; arch: string; pageSize: number; granularity: number; libraryVersion: string };
  test?: { id: string; label: string };
  bounds?: Partial<RecordingBounds>;
}

/** What the producer says at the end. */
export interface RecordingFinish {
  endedAt: number;
  result?: RunResult;
  error?: { code: ErrorCode; message: string };
  failure?: VerifyFailure;
  budgetFailure?: BudgetFailure;
  insight?: unknown;
}

/** Keeps all of the first `full`, then 1 in 2 for `tier` kept, 1 in 4 for `tier` kept, ... */
class Decimator {
  seen = 0;
  kept = 0;
  every = 1;
  private keptAtThisStride = 0;
  private sinceKept = 0;
  constructor(private readonly full: number, private readonly tier: number) {}

  /** Whether the next item is kept: 0 when not, else the stride it was kept at (1: everything kept so far). */
  take(): number {
    this.seen++;
    if (this.seen <= this.full) {
      this.kept++;
      return 1;
    }
    if (this.every === 1) this.every = 2;
    this.sinceKept++;
    if (this.sinceKept < this.every) return 0;
    const stride = this.every;
    this.sinceKept = 0;
    this.kept++;
    if (++this.keptAtThisStride >= this.tier) {
      this.keptAtThisStride = 0;
      this.every *= 2;
    }
    return stride;
  }
}

function eventRow(e: MemMapEvent): EventRow {
  return [e.seq, e.kind, e.op, e.offset, e.size, e.address, e.oldSize, e.newSize, e.bytesCopied, e.strategy];
}

function rowEvent(r: readonly unknown[]): MemMapEvent {
  return {
    seq: r[0] as number, kind: r[1] as EventKind, op: r[2] as number, offset: r[3] as number, size: r[4] as number,
    address: r[5] as string, oldSize: r[6] as number, newSize: r[7] as number, bytesCopied: r[8] as number, strategy: r[9] as Growth,
  };
}

function boundsFrom(b: Partial<RecordingBounds> | undefined): RecordingBounds {
  const out = { ...DEFAULT_BOUNDS, ...b };
  for (const [k, v] of Object.entries(out)) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`recording bound ${k} must be a whole number from 1, not ${String(v)}`);
  }
  return out;
}

/**
 * The streaming writer: each call hands whole lines (each ending in "\n") to
 * `write`; the producer appends them to the file as they come (one write per
 * record keeps a crash's loss to the record being written).
 */
export class RecordingEncoder {
  readonly header: RecordingHeader;
  private readonly samples: Decimator;
  private readonly kinds = new Map<EventKind, Decimator>();
  private eventsSeen = 0;
  private eventsKept = 0;
  private dropped = 0;
  /** The last sample when it was not kept: written before the end, so the last state is always there. */
  private pendingSample: SampleMessage | undefined;
  private ended = false;
  private written = 0;

  constructor(start: RecordingStart, private readonly write: (line: string) => void) {
    const bounds = boundsFrom(start.bounds);
    this.header = {
      format: RECORDING_FORMAT, version: RECORDING_VERSION_TEXT, type: 'header',
      id: start.id, label: start.label, startedAt: start.startedAt, producer: start.producer,
      parameters: start.parameters,
      ...(start.budgets && Object.keys(start.budgets).length > 0 ? { budgets: start.budgets } : {}),
      ...(start.host ?? {}),
      bounds, eventColumns: EVENT_COLUMNS,
      ...(start.test ? { test: start.test } : {}),
    };
    this.samples = new Decimator(bounds.samplesFull, bounds.samplesTier);
    this.emit(this.header);
  }

  /** Bytes handed to `write` so far. */
  get bytesWritten(): number {
    return this.written;
  }

  get done(): boolean {
    return this.ended;
  }

  private emit(record: object): void {
    const line = JSON.stringify(record) + '\n';
    this.written += line.length;
    this.write(line);
  }

  sample(s: SampleMessage): void {
    if (this.ended) return;
    const stride = this.samples.take();
    if (stride > 0) {
      this.pendingSample = undefined;
      this.emit(stride > 1 ? { ...s, type: 'sample', every: stride } : { ...s, type: 'sample' });
    } else {
      this.pendingSample = s;
    }
  }

  /** A batch of events (an EventMessage, or the events alone). */
  events(batch: EventMessage | readonly MemMapEvent[]): void {
    if (this.ended) return;
    const list = Array.isArray(batch) ? batch as readonly MemMapEvent[] : (batch as EventMessage).events;
    const dropped = Array.isArray(batch) ? 0 : (batch as EventMessage).dropped;
    this.dropped += dropped;
    const rows: EventRow[] = [];
    const every: Partial<Record<EventKind, number>> = {};
    for (const e of list) {
      this.eventsSeen++;
      let d = this.kinds.get(e.kind);
      if (!d) this.kinds.set(e.kind, (d = new Decimator(this.header.bounds.eventsFull, this.header.bounds.eventsTier)));
      const stride = d.take();
      if (stride > 0) {
        rows.push(eventRow(e));
        if (stride > 1) every[e.kind] = Math.max(every[e.kind] ?? 0, stride);
      }
    }
    this.eventsKept += rows.length;
    if (rows.length === 0 && dropped === 0) return;
    this.emit({
      type: 'events', rows, seen: this.eventsSeen, dropped,
      ...(Object.keys(every).length > 0 ? { every } : {}),
    });
  }

  /** The final record; nothing is written after it. */
  end(finish: RecordingFinish): RecordingEnd {
    if (this.ended) throw new Error('the recording has ended already');
    if (this.pendingSample) {
      const s = this.pendingSample;
      this.pendingSample = undefined;
      this.samples.kept++;
      this.emit({ ...s, type: 'sample', every: this.samples.every });
    }
    this.ended = true;
    const record: RecordingEnd = {
      type: 'end', endedAt: finish.endedAt, outcome: finish.error ? 'error' : 'done',
      ...(finish.result ? { result: finish.result } : {}),
      ...(finish.error ? { error: { code: finish.error.code, message: finish.error.message } } : {}),
      ...(finish.failure ? { failure: finish.failure } : {}),
      ...(finish.budgetFailure ? { budgetFailure: finish.budgetFailure } : {}),
      ...(finish.insight !== undefined ? { insight: finish.insight } : {}),
      samples: { seen: this.samples.seen, kept: this.samples.kept },
      events: this.eventTotals(),
    };
    this.emit(record);
    return record;
  }

  private eventTotals(): EventTotals {
    const perKind: Partial<Record<EventKind, KindTotals>> = {};
    for (const k of EVENT_KINDS) {
      const d = this.kinds.get(k);
      if (d) perKind[k] = { seen: d.seen, kept: d.kept };
    }
    return { seen: this.eventsSeen, kept: this.eventsKept, dropped: this.dropped, perKind };
  }
}

/** A whole recording as text, from a run in memory (the panel's history, tests). */
export function encodeRecording(start: RecordingStart, samples: readonly SampleMessage[], events: readonly MemMapEvent[], finish?: RecordingFinish): string {
  let text = '';
  const enc = new RecordingEncoder(start, (line) => { text += line; });
  for (const s of samples) enc.sample(s);
  if (events.length > 0) enc.events(events);
  if (finish) enc.end(finish);
  return text;
}

// ---- reading -----------------------------------------------------------------------

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const GZIP_MAGIC = [0x1f, 0x8b];

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

const choice = <T>(list: readonly T[], x: unknown): T | undefined => list.find((c) => c === x);

/**
 * A run's parameters as a recording holds them, built from their checked fields: their shape,
 * not today's limits (an old recording stays readable). A sentence when one is wrong.
 */
function parametersOf(p: unknown): RunParameters | string {
  if (!isObject(p)) return 'parameters is not an object';
  const scenario = choice(SCENARIOS, p.scenario);
  const mode = choice(MODES, p.mode);
  const growth = choice(GROWTHS, p.growth);
  const view = choice(VIEWS, p.view);
  const offsetBits = choice(OFFSET_BITS, p.offsetBits);
  if (!scenario) return `parameters.scenario is not one of ${SCENARIOS.join(', ')}`;
  if (!mode) return `parameters.mode is not one of ${MODES.join(', ')}`;
  if (!growth) return `parameters.growth is not one of ${GROWTHS.join(', ')}`;
  if (!view) return `parameters.view is not one of ${VIEWS.join(', ')}`;
  if (!offsetBits) return `parameters.offsetBits is not one of ${OFFSET_BITS.join(', ')}`;
  const { items, viewSize, initialFileSize, granularity, seed, prefault, diskDir } = p;
  if (!isCount(items)) return 'parameters.items is not a whole number';
  if (!isCount(viewSize)) return 'parameters.viewSize is not a whole number';
  if (!isCount(initialFileSize)) return 'parameters.initialFileSize is not a whole number';
  if (!isCount(granularity)) return 'parameters.granularity is not a whole number';
  if (!isCount(seed)) return 'parameters.seed is not a whole number';
  if (typeof prefault !== 'boolean') return 'parameters.prefault is not true or false';
  if (diskDir !== undefined && typeof diskDir !== 'string') return 'parameters.diskDir is not text';
  // coldVerify came with issue 16: an older recording has none (warm)
  const coldVerify = p.coldVerify ?? false;
  if (typeof coldVerify !== 'boolean') return 'parameters.coldVerify is not true or false';
  return {
    scenario, mode, items, viewSize, initialFileSize, granularity, offsetBits, growth, view, prefault, seed, coldVerify,
    ...(typeof diskDir === 'string' ? { diskDir } : {}),
  };
}

function versionOf(v: unknown): { major: number; minor: number } | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{1,6})(?:\.(\d{1,6}))?$/.exec(v);
  return m ? { major: Number(m[1]), minor: Number(m[2] ?? 0) } : undefined;
}

const PRODUCERS: readonly RecordingProducer[] = ['cli', 'panel', 'test', 'import'];
const isBound = (x: unknown): x is number => isCount(x) && x >= 1;

/** The header built from its checked fields, or what is wrong with it. */
function headerOf(h: Record<string, unknown>, version: string): RecordingHeader | string {
  const { id, label, startedAt, producer, platform, arch, pageSize, granularity, libraryVersion, bounds, eventColumns, test } = h;
  if (typeof id !== 'string') return 'header.id is not text';
  if (typeof label !== 'string') return 'header.label is not text';
  if (typeof startedAt !== 'number' || !Number.isFinite(startedAt)) return 'header.startedAt is not a number (epoch milliseconds)';
  // A producer this reader does not know (a newer minor's) reads as an import.
  const made = choice(PRODUCERS, producer) ?? 'import';
  const parameters = parametersOf(h.parameters);
  if (typeof parameters === 'string') return `header.${parameters}`;
  const budgets = parseBudgetRequest(h.budgets);
  if (!budgets.ok) return `header.${budgets.reason}`;
  if (typeof platform !== 'string') return 'header.platform is not text';
  if (typeof arch !== 'string') return 'header.arch is not text';
  if (typeof libraryVersion !== 'string') return 'header.libraryVersion is not text';
  if (!isCount(pageSize)) return 'header.pageSize is not a whole number';
  if (!isCount(granularity)) return 'header.granularity is not a whole number';
  if (!isObject(bounds) || !isBound(bounds.samplesFull) || !isBound(bounds.samplesTier) || !isBound(bounds.eventsFull) || !isBound(bounds.eventsTier)) {
    return 'header.bounds needs samplesFull, samplesTier, eventsFull and eventsTier (whole numbers from 1)';
  }
  if (!Array.isArray(eventColumns) || EVENT_COLUMNS.some((c, i) => eventColumns[i] !== c)) {
    return `header.eventColumns must begin ${EVENT_COLUMNS.join(', ')}`;
  }
  if (test !== undefined && (!isObject(test) || typeof test.id !== 'string' || typeof test.label !== 'string')) return 'header.test needs id and label (text)';
  return {
    format: RECORDING_FORMAT, version, type: 'header', id, label, startedAt, producer: made, parameters,
    ...(budgets.value ? { budgets: budgets.value } : {}),
    platform, arch, pageSize, granularity, libraryVersion,
    bounds: { samplesFull: bounds.samplesFull, samplesTier: bounds.samplesTier, eventsFull: bounds.eventsFull, eventsTier: bounds.eventsTier },
    eventColumns: EVENT_COLUMNS,
    ...(isObject(test) ? { test: { id: test.id as string, label: test.label as string } } : {}),
  };
}

/** The end record built from its checked fields, or what is wrong with it. */
function endOf(rec: Record<string, unknown>): RecordingEnd | string {
  const { endedAt, outcome, result, error, failure, budgetFailure, insight, samples, events } = rec;
  if (!isCount(endedAt) || (outcome !== 'done' && outcome !== 'error')) return 'the end record needs endedAt (epoch milliseconds) and outcome "done" or "error"';
  let built: Pick<RecordingEnd, 'result' | 'failure' | 'error' | 'budgetFailure'> = {};
  if (result !== undefined || failure !== undefined) {
    if (result === undefined) return 'the end record has a failure without a result';
    const p = parseFromRunner({ type: 'done', result, failure });
    if (!p.ok || p.value.type !== 'done') return `the end record's ${p.ok ? 'result' : p.reason.replace(/^done/, 'result')}`;
    built = { result: p.value.result, ...(p.value.failure ? { failure: p.value.failure } : {}) };
  }
  if (error !== undefined) {
    const p = parseFromRunner({ type: 'error', code: isObject(error) ? error.code : undefined, message: isObject(error) ? error.message : undefined });
    if (!p.ok || p.value.type !== 'error') return `the end record's ${p.ok ? 'error' : p.reason}`;
    built.error = { code: p.value.code, message: p.value.message };
  }
  if (budgetFailure !== undefined) {
    const p = parseBudgetFailure(budgetFailure);
    if (!p.ok) return `the end record's ${p.reason}`;
    built.budgetFailure = p.value;
  }
  if (!isObject(samples) || !isCount(samples.seen) || !isCount(samples.kept) || !isObject(events) || !isCount(events.seen) || !isCount(events.kept)
    || !isCount(events.dropped) || !isObject(events.perKind)) {
    return 'the end record needs samples {seen, kept} and events {seen, kept, dropped, perKind}';
  }
  if (samples.kept > samples.seen) return `the end record's samples: kept ${samples.kept} is more than seen ${samples.seen}`;
  if (events.kept > events.seen) return `the end record's events: kept ${events.kept} is more than seen ${events.seen}`;
  const perKind: Partial<Record<EventKind, KindTotals>> = {};
  for (const k of EVENT_KINDS) {
    const t = events.perKind[k];
    if (t === undefined) continue;
    if (!isObject(t) || !isCount(t.seen) || !isCount(t.kept)) return `the end record's events.perKind.${k} needs seen and kept`;
    if (t.kept > t.seen) return `the end record's events.perKind.${k}: kept ${t.kept} is more than seen ${t.seen}`;
    perKind[k] = { seen: t.seen, kept: t.kept };
  }
  return {
    type: 'end', endedAt, outcome, ...built, ...(insight !== undefined ? { insight } : {}),
    samples: { seen: samples.seen, kept: samples.kept },
    events: { seen: events.seen, kept: events.kept, dropped: events.dropped, perKind },
  };
}

function rowBad(r: unknown): boolean {
  if (!Array.isArray(r) || r.length < EVENT_COLUMNS.length) return true;
  const [seq, kind, op, offset, size, address, oldSize, newSize, copied, strategy] = r as unknown[];
  return ![seq, op, offset, size, oldSize, newSize, copied].every(isCount)
    || !(EVENT_KINDS as readonly unknown[]).includes(kind) || typeof address !== 'string' || !(GROWTHS as readonly unknown[]).includes(strategy);
}

const fail = (error: string): ParseRecordingResult => ({ ok: false, error });

/**
 * Reads a recording (text, or its bytes as UTF-8). Refuses a newer major
 * version, reads every older one (version 0 is one run of the panel's old
 * history as JSON), and tolerates a cut last line: a crash keeps every record
 * up to the last complete one. Gzip-compressed bytes are refused here with a
 * pointer to readRecording(), which takes both.
 */
/** The largest recording read (plain or decompressed): a 1M-item recording is a few MB, so this leaves room and bounds memory. */
export const MAX_RECORDING_BYTES = 256 * 1024 * 1024;

function tooLarge(bytes: number, limit = MAX_RECORDING_BYTES): ParseRecordingResult {
  return fail(`the recording is too large (${Math.ceil(bytes / 1048576).toLocaleString('en-US')} MiB or more; at most ${Math.floor(limit / 1048576)} MiB is read)`);
}

export function parseRecording(input: string | Uint8Array): ParseRecordingResult {
  let text: string;
  if (input.length > MAX_RECORDING_BYTES) return tooLarge(input.length);
  if (typeof input === 'string') {
    text = input;
  } else {
    if (isGzip(input)) return fail('the recording is gzip-compressed; read it with readRecording(), which decompresses it');
    const lastNewline = input.lastIndexOf(0x0a);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input.subarray(0, lastNewline + 1))
        // The part after the last newline may be cut inside a character: it is the cut line, judged below.
        + new TextDecoder('utf-8').decode(input.subarray(lastNewline + 1));
    } catch {
      return fail('the recording is not UTF-8 text; a .memmaprun file is newline-delimited JSON (or that, gzip-compressed)');
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return fail('the recording is empty: a .memmaprun file begins with its header line');

  const lines = text.split('\n');
  // The text after the last newline is a cut record unless it parses as one (a file written without a final newline).
  const endsWithNewline = lines[lines.length - 1] === '';
  if (endsWithNewline) lines.pop();

  let first: unknown;
  try {
    first = JSON.parse(lines[0]);
  } catch {
    if (lines.length === 1 && !endsWithNewline && /^\s*\{"format":"memmaprun"/.test(lines[0])) {
      return fail('the recording was cut inside its header line: nothing was recorded');
    }
    return fail('the recording does not begin with a JSON header line ({"format":"memmaprun",...}); it is not a .memmaprun file');
  }
  if (!isObject(first)) return fail('the recording\'s first line is not a JSON object; it is not a .memmaprun file');
  if (first.format === undefined && 'samples' in first && 'parameters' in first && lines.length === 1) return fromVersion0(first);
  if (first.format !== RECORDING_FORMAT) return fail(`the first line's format is ${JSON.stringify(first.format)?.slice(0, 40)}, not "memmaprun"; it is not a .memmaprun file`);
  const version = versionOf(first.version);
  if (!version) return fail(`the header's version ${JSON.stringify(first.version)?.slice(0, 40)} is not "major.minor"`);
  if (version.major > RECORDING_VERSION.major) {
    return fail(`this recording is format version ${version.major}.${version.minor}, newer than this MemMap Lab reads (${RECORDING_VERSION.major}.x); update MemMap Lab to open it`);
  }
  if (version.major < 1) return fail(`format version ${version.major}.${version.minor} is not a .memmaprun version (version 0 is a single JSON object)`);
  const header = headerOf(first, `${version.major}.${version.minor}`);
  if (typeof header === 'string') return fail(`the header is malformed: ${header}`);
  const notes: string[] = [];
  if (version.minor > RECORDING_VERSION.minor) {
    notes.push(l10n.t('format version {0} is newer than this reader\'s {1}: fields it does not know are left out', `${version.major}.${version.minor}`, RECORDING_VERSION_TEXT));
  }

  const samples: SampleMessage[] = [];
  const events: MemMapEvent[] = [];
  const perKind: Partial<Record<EventKind, KindTotals>> = {};
  let seen = 0;
  let dropped = 0;
  let sampledSamples = false;
  let sampledEvents = false;
  let end: RecordingEnd | undefined;
  let truncated = false;
  let unknown = 0;

  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const last = i === lines.length - 1;
    if (line.trim() === '') continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      if (last && !endsWithNewline) {
        truncated = true;
        notes.push(l10n.t('the last line was cut ({0} characters left out): the writer stopped while writing it', line.length));
        break;
      }
      return fail(`line ${i + 1} is not JSON: the recording is damaged`);
    }
    if (end) return fail(`line ${i + 1} follows the end record: the recording is damaged`);
    if (!isObject(rec)) return fail(`line ${i + 1} is not a JSON object: the recording is damaged`);
    switch (rec.type) {
      case 'sample': {
        const { every, ...msg } = rec;
        const p = parseFromRunner(msg);
        if (!p.ok) return fail(`line ${i + 1}: ${p.reason}`);
        if (p.value.type !== 'sample') return fail(`line ${i + 1}: not a sample`);
        if (every !== undefined) {
          if (!isCount(every) || every < 1) return fail(`line ${i + 1}: sample.every is not a whole number from 1`);
          if (every > 1) sampledSamples = true;
        }
        samples.push(p.value);
        break;
      }
      case 'events': {
        if (!Array.isArray(rec.rows) || !isCount(rec.seen) || !isCount(rec.dropped)) {
          return fail(`line ${i + 1}: an events record needs rows[], seen and dropped (whole numbers)`);
        }
        const bad = rec.rows.findIndex(rowBad);
        if (bad >= 0) return fail(`line ${i + 1}: event row ${bad + 1} does not match the columns ${EVENT_COLUMNS.join(', ')}`);
        if (rec.every !== undefined) {
          if (!isObject(rec.every) || !Object.entries(rec.every).every(([k, v]) => (EVENT_KINDS as readonly string[]).includes(k) && isCount(v) && v >= 1)) {
            return fail(`line ${i + 1}: events.every must map event kinds to whole numbers from 1`);
          }
          sampledEvents = true;
        }
        for (const r of rec.rows as unknown[][]) {
          const e = rowEvent(r);
          events.push(e);
          // Without an end record the file tells only what was kept: seen is at least that.
          const t = (perKind[e.kind] ??= { seen: 0, kept: 0 });
          t.seen++;
          t.kept++;
        }
        // seen counts every event so far: it never goes down, and is never fewer than those kept.
        if (rec.seen < seen || rec.seen < events.length) {
          return fail(`line ${i + 1}: events seen ${rec.seen} is fewer than ${rec.seen < seen ? `the ${seen} seen before` : `the ${events.length} kept so far`}`);
        }
        seen = rec.seen;
        dropped += rec.dropped;
        break;
      }
      case 'end': {
        const e = endOf(rec);
        if (typeof e === 'string') return fail(`line ${i + 1}: ${e}`);
        end = e;
        break;
      }
      default:
        // A newer minor version may add records: left out, said once.
        unknown++;
    }
  }
  if (unknown > 0) {
    notes.push(unknown === 1
      ? l10n.t('1 record of a kind this reader does not know was left out')
      : l10n.t('{0} records of a kind this reader does not know were left out', unknown));
  }
  if (!end && !truncated) notes.push(l10n.t('the recording has no end record: the run was still going or its writer stopped'));

  const eventTotals: EventTotals = end
    ? end.events
    : { seen, kept: events.length, dropped, perKind };
  return {
    ok: true,
    recording: {
      header, samples, events, ...(end ? { end } : {}), eventTotals,
      samplesSeen: end ? end.samples.seen : samples.length,
      sampled: { samples: sampledSamples, events: sampledEvents },
      complete: end !== undefined, truncated, notes,
    },
  };
}

/** Version 0: one run as the panel's history held it (a RunRecord as JSON), converted; no host fields, no events. */
function fromVersion0(r: Record<string, unknown>): ParseRecordingResult {
  const { id, label, startedAt, endedAt, samples } = r;
  if (typeof id !== 'string' || typeof label !== 'string' || typeof startedAt !== 'number' || !Array.isArray(samples)) {
    return fail('a version 0 recording (a run of the panel\'s old history) needs id, label, startedAt and samples[]');
  }
  if (endedAt !== undefined && typeof endedAt !== 'number') return fail('version 0 recording: endedAt is not a number');
  const parameters = parametersOf(r.parameters);
  if (typeof parameters === 'string') return fail(`version 0 recording: ${parameters}`);
  const kept: SampleMessage[] = [];
  for (const [i, x] of samples.entries()) {
    const p = parseFromRunner(x);
    if (!p.ok || p.value.type !== 'sample') return fail(`version 0 recording: sample ${i + 1}: ${p.ok ? 'not a sample' : p.reason}`);
    kept.push(p.value);
  }
  // The end as the history held it: checked like an end record's.
  const end = endOf({
    endedAt: typeof endedAt === 'number' ? Math.round(endedAt) : 0, outcome: r.error ? 'error' : 'done', result: r.result, error: r.error,
    budgetFailure: r.budgetFailure, samples: { seen: 0, kept: 0 }, events: { seen: 0, kept: 0, dropped: 0, perKind: {} },
  });
  if (typeof end === 'string') return fail(`version 0 recording: ${end.replace(/^the end record/, 'the run')}`);
  const run: RunRecord = {
    id, label, startedAt, parameters, samples: kept,
    ...(typeof endedAt === 'number' ? { endedAt } : {}),
    ...(end.result ? { result: end.result } : {}),
    ...(end.error ? { error: end.error } : {}),
    ...(end.budgetFailure ? { budgetFailure: end.budgetFailure } : {}),
  };
  const rec = recordingFromRunRecord(run);
  rec.notes.push(l10n.t('format version 0 (a run of the panel\'s old history): no host figures and no events were kept'));
  return { ok: true, recording: rec };
}

/** A run of the panel (RunRecord) as a recording: version "0", what the old history kept. */
export function recordingFromRunRecord(r: RunRecord): Recording {
  const header: RecordingHeader = {
    format: RECORDING_FORMAT, version: '0', type: 'header', id: r.id, label: r.label, startedAt: r.startedAt,
    producer: 'import', parameters: r.parameters, bounds: { ...DEFAULT_BOUNDS }, eventColumns: EVENT_COLUMNS,
  };
  const events: EventTotals = { seen: 0, kept: 0, dropped: 0, perKind: {} };
  const ended = r.endedAt !== undefined && (r.result !== undefined || r.error !== undefined);
  const end: RecordingEnd | undefined = ended ? {
    type: 'end', endedAt: r.endedAt as number, outcome: r.error ? 'error' : 'done',
    ...(r.result ? { result: r.result } : {}), ...(r.error ? { error: r.error } : {}),
    ...(r.budgetFailure ? { budgetFailure: r.budgetFailure } : {}),
    samples: { seen: r.samples.length, kept: r.samples.length }, events,
  } : undefined;
  return {
    header, samples: [...r.samples], events: [], ...(end ? { end } : {}), eventTotals: events, samplesSeen: r.samples.length,
    sampled: { samples: false, events: false }, complete: end !== undefined, truncated: false, notes: [],
  };
}

/** A recording as the panel's RunRecord (its history, the JSON/CSV exports). */
export function runRecordFromRecording(rec: Recording): RunRecord {
  const h = rec.header;
  const e = rec.end;
  return {
    id: h.id, label: h.label, startedAt: h.startedAt, parameters: h.parameters, samples: rec.samples,
    ...(e ? { endedAt: e.endedAt } : {}),
    ...(e?.result ? { result: e.result } : {}),
    ...(e?.error ? { error: e.error } : {}),
    ...(e?.budgetFailure ? { budgetFailure: e.budgetFailure } : {}),
    ...(!e ? { error: { code: 'crashed' as const, message: rec.truncated ? 'the recording ends early: its writer stopped (a crash or a kill)' : 'the recording has no end: the run did not finish' } } : {}),
  };
}

interface DecompressionStreamLike {
  readonly writable: { getWriter(): { write(chunk: Uint8Array): Promise<void>; close(): Promise<void> } };
  readonly readable: { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }> } };
}

/**
 * Reads a recording from bytes, plain or gzip-compressed (decompressed with
 * the platform's DecompressionStream: Node 18+, browsers, VS Code's webviews).
 * A compressed file cut short keeps what decompresses before the cut.
 */
export async function readRecording(bytes: Uint8Array, limit = MAX_RECORDING_BYTES): Promise<ParseRecordingResult> {
  if (!isGzip(bytes)) return parseRecording(bytes);
  const DS = (globalThis as { DecompressionStream?: new (format: 'gzip') => DecompressionStreamLike }).DecompressionStream;
  if (!DS) return fail('the recording is gzip-compressed and this platform cannot decompress it (no DecompressionStream)');
  const ds = new DS('gzip');
  const writer = ds.writable.getWriter();
  // Errors surface on the reader; the writer's promises are observed so none is left unhandled.
  writer.write(bytes).catch(() => undefined);
  writer.close().catch(() => undefined);
  const reader = ds.readable.getReader();
  const chunks: Uint8Array[] = [];
  let cut = false;
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!value) continue;
      size += value.length;
      // A small file can decompress to gigabytes: stop at the bound, not when memory runs out.
      if (size > limit) return tooLarge(size, limit);
      chunks.push(value);
    }
  } catch {
    cut = true;
  }
  if (size === 0 && cut) return fail('the compressed recording is damaged or cut before anything decompressed');
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  // A cut stream can end inside a UTF-8 sequence: decode leniently then, the cut line is left out anyway.
  const text = new TextDecoder('utf-8', { fatal: !cut }).decode(all);
  const r = parseRecording(text);
  if (r.ok && cut) r.recording.notes.push(l10n.t('the compressed file was cut: what decompressed before the cut was read'));
  return r;
}
