// Validation of every message that crosses a process or webview boundary.
// Each parser takes `unknown` and returns the typed message or a reason;
// nothing that fails here is acted upon. Pure: bundled everywhere.

import { parseLatencySummary, parseResidency, parseRunInsight, type LatencySummary, type Residency } from './insight';
import {
  ERROR_CODES, EVENT_KINDS, GROWTHS, MODES, OFFSET_BITS, PHASES, PROTOCOL_VERSION, SCENARIOS, STEP_TARGETS, VIEWS,
  type BudgetFailure, type Budgets, type FromCompareView, type FromRecordingView, type FromRunner, type FromWebview, type MemMapEvent,
  type ProcessFigures, type RunResult, type StartMessage, type StepTarget, type ToRunner, type VerifyFailure,
} from './protocol';
import { checkBudgetFields, parseBudgetFailure, parseBudgetRequest, parseBudgets } from './budgets';
import { COUNTER_KEYS, SEED_COUNTER_KEYS } from './counters';

import type { Parsed } from './parsed';
export type { Parsed };

const MAX_STEP = 1_000_000_000;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
function fail<T>(reason: string): Parsed<T> {
  return { ok: false, reason };
}
function short(x: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(x) ?? String(x);
  } catch {
    text = String(x);
  }
  return text.length > 120 ? `${text.slice(0, 120)}… (${text.length} chars)` : text;
}
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= MAX_STEP;
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const isStepTarget = (x: unknown): x is StepTarget => (STEP_TARGETS as readonly unknown[]).includes(x);

/** Step arguments: {count} or {until}, not both. */
export function parseStep(count: unknown, until: unknown): Parsed<{ count?: number; until?: StepTarget }> {
  if (count !== undefined && until !== undefined) return fail('step takes count or until, not both');
  if (count !== undefined && !isCount(count)) return fail(`step count ${short(count)} is not allowed; allowed: a whole number from 1 to ${MAX_STEP}`);
  if (until !== undefined && !isStepTarget(until)) return fail(`step until ${short(until)} is not allowed; allowed: ${STEP_TARGETS.join(', ')}`);
  return { ok: true, value: count !== undefined ? { count } : until !== undefined ? { until } : { count: 1 } };
}

/**
 * A start as the runner receives it: its parameters are checked by the runner
 * itself (validateParameters needs the OS page size), so here they are only
 * known to be an object.
 */
export type ReceivedStart = Omit<StartMessage, 'parameters'> & { parameters: Record<string, unknown> };
export type ReceivedToRunner = Exclude<ToRunner, StartMessage> | ReceivedStart;

/** Runner side: messages from the extension. Parameters are validated by the caller. */
export function parseToRunner(x: unknown): Parsed<ReceivedToRunner> {
  if (!isObject(x)) return fail(`message ${short(x)} is not an object`);
  switch (x.type) {
    case 'start': {
      const { parameters, paused, events, allEvents, budgets, memoryEnforcement } = x;
      if (!isObject(parameters)) return fail('start needs parameters');
      if (paused !== undefined && typeof paused !== 'boolean') return fail('start.paused must be a boolean');
      if (events !== undefined && typeof events !== 'boolean') return fail('start.events must be a boolean');
      if (allEvents !== undefined && typeof allEvents !== 'boolean') return fail('start.allEvents must be a boolean');
      const value: ReceivedStart = { type: 'start', parameters };
      if (paused !== undefined) value.paused = paused;
      if (events !== undefined) value.events = events;
      if (allEvents !== undefined) value.allEvents = allEvents;
      if (budgets !== undefined) {
        const b = parseBudgetRequest(budgets);
        if (!b.ok) return fail(`start.${b.reason}`);
        if (b.value !== undefined) value.budgets = b.value;
      }
      if (memoryEnforcement !== undefined && (typeof memoryEnforcement !== 'string' || memoryEnforcement.length > 2000)) {
        return fail('start.memoryEnforcement must be text (at most 2000 characters)');
      }
      if (memoryEnforcement !== undefined) value.memoryEnforcement = memoryEnforcement;
      return { ok: true, value };
    }
    case 'pause':
    case 'resume':
    case 'cancel':
      return { ok: true, value: { type: x.type } };
    case 'step': {
      const s = parseStep(x.count, x.until);
      return s.ok ? { ok: true, value: { type: 'step', ...s.value } } : s;
    }
    default:
      return fail(`unknown message type ${short(x.type)}`);
  }
}

