// Workspace scenario files (`*.memmap.json`): one scenario object or a list
// of them. Parses the text, finds each scenario's range in it (so the Test
// Explorer puts run buttons in the gutter), and validates every scenario with
// the one parameter validation. Pure: no vscode import; never throws. The
// messages go through @vscode/l10n (the Test Explorer shows them in the
// display language; unconfigured, they are the English source text).

import * as l10n from '@vscode/l10n';
import { describe, errorsToText, FIELDS, validateParameters } from './parameters';
import { BUDGET_KINDS, type BudgetKind, type BudgetRequest, type RunParameters, type RunResult } from './protocol';
import { budgetRequestFrom } from './budgets';
import { SEED_COUNTER_KEYS, type SeedCounterKey } from './counters';

export interface TextPosition { line: number; character: number }
export interface TextRange { start: TextPosition; end: TextPosition }

/** The counters an `expect` may name: the seed's (common/counters.ts), those a result carries. */
export const EXPECT_COUNTER_KEYS = SEED_COUNTER_KEYS;

/**
 * `expect`: counters the run must end with, optionally whether it verifies,
 * and `wall`: the budget whose wall the run must end at (issue 15).
 */
export type Expectation = Partial<Record<SeedCounterKey, number>> & { verified?: boolean; wall?: BudgetKind };

/** Keys of a scenario object besides the run parameters. */
const OWN_KEYS = ['name', 'iterations', 'expect', 'addressBudget', 'memoryBudget', '$schema'] as const;
/**
 * Keys that name Object.prototype machinery. JSON.parse makes `__proto__` an
 * ordinary own key, but copying it into a plain object with `obj[key] = v`
 * would set that object's prototype, and every field read would see through it.
 */
const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
export const MAX_ITERATIONS = 1000;

export interface ScenarioEntry {
  /** The scenario's name; "#N" (1-based position) when it has none. */
  name: string;
  index: number;
  range: TextRange;
  /** The run parameters as written (for validation again with the real page size). */
  raw: Record<string, unknown>;
  iterations: number;
  expect?: Expectation;
  /** The run's budgets (addressBudget, memoryBudget; issue 15). */
  budgets?: BudgetRequest;
  /** Why this scenario cannot run (missing name, invalid parameters, bad expect, ...). */
  error?: string;
  /** Validated parameters when there is no error. */
  parameters?: RunParameters;
}

export interface ScenarioFile {
  scenarios: ScenarioEntry[];
  /** The whole file is unusable (not JSON, not an object or list). */
  error?: { message: string; range: TextRange };
}

export interface ScenarioFileContext {
  /**
   * Makes a `diskDir` absolute: a relative one against the workspace folder
   * that holds the file (its own folder when it is in none); undefined when it
   * cannot (a relative diskDir and no such folder): then it is an error. The
   * extension passes its path-aware resolver (extension/settings.ts); without
   * one, only an absolute path is kept.
   */
  resolveDirectory?: (dir: string) => string | undefined;
}

/** Without a resolver: an absolute POSIX or Windows path is kept as it is, a relative one cannot be resolved. */
function absoluteOnly(dir: string): string | undefined {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(dir) ? dir : undefined;
}

/**
 * Parses one scenario file. `defaults` fill the parameters a scenario does
 * not give (the seed's, plus this machine's disk directory).
 */
export function parseScenarioFile(text: string, pageSize: number, defaults: Readonly<RunParameters>, context: ScenarioFileContext = {}): ScenarioFile {
  const src = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text; // keep offsets
  const lines = lineStarts(src);
  const rangeOf = (start: number, end: number): TextRange => ({ start: toPosition(lines, start), end: toPosition(lines, end) });
  const wholeFile = rangeOf(0, src.length);

  if (src.trim() === '') return { scenarios: [], error: { message: l10n.t('the file is empty; allowed: a scenario object or a list of them'), range: wholeFile } };
  let value: unknown;
  try {
    value = JSON.parse(src, toNullPrototype);
  } catch (err) {
    const message = (err as Error).message;
    const m = /position (\d+)/.exec(message);
    const at = m ? Math.min(Number(m[1]), src.length) : src.length;
    return { scenarios: [], error: { message: l10n.t('not valid JSON: {0}', message), range: rangeOf(at, at) } };
  }

  const spans = topLevelSpans(src);
  let elements: unknown[];
  let elementSpans: Array<[number, number]>;
  if (Array.isArray(value)) {
    elements = value;
    elementSpans = spans.elements;
  } else if (typeof value === 'object' && value !== null) {
    elements = [value];
    elementSpans = [spans.whole];
  } else {
    return { scenarios: [], error: { message: l10n.t('the file holds {0}; allowed: a scenario object or a list of them', describe(value)), range: wholeFile } };
  }

  const seen = new Set<string>();
  const scenarios = elements.map((element, index) => {
    const span = elementSpans[index] ?? spans.whole;
    const entry = parseScenario(element, index, pageSize, defaults, context);
    entry.range = rangeOf(span[0], span[1]);
    if (seen.has(entry.name) && !entry.error) entry.error = l10n.t('the name {0} is used twice in this file; allowed: a unique name per scenario', JSON.stringify(entry.name));
    seen.add(entry.name);
    return entry;
  });
  return { scenarios };
}

function parseScenario(element: unknown, index: number, pageSize: number, defaults: Readonly<RunParameters>, context: ScenarioFileContext): ScenarioEntry {
  const entry: ScenarioEntry = {
    name: `#${index + 1}`, index, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    raw: Object.create(null) as Record<string, unknown>, iterations: 1,
  };
  if (typeof element !== 'object' || element === null || Array.isArray(element)) {
    entry.error = l10n.t('scenario {0} is {1}; allowed: an object with a name and run parameters', entry.name, describe(element));
    return entry;
  }
  const obj = element as Record<string, unknown>;
  const problems: string[] = [];
  const ownKeys = OWN_KEYS.filter((k) => k !== '$schema').join(', ');
  for (const key of Object.keys(obj)) {
    if (RESERVED_KEYS.includes(key)) {
      problems.push(l10n.t('key {0} is not allowed in a scenario; allowed: {1} and the run parameters', JSON.stringify(key), ownKeys));
    } else if (!(OWN_KEYS as readonly string[]).includes(key) && !(FIELDS as readonly string[]).includes(key)) {
      // Named here, with the scenario's own keys, not by the parameter validation (which knows only the run parameters).
      problems.push(l10n.t('key {0} is not allowed in a scenario; allowed: {1} and the run parameters ({2})', JSON.stringify(key), ownKeys, FIELDS.join(', ')));
    }
  }
  if (typeof obj.name === 'string' && obj.name.trim() !== '') entry.name = obj.name.trim();
  else problems.push(obj.name === undefined ? l10n.t('name is missing; allowed: a non-empty string') : l10n.t('name {0} is not allowed; allowed: a non-empty string', describe(obj.name)));

  if (obj.iterations !== undefined) {
    const n = obj.iterations;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_ITERATIONS) entry.iterations = n;
    else problems.push(l10n.t('iterations {0} is not allowed; allowed: a whole number from 1 to {1}', describe(n), MAX_ITERATIONS));
  }
  if (obj.addressBudget !== undefined || obj.memoryBudget !== undefined) {
    const b = budgetRequestFrom({ addressBudget: obj.addressBudget, memoryBudget: obj.memoryBudget });
    if (b.ok) entry.budgets = b.value;
    else problems.push(...b.reason);
  }
  if (obj.expect !== undefined) {
    const e = parseExpectation(obj.expect);
    if (typeof e === 'string') problems.push(e);
    else entry.expect = e;
  }
  for (const [key, v] of Object.entries(obj)) {
    if ((FIELDS as readonly string[]).includes(key)) entry.raw[key] = v;
  }
  const dir = entry.raw.diskDir;
  if (typeof dir === 'string' && dir !== '' && dir.length <= 4096 && !dir.includes('\0')) {
    const absolute = (context.resolveDirectory ?? absoluteOnly)(dir);
    if (absolute === undefined) problems.push(l10n.t('diskDir {0} is a relative path and the file is in no workspace folder; allowed: an absolute path, or a path relative to the file\'s workspace folder', describe(dir)));
    else entry.raw.diskDir = absolute;
  }
  const v = validateParameters(entry.raw, pageSize, defaults);
  if (!v.ok) problems.push(errorsToText(v.reason));
  if (problems.length > 0) entry.error = problems.join('\n');
  else if (v.ok) entry.parameters = v.value; // parameters only for a scenario that can run
  return entry;
}