/** Every key a number that is finite and not negative (all runner figures are counts, sizes or times). */
function numbersIn(x: unknown, keys: readonly string[]): x is Record<string, number> {
  return isObject(x) && keys.every((k) => isNum(x[k]));
}
/** The first key whose value is not such a number, for the reason. */
function badNumber(x: unknown, keys: readonly string[]): string | undefined {
  if (!isObject(x)) return '(not an object)';
  return keys.find((k) => !isNum(x[k]));
}

// The counters come from their table (counters.ts): all of them in a sample, the seed's in a result.
const SEED_STATS_KEYS = SEED_COUNTER_KEYS;
const RESULT_PROCESS_KEYS = ['peakRssBytes', 'virtualBytes', 'minorFaults', 'majorFaults'] as const;
const PROCESS_KEYS = ['rssBytes', ...RESULT_PROCESS_KEYS, 'diskBytes'] as const;
const TOTALS_KEYS = ['minorFaults', 'majorFaults', 'peakRssBytes'] as const;
const HELLO_KEYS = ['pid', 'pageSize', 'granularity'] as const;
const SAMPLE_KEYS = ['elapsedMs', 'ops', 'opsTotal', 'items', 'itemsTotal'] as const;
const EVENT_KEYS = ['seq', 'op', 'offset', 'size', 'oldSize', 'newSize', 'bytesCopied'] as const;
const RESULT_KEYS = ['items', 'viewSize', 'initialFileSize', 'granularity', 'elapsedMs'] as const;
const FAILURE_KEYS = ['item', 'offset', 'expected', 'found'] as const;
const STATES = ['running', 'pausing', 'paused', 'idle'] as const;

/** The numeric fields of each runner message kind, for tests and documentation. */
export const RUNNER_NUMERIC_FIELDS = {
  hello: HELLO_KEYS, sample: SAMPLE_KEYS, 'sample.counters': COUNTER_KEYS, 'sample.process': PROCESS_KEYS,
  'sample.process.processTotals': TOTALS_KEYS, event: ['dropped'], 'event.events[]': EVENT_KEYS, state: ['ops'],
  'done.result': RESULT_KEYS, 'done.result.stats': SEED_STATS_KEYS, 'done.result.process': RESULT_PROCESS_KEYS,
  'done.result.process.processTotals': TOTALS_KEYS, 'done.failure': FAILURE_KEYS, 'error.failure': FAILURE_KEYS,
} as const;

/** The named numbers of x, each finite and not negative; undefined when one is not. */
function numbersOf<K extends string>(x: unknown, keys: readonly K[]): Record<K, number> | undefined {
  if (!isObject(x)) return undefined;
  const out = {} as Record<K, number>; // each key is written below, or undefined is returned
  for (const k of keys) {
    const v = x[k];
    if (!isNum(v)) return undefined;
    out[k] = v;
  }
  return out;
}

/** The entry of `choices` equal to x (the typed value), or undefined. */
function oneOf<T>(choices: readonly T[], x: unknown): T | undefined {
  return choices.find((c) => c === x);
}

/** The budgets of a checked message part (checkBudgetFields passed), when it has them. */
function budgetsOf(x: unknown): { budgets?: Budgets } {
  if (x === undefined) return {};
  const b = parseBudgets(x);
  return b.ok ? { budgets: b.value } : {};
}
function budgetFailureOf(x: unknown): { budgetFailure?: BudgetFailure } {
  if (x === undefined) return {};
  const b = parseBudgetFailure(x);
  return b.ok ? { budgetFailure: b.value } : {};
}
function failureOf(x: unknown): { failure?: VerifyFailure } {
  const f = x === undefined ? undefined : numbersOf(x, FAILURE_KEYS);
  return f ? { failure: f } : {};
}

/** A process-figures object whose numbers were checked, built with its totals. */
function processOf<K extends keyof ProcessFigures & string>(x: unknown, keys: readonly K[]): (Record<K, number> & Pick<ProcessFigures, 'processTotals'>) | undefined {
  const nums = numbersOf(x, keys);
  const totals = isObject(x) ? numbersOf(x.processTotals, TOTALS_KEYS) : undefined;
  return nums && totals ? { ...nums, processTotals: totals } : undefined;
}