function parseExpectation(x: unknown): Expectation | string {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return l10n.t('expect {0} is not allowed; allowed: an object of counters ({1}) and verified', describe(x), EXPECT_COUNTER_KEYS.join(', '));
  const out: Expectation = {}; // only the checked keys below are ever written
  for (const [key, v] of Object.entries(x as Record<string, unknown>)) {
    if (key === 'verified') {
      if (typeof v !== 'boolean') return l10n.t('expect.verified {0} is not allowed; allowed: true or false', describe(v));
      out.verified = v;
    } else if (key === 'wall') {
      if (!(BUDGET_KINDS as readonly unknown[]).includes(v)) return l10n.t('expect.wall {0} is not allowed; allowed: {1} (the budget whose wall the run must end at)', describe(v), BUDGET_KINDS.join(' or '));
      out.wall = v as BudgetKind;
    } else if ((EXPECT_COUNTER_KEYS as readonly string[]).includes(key)) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return l10n.t('expect.{0} {1} is not allowed; allowed: a whole number, 0 or more', key, describe(v));
      out[key as SeedCounterKey] = v;
    } else {
      return l10n.t('unknown counter {0} in expect; allowed: {1}, verified, wall', JSON.stringify(key), EXPECT_COUNTER_KEYS.join(', '));
    }
  }
  return out;
}

/**
 * JSON.parse reviver: every object becomes a null-prototype object with the
 * same own keys (a `__proto__` key stays an ordinary key), so no field read
 * can fall through to Object.prototype or to a planted prototype.
 */
function toNullPrototype(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(value)) {
    Object.defineProperty(out, k, { value: (value as Record<string, unknown>)[k], enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export interface Mismatch { what: string; expected: string; actual: string }

/** Where a result differs from the expectation; empty when it meets it. */
export function compareExpectation(expect: Expectation | undefined, result: RunResult): Mismatch[] {
  if (!expect) return [];
  const out: Mismatch[] = [];
  if (expect.verified !== undefined && expect.verified !== result.verified) {
    out.push({ what: 'verified', expected: String(expect.verified), actual: String(result.verified) });
  }
  for (const key of EXPECT_COUNTER_KEYS) {
    const want = expect[key];
    if (want !== undefined && want !== result.stats[key]) out.push({ what: key, expected: String(want), actual: String(result.stats[key]) });
  }
  return out;
}

/** Offsets of the top-level value and, when it is a list, of each element. Text must be valid JSON. */
function topLevelSpans(text: string): { whole: [number, number]; elements: Array<[number, number]> } {
  const elements: Array<[number, number]> = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let current = -1;
  let first = -1;
  let lastNonWs = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') {
        inString = false;
        lastNonWs = i;
      }
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (first < 0) first = i;
    if (depth === 1 && current < 0 && c !== ',' && c !== ']' && c !== '}') current = i;
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0 && current >= 0) {
        elements.push([current, lastNonWs + 1]);
        current = -1;
      }
    } else if (c === ',' && depth === 1) {
      if (current >= 0) elements.push([current, lastNonWs + 1]);
      current = -1;
    }
    lastNonWs = i;
  }
  return { whole: [Math.max(0, first), lastNonWs + 1], elements };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function toPosition(starts: number[], offset: number): TextPosition {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
}