/** A result object (resultBad found nothing) with its settings checked too, or what is wrong. */
function resultOf(r: Record<string, unknown>): RunResult | string {
  const scenario = oneOf(SCENARIOS, r.scenario);
  const mode = oneOf(MODES, r.mode);
  const offsetBits = oneOf(OFFSET_BITS, r.offsetBits);
  const growth = oneOf(GROWTHS, r.growth);
  const view = oneOf(VIEWS, r.view);
  const nums = numbersOf(r, RESULT_KEYS);
  const stats = numbersOf(r.stats, SEED_STATS_KEYS);
  const proc = processOf(r.process, RESULT_PROCESS_KEYS);
  if (scenario === undefined) return 'scenario';
  if (mode === undefined) return 'mode';
  if (offsetBits === undefined) return 'offsetBits';
  if (growth === undefined) return 'growth';
  if (view === undefined) return 'view';
  if (typeof r.prefault !== 'boolean') return 'prefault';
  if (typeof r.verified !== 'boolean') return 'verified';
  if (!nums || !stats || !proc) return 'result';
  const result: RunResult = {
    scenario, mode, offsetBits, ...nums, growth, view, prefault: r.prefault, verified: r.verified, stats, process: proc, ...budgetsOf(r.budgets),
  };
  const insight = parseRunInsight(r);
  if (!insight.ok) return insight.reason;
  if (insight.value) Object.assign(result, insight.value);
  if (r.error !== undefined) {
    const e = r.error;
    const code = isObject(e) ? oneOf(ERROR_CODES, e.code) : undefined;
    if (!isObject(e) || code === undefined || typeof e.message !== 'string') return 'error';
    result.error = { code, message: e.message, ...budgetFailureOf(e.budgetFailure) };
  }
  return result;
}

/** A verify failure, when present: four numbers. */
function failureOk(f: unknown): boolean {
  return f === undefined || numbersIn(f, FAILURE_KEYS);
}

/** What is wrong with a result object (a finished run's, or the counters a budget's wall kept), or undefined. */
function resultBad(r: unknown): string | undefined {
  if (!isObject(r)) return 'result';
  return badNumber(r, RESULT_KEYS) ?? prefixed('stats', badNumber(r.stats, SEED_STATS_KEYS))
    ?? prefixed('process', badNumber(r.process, RESULT_PROCESS_KEYS))
    ?? prefixed('process.processTotals', badNumber(isObject(r.process) ? r.process.processTotals : undefined, TOTALS_KEYS))
    ?? (typeof r.verified !== 'boolean' ? 'verified' : undefined);
}

/** Extension side: messages from the runner process. */
export function parseFromRunner(x: unknown): Parsed<FromRunner> {
  if (!isObject(x)) return fail(`message ${short(x)} is not an object`);
  let bad: string | undefined;
  switch (x.type) {
    case 'hello':
      if (x.protocolVersion !== PROTOCOL_VERSION) return fail(`protocol version ${short(x.protocolVersion)} is not ${PROTOCOL_VERSION}`);
      if (typeof x.libraryVersion !== 'string' || typeof x.platform !== 'string' || (bad = badNumber(x, HELLO_KEYS)) !== undefined) {
        return fail(`hello lacks libraryVersion, platform, or a number not below 0 for ${bad ?? 'pid, pageSize, granularity'}`);
      }
      if (typeof x.arch !== 'string') return fail('hello lacks arch (text)');
      {
        const nums = numbersOf(x, HELLO_KEYS);
        if (!nums) return fail('hello lacks pid, pageSize or granularity');
        return { ok: true, value: { type: 'hello', protocolVersion: PROTOCOL_VERSION, platform: x.platform, arch: x.arch, libraryVersion: x.libraryVersion, ...nums } };
      }
    case 'sample': {
      const proc = x.process;
      bad = badNumber(x, SAMPLE_KEYS) ?? prefixed('counters', badNumber(x.counters, COUNTER_KEYS))
        ?? prefixed('process', badNumber(proc, PROCESS_KEYS))
        ?? prefixed('process.processTotals', badNumber(isObject(proc) ? proc.processTotals : undefined, TOTALS_KEYS));
      const phase = oneOf(PHASES, x.phase);
      if (bad !== undefined || phase === undefined) {
        return fail(`sample lacks elapsedMs, ops, phase, counters or process figures (${bad ?? 'phase'}: a finite number not below 0 expected)`);
      }
      if ((bad = checkBudgetFields(x)) !== undefined) return fail(`sample: ${bad}`);
      const head = numbersOf(x, SAMPLE_KEYS);
      const counters = numbersOf(x.counters, COUNTER_KEYS);
      const figures = processOf(proc, PROCESS_KEYS);
      if (!head || !counters || !figures) return fail('sample lacks elapsedMs, ops, phase, counters or process figures');
      let residency: { residency?: Residency } = {};
      if (x.residency !== undefined) {
        const r = parseResidency(x.residency);
        if (!r.ok) return fail(`sample: ${r.reason}`);
        residency = { residency: r.value };
      }
      let latency: { latency?: LatencySummary } = {};
      if (x.latency !== undefined) {
        const l = parseLatencySummary(x.latency);
        if (!l.ok) return fail(`sample: ${l.reason}`);
        latency = { latency: l.value };
      }
      return { ok: true, value: { type: 'sample', ...head, phase, counters, process: figures, ...budgetsOf(x.budgets), ...residency, ...latency } };
    }
    case 'event':
      if (!Array.isArray(x.events) || !isNum(x.dropped)) return fail('event needs events[] and dropped (a finite number not below 0)');
      {
        const events: MemMapEvent[] = [];
        for (const e of x.events) {
          const kind = isObject(e) ? oneOf(EVENT_KINDS, e.kind) : undefined;
          const strategy = isObject(e) ? oneOf(GROWTHS, e.strategy) : undefined;
          const nums = numbersOf(e, EVENT_KEYS);
          if (!isObject(e) || kind === undefined || strategy === undefined || typeof e.address !== 'string' || !nums) {
            return fail('event has a malformed entry');
          }
          events.push({ ...nums, kind, address: e.address, strategy });
        }
        return { ok: true, value: { type: 'event', events, dropped: x.dropped } };
      }
    case 'state': {
      const state = oneOf(STATES, x.state);
      if (state === undefined || !isNum(x.ops)) return fail('state needs state and ops');
      return { ok: true, value: { type: 'state', state, ops: x.ops } };
    }
    case 'done': {
      bad = resultBad(x.result);
      if (bad !== undefined || !failureOk(x.failure)) {
        return fail(`done needs a result with stats, process figures and verified (${bad === undefined || bad === 'verified' ? 'verified or failure' : bad})`);
      }
      if ((bad = checkBudgetFields(x)) !== undefined) return fail(`done: ${bad}`);
      const result = isObject(x.result) ? resultOf(x.result) : 'result';
      if (typeof result === 'string') return fail(`done needs a result with stats, process figures and verified (${result})`);
      return { ok: true, value: { type: 'done', result, ...failureOf(x.failure) } };
    }
    case 'error':
      if (!(ERROR_CODES as readonly unknown[]).includes(x.code) || typeof x.message !== 'string') return fail('error needs a known code and a message');
      if (!failureOk(x.failure)) return fail('error.failure needs item, offset, expected and found');
      // A budget's wall: where it was hit, and the counters reached (issue 15).
      if (x.result !== undefined && (bad = resultBad(x.result)) !== undefined) return fail(`error.result needs stats, process figures and verified (${bad})`);
      if ((bad = checkBudgetFields(x)) !== undefined) return fail(`error: ${bad}`);
      {
        const code = oneOf(ERROR_CODES, x.code);
        const result = isObject(x.result) ? resultOf(x.result) : undefined;
        if (code === undefined || typeof x.message !== 'string') return fail('error needs a known code and a message');
        if (typeof result === 'string') return fail(`error.result needs stats, process figures and verified (${result})`);
        return {
          ok: true,
          value: { type: 'error', code, message: x.message, ...failureOf(x.failure), ...budgetFailureOf(x.budgetFailure), ...(result ? { result } : {}) },
        };
      }
    default:
      return fail(`unknown message type ${short(x.type)}`);
  }
}

function prefixed(prefix: string, key: string | undefined): string | undefined {
  return key === undefined ? undefined : `${prefix}.${key}`;
}

const MAX_WEBVIEW_MESSAGE = 64 * 1024;
/** A PNG of the charts is the one large message a panel sends. */
const MAX_PNG_MESSAGE = 16 * 1024 * 1024;
const PNG_PREFIX = 'data:image/png;base64,';

/** Extension side: messages from the webview, which is treated as untrusted. */
export function parseFromWebview(x: unknown): Parsed<FromWebview> {
  if (!isObject(x)) return fail(`message ${short(x)} is not an object`);
  if (x.type === 'exportPng') {
    const url = x.dataUrl;
    if (typeof url !== 'string' || !url.startsWith(PNG_PREFIX)) return fail('exportPng needs a data:image/png;base64 URL');
    if (url.length > MAX_PNG_MESSAGE) return fail(`exportPng image of ${url.length} chars is larger than ${MAX_PNG_MESSAGE}`);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(url.slice(PNG_PREFIX.length))) return fail('exportPng image is not base64');
    if (Object.keys(x).length !== 2) return fail('exportPng takes only dataUrl');
    return { ok: true, value: { type: 'exportPng', dataUrl: url } };
  }
  let size: number;
  try {
    size = JSON.stringify(x).length;
  } catch {
    return fail('message cannot be serialised');
  }
  if (size > MAX_WEBVIEW_MESSAGE) return fail(`message of ${size} chars is larger than ${MAX_WEBVIEW_MESSAGE}`);
  switch (x.type) {
    case 'ready':
    case 'pause':
    case 'resume':
    case 'stop':
    case 'reset':
      return { ok: true, value: { type: x.type } };
    case 'run':
      if (!isObject(x.parameters)) return fail('run needs parameters');
      if (x.paused !== undefined && typeof x.paused !== 'boolean') return fail('run.paused must be a boolean');
      return { ok: true, value: { type: 'run', parameters: x.parameters, paused: x.paused === true } };
    case 'step':
      return { ok: true, value: { type: 'step', count: x.count, until: x.until } };
    case 'clearHistory':
      return { ok: true, value: { type: 'clearHistory' } };
    case 'openHelp':
      return { ok: true, value: { type: 'openHelp' } };
    case 'deleteRun':
      if (typeof x.id !== 'string' || !/^[\w-]{1,64}$/.test(x.id)) return fail(`deleteRun id ${short(x.id)} is not allowed; allowed: a run id`);
      return { ok: true, value: { type: 'deleteRun', id: x.id } };
    case 'saveRecording':
    case 'loadCurves':
      if (typeof x.id !== 'string' || !/^[\w-]{1,64}$/.test(x.id)) return fail(`${x.type} id ${short(x.id)} is not allowed; allowed: a run id`);
      return { ok: true, value: { type: x.type, id: x.id } };
    case 'exportHistory':
      if (x.format !== 'json' && x.format !== 'csv') return fail('exportHistory format must be json or csv');
      return { ok: true, value: { type: 'exportHistory', format: x.format } };
    default:
      return fail(`unknown message type ${short(x.type)}`);
  }
}

/** Extension side: messages from the recording editor's webview (untrusted). A position is checked against the timeline later. */
export function parseFromRecordingView(x: unknown): Parsed<FromRecordingView> {
  if (!isObject(x)) return fail(`message ${short(x)} is not an object`);
  switch (x.type) {
    case 'ready':
    case 'compare':
      if (Object.keys(x).length !== 1) return fail(`${x.type} takes no fields`);
      return { ok: true, value: { type: x.type } };
    case 'scrub': {
      const keys = Object.keys(x).filter((k) => k !== 'type');
      const key = keys[0];
      if (keys.length !== 1 || (key !== 'position' && key !== 'op')) return fail('scrub takes one of position or op');
      const v = x[key];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
        return fail(`scrub ${key} ${short(v)} is not allowed; allowed: a whole number from 0`);
      }
      return { ok: true, value: key === 'op' ? { type: 'scrub', op: v } : { type: 'scrub', position: v } };
    }
    default:
      return fail(`unknown message type ${short(x.type)}; allowed: ready, scrub, compare`);
  }
}

/** Extension side: messages from the comparison's webview (untrusted). */
export function parseFromCompareView(x: unknown): Parsed<FromCompareView> {
  if (!isObject(x)) return fail(`message ${short(x)} is not an object`);
  switch (x.type) {
    case 'ready':
      return { ok: true, value: { type: 'ready' } };
    case 'align':
      if (x.by !== 'ops' && x.by !== 'time') return fail(`align by ${short(x.by)} is not allowed; allowed: ops, time`);
      return { ok: true, value: { type: 'align', by: x.by } };
    default:
      return fail(`unknown message type ${short(x.type)}; allowed: ready, align`);
  }
}
