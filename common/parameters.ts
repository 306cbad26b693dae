// Run parameters: defaults, parsing and the one validation used by every
// entry point (CLI flags, settings, scenario files, panel inputs, messages).
// Pure: no Node or VS Code imports, so the webview bundles it too.
// The words (field labels, tooltips, the checks' messages) go through
// @vscode/l10n when they are read or made: the extension and the webviews
// configure it with the display language's bundle; the CLI never does, so its
// messages stay the English source text.

import * as l10n from '@vscode/l10n';

import {
  GROWTHS, MODES, OFFSET_BITS, SCENARIOS, VIEWS,
  type Growth, type Mode, type OffsetBits, type RunParameters, type Scenario, type ViewKind,
} from './protocol';
import { formatBytes } from './format';
import type { Parsed } from './parsed';

export const KIB = 1024;
export const MIB = 1024 * KIB;
export const GIB = 1024 * MIB;

/** The seed's AllocationGranularity. */
export const SEED_GRANULARITY = 64 * KIB;

/** The seed's defaults: DoTest(initialsize = 65536, initialViewSize = 2 * 65536), DEBUG item count. */
export const DEFAULT_PARAMETERS: Readonly<RunParameters> = Object.freeze({
  scenario: 'grow',
  mode: 'pagefile',
  items: 100_000,
  viewSize: 2 * SEED_GRANULARITY,
  initialFileSize: SEED_GRANULARITY,
  granularity: SEED_GRANULARITY,
  offsetBits: 32,
  growth: 'seed',
  view: 'sliding',
  prefault: false,
  seed: 1,
  coldVerify: false,
});

export const LIMITS = {
  maxItems: 1_000_000_000,
  maxGranularity: GIB,
  maxViewSize: 64 * GIB,
  maxFileSize: 64 * 1024 * GIB, // 64 TiB
  fourGiB: 4 * GIB,
  maxSeed: 0xffff_ffff,
} as const;

/** The panel's field labels: what its messages call the fields. */
export const FIELD_LABELS: Readonly<Record<keyof RunParameters, string>> = Object.freeze({
  get scenario() { return l10n.t('Scenario'); },
  get mode() { return l10n.t('Mode'); },
  get items() { return l10n.t('Items'); },
  get viewSize() { return l10n.t('View size'); },
  get initialFileSize() { return l10n.t('Initial file size'); },
  get granularity() { return l10n.t('Granularity'); },
  get offsetBits() { return l10n.t('Offset bits'); },
  get growth() { return l10n.t('Growth'); },
  get view() { return l10n.t('View'); },
  get prefault() { return l10n.t('Prefault'); },
  get diskDir() { return l10n.t('Disk directory'); },
  get seed() { return l10n.t('Seed'); },
  get coldVerify() { return l10n.t('Cold verify'); },
});

/**
 * The panel's explanation of each field, in a sentence or two: its tooltip. The
 * choices of growth, view and mode are explained one by one in CHOICE_HELP.
 */
export const FIELD_HELP: Readonly<Record<keyof RunParameters, string>> = Object.freeze({
  get scenario() { return l10n.t('What the run does: grow allocates every item and verifies them all (the seed\'s PerfMemMapGrowWith… tests); deletions allocates all, verifies, then frees all (MemMapWithDeletion…); random is the seed\'s mix of adds, deletes and read-backs (MemRand…); baseline stores the same items on the C heap without a mapped file (PerfGrowNoMemMap).'); },
  get mode() { return l10n.t('Where the mapped data lives.'); },
  get items() { return l10n.t('How many items (strings of i % 2000 characters) the run stores. Counts accept 3K, 1M, 100,000.'); },
  get viewSize() { return l10n.t('Size of the sliding view: the window of the file mapped at one time. A multiple of the granularity; ignored with a whole view.'); },
  get initialFileSize() { return l10n.t('Size of the mapping when the run starts; it doubles each time it is full, and each growth costs time. A multiple of the granularity; at most 4 GiB with 32-bit offsets.'); },
  get granularity() { return l10n.t('The heap\'s allocation granularity: the unit it maps views and grows the file in (the seed\'s AllocationGranularity, 64 KiB as on Windows). It must be a multiple of the OS page size, the unit the OS maps memory in, which is smaller (4 KiB on most machines).'); },
  get offsetBits() { return l10n.t('Width of the stored offsets (locators): 32 bits limit the file to 4 GiB (MemMap<UINT>), 64 bits reach beyond (MemMap<UINT64>).'); },
  get growth() { return l10n.t('How the mapping grows when it is full.'); },
  get view() { return l10n.t('How the data is viewed.'); },
  get prefault() { return l10n.t('Touch (populate) every page of each new view before use: more time spent mapping, fewer page faults afterwards. Off in the seed.'); },
  get diskDir() { return l10n.t('Directory of the disk file in disk mode; empty: the OS temp directory.'); },
  get seed() { return l10n.t('Seed of the random scenario\'s generator: the same seed does the same operations (the seed calls srand(1)).'); },
  get coldVerify() { return l10n.t('Evict the file\'s pages from memory before the verify phase, so the read-back measures the disk, not the page cache. Mapped scenarios only; the result says warm or cold and how the pages were evicted.'); },
});

/** The explanation of each choice of the fields that offer a list. */
export const CHOICE_HELP: Readonly<{ growth: Readonly<Record<Growth, string>>; view: Readonly<Record<ViewKind, string>>; mode: Readonly<Record<Mode, string>> }> = Object.freeze({
  growth: {
    get seed() { return l10n.t('seed: what the seed does. A page-file mapping grows into a new mapping of double size with a block-by-block copy through views; a disk file is extended and mapped again.'); },
    get copy() { return l10n.t('copy: a new backing of double size and one bulk copy of all the data.'); },
    get remap() { return l10n.t('remap: extend the backing in place and create the mapping again; nothing is copied.'); },
    get reserve() { return l10n.t('reserve: reserve the address space once and extend the mapping inside it; nothing is copied and addresses stay where they are.'); },
  },
  view: {
    get sliding() { return l10n.t('sliding: a view of View size bytes slides over the file (the seed\'s design: a 4 GiB process reaching 50 GB of data).'); },
    get whole() { return l10n.t('whole: the whole file is mapped at once; View size is ignored.'); },
  },
  mode: {
    get pagefile() { return l10n.t('page file: anonymous shared memory backed by the system paging file (the seed\'s MappingModePageFile).'); },
    get disk() { return l10n.t('disk file: a file on disk, extended to grow, removed when the run ends (the seed\'s MappingModeFileOnDisk).'); },
  },
});

/** A field's tooltip: its explanation, then each of its choices explained (growth, view, mode). */
export function fieldTooltip(key: keyof RunParameters): string {
  const choices = key === 'growth' || key === 'view' || key === 'mode' ? Object.values(CHOICE_HELP[key]) : [];
  return [FIELD_HELP[key], ...choices].join('\n');
}

export interface FieldError {
  field: keyof RunParameters | 'parameters';
  message: string;
}

/** "64K", "2M", "1.5G", "65536" -> bytes; undefined when it is not a size. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(?:i?[bB])?\s*$/.exec(text);
  // A decimal point only before a unit: "100.000" (a German thousands separator) is not 100 bytes.
  if (!m || (m[1].includes('.') && m[2] === '')) return undefined;
  const scale = { '': 1, k: KIB, m: MIB, g: GIB, t: 1024 * GIB }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const bytes = Number(m[1]) * scale;
  return Number.isFinite(bytes) ? Math.round(bytes) : undefined;
}

/**
 * A count as people write it: "100000", "100,000", "100_000", "3K", "1M", "1.5M", "2G"
 * (K, M, G are thousands, millions, billions: a count is not a size). undefined when
 * it is not a whole number, or has a decimal point with no K, M or G after it ("100.000", "1.0").
 */
export function parseCount(text: string): number | undefined {
  const m = /^\s*(\d{1,3}(?:,\d{3})+|\d+(?:_\d+)*)(?:\.(\d+))?\s*([kKmMgG]?)\s*$/.exec(text);
  // A decimal point only before K, M or G: "100.000" (a German thousands separator) is not 100 items.
  if (!m || (m[2] !== undefined && m[3] === '')) return undefined;
  const digits = { '': 0, k: 3, m: 6, g: 9 }[m[3].toLowerCase() as '' | 'k' | 'm' | 'g'];
  const whole = m[1].replace(/[,_]/g, '');
  // Exact decimal arithmetic on the digits: "1.5M" is 1,500,000; "1.5" or "1.0000005M" items are not whole.
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > digits) return undefined;
  const value = Number(whole + frac.padEnd(digits, '0'));
  return Number.isSafeInteger(value) ? value : undefined;
}

/** 65536 -> "64 KiB"; exact units only, so a message never rounds a size. */
export function formatSize(bytes: number): string {
  for (const [unit, scale] of [['TiB', 1024 * GIB], ['GiB', GIB], ['MiB', MIB], ['KiB', KIB]] as const) {
    if (bytes >= scale && bytes % scale === 0) return `${bytes / scale} ${unit}`;
  }
  return `${bytes} bytes`;
}

interface SizeRule {
  min: number;
  max: number;
  /** `what`: the unit's name as the message says it (translated by the caller). */
  multipleOf?: { value: number; what: string };
}

/**
 * The one size check. Returns the bytes, or a sentence saying what is
 * wrong and what is allowed.
 */
export function checkSize(name: string, raw: unknown, rule: SizeRule): Parsed<number> {
  const allowed = rule.multipleOf
    ? l10n.t('allowed: a whole number of bytes (K, M, G suffixes accepted) from {0} to {1}, a multiple of the {2} ({3})', formatSize(rule.min), formatSize(rule.max), rule.multipleOf.what, formatSize(rule.multipleOf.value))
    : l10n.t('allowed: a whole number of bytes (K, M, G suffixes accepted) from {0} to {1}', formatSize(rule.min), formatSize(rule.max));
  let bytes: number | undefined;
  if (typeof raw === 'number') bytes = raw;
  else if (typeof raw === 'string') bytes = parseSize(raw);
  if (bytes === undefined || !Number.isFinite(bytes)) {
    return refused(l10n.t('{0} {1} is not a size; {2}', name, describe(raw), allowed));
  }
  if (!Number.isInteger(bytes) || bytes < rule.min || bytes > rule.max) {
    return refused(l10n.t('{0} {1} is out of range; {2}', name, describe(raw), allowed));
  }
  if (rule.multipleOf && bytes % rule.multipleOf.value !== 0) {
    return refused(l10n.t('{0} {1} is not a multiple of the {2} ({3}); {4}', name, formatSize(bytes), rule.multipleOf.what, formatSize(rule.multipleOf.value), allowed));
  }
  return { ok: true, value: bytes };
}

function refused<T>(reason: string): Parsed<T> {
  return { ok: false, reason };
}

/** A value as a message shows it: short, quoted if text, its kind if neither text nor number. */
export function describe(raw: unknown): string {
  if (typeof raw === 'string') return JSON.stringify(raw.length > 40 ? raw.slice(0, 40) + '…' : raw);
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (raw === undefined) return '(missing)';
  if (raw === null) return 'null';
  return `(a ${typeof raw === 'object' ? (Array.isArray(raw) ? 'list' : 'object') : typeof raw})`;
}

function checkChoice<T extends string | number>(name: string, raw: unknown, choices: readonly T[]): Parsed<T> {
  const value = typeof raw === 'string' && typeof choices[0] === 'number' ? Number(raw) : raw;
  const choice = choices.find((c) => c === value);
  if (choice !== undefined) return { ok: true, value: choice };
  return refused(l10n.t('{0} {1} is not allowed; allowed: {2}', name, describe(raw), choices.join(', ')));
}

function checkInteger(name: string, raw: unknown, min: number, max: number, counts = false): Parsed<number> {
  const value = typeof raw === 'string' ? (counts ? parseCount(raw) ?? raw : /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const from = min.toLocaleString('en-US');
    const to = max.toLocaleString('en-US');
    return refused(counts
      ? l10n.t('{0} {1} is not allowed; allowed: a whole number from {2} to {3} (commas and K, M, G for thousands, millions, billions accepted: 100,000, 1M or 1.5M; a decimal point only before K, M or G)', name, describe(raw), from, to)
      : l10n.t('{0} {1} is not allowed; allowed: a whole number from {2} to {3}', name, describe(raw), from, to));
  }
  return { ok: true, value };
}

// ---- how much a run stores ----------------------------------------------------
// Item i of grow and deletions (the seed's MakeString(i)) is (i mod 2000) UTF-16
// characters and a terminator: 2 * (i mod 2000 + 1) bytes, which the heap rounds
// up to a multiple of 4 (the seed's Roundit). Every item is allocated before any
// is freed, so the bump pointer ends at the sum of all of them.

const NMAX = 2000;
const rounded = (len: number): number => (2 * (len + 1) + 3) & ~3;
/** Heap bytes of the items of length 0..k-1. */
function roundedPrefix(k: number): number {
  // Even lengths round up by 2: 2*(len+1) is 2 mod 4 exactly when len is even.
  return k * (k + 1) + Math.ceil(k / 2) * 2;
}
const CYCLE_BYTES = roundedPrefix(NMAX); // 4,004,000 bytes for items 0..1999

/**
 * The random scenario (the seed's MemRand) per main-loop iteration, with MSVC's
 * rand() (0..32767): verb = rand() * 100 / 32767 picks a batch of 100 adds of
 * lengths 0..99 (10,200 heap bytes) when below 10, i.e. for 3,277 of the 32,768
 * values; one add of length 1 (4 bytes) from 40 on, for 19,661 values; else a
 * delete or a read. Every add counted and no reuse of freed blocks: about 1,022.5
 * bytes an iteration. An upper bound, not the average (about 1% above the bump
 * pointer, since freed blocks are reused by adds of their size), so that a count
 * the preflight lets through, or suggests, really fits its offsets.
 */
const RANDOM_BYTES_PER_ITERATION = (3277 * roundedPrefix(100) + 19661 * rounded(1)) / 32768;
/** Standard deviation of one iteration's bytes (the batch dominates): sqrt(E[x^2] - E[x]^2). */
const RANDOM_BYTES_SD = Math.sqrt((3277 * roundedPrefix(100) ** 2 + 19661 * rounded(1) ** 2) / 32768 - RANDOM_BYTES_PER_ITERATION ** 2);

export interface StorageEstimate {
  /** Bytes the run keeps in the heap at its peak (the bump pointer's end for the mapped scenarios). */
  bytes: number;
  /** true when the figure is exact (grow, deletions, baseline), false for the random mix's expectation. */
  exact: boolean;
  /** What the run stores at most: `bytes` when exact; for the random mix, six standard deviations above. */
  atMost: number;
}

/** What a run stores at its peak, from the scenarios' known item sizes. */
export function estimateStoredBytes(p: Pick<RunParameters, 'scenario' | 'items'>): StorageEstimate {
  const n = p.items;
  switch (p.scenario) {
    case 'grow':
    case 'deletions':
    {
      const bytes = Math.floor(n / NMAX) * CYCLE_BYTES + roundedPrefix(n % NMAX);
      return { bytes, exact: true, atMost: bytes };
    }
    case 'baseline': {
      // The C heap (malloc) keeps the unrounded sizes: 2 * (len + 1) for len 0..k-1 is k * (k + 1).
      const k = n % NMAX;
      const bytes = Math.floor(n / NMAX) * NMAX * (NMAX + 1) + k * (k + 1);
      return { bytes, exact: true, atMost: bytes };
    }
    case 'random':
      return { bytes: Math.ceil(n * RANDOM_BYTES_PER_ITERATION), exact: false, atMost: Math.ceil(n * RANDOM_BYTES_PER_ITERATION + 6 * RANDOM_BYTES_SD * Math.sqrt(n)) };
  }
}

/**
 * The largest file a heap can reach: the initial size doubled (the seed's Resize)
 * while it stays within what the offsets address (4 GiB with 32 bits).
 */
export function largestFile(initialFileSize: number, offsetBits: OffsetBits): number {
  const limit = offsetBits === 32 ? LIMITS.fourGiB : LIMITS.maxFileSize;
  let size = initialFileSize;
  while (size * 2 <= limit) size *= 2;
  return size;
}

/** The most items of `scenario` that fit a file of `capacity` bytes (a new block must end below the file's end). */
function mostItemsFitting(scenario: Scenario, capacity: number): number {
  let lo = 0;
  let hi = LIMITS.maxItems;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    if (estimateStoredBytes({ scenario, items: mid }).atMost < capacity) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/**
 * Refuses, before it starts, a run that cannot fit its offsets: the heap grows by
 * doubling and fails when a block would end at or past the largest file it may
 * have. For the random mix the figure is an upper bound, so what passes fits.
 */
function checkFits(p: RunParameters, name: (k: keyof RunParameters) => string): FieldError | undefined {
  if (p.scenario === 'baseline') return undefined; // the C heap: no file, no offsets
  const est = estimateStoredBytes(p);
  const capacity = largestFile(p.initialFileSize, p.offsetBits);
  const over = est.atMost >= capacity;
  if (!over) return undefined;
  const most = mostItemsFitting(p.scenario, capacity);
  const limit = p.offsetBits === 32 && capacity === LIMITS.fourGiB
    ? l10n.t('32-bit offsets end at 4 GiB')
    : l10n.t('the file can reach at most {0} from an initial {1} with {2}-bit offsets', formatBytes(capacity), formatBytes(p.initialFileSize), p.offsetBits);
  const fix = p.offsetBits === 32
    ? l10n.t('choose {0} 64, or at most {1} {2}', name('offsetBits'), most.toLocaleString('en-US'), name('items'))
    : l10n.t('at most {0} {1}', most.toLocaleString('en-US'), name('items'));
  return {
    field: 'items',
    message: l10n.t('this run needs about {0} and {1}: {2}', formatBytes(est.bytes), limit, fix),
  };
}

function checkBoolean(name: string, raw: unknown): Parsed<boolean> {
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  if (raw === 'true') return { ok: true, value: true };
  if (raw === 'false') return { ok: true, value: false };
  return refused(l10n.t('{0} {1} is not allowed; allowed: true or false', name, describe(raw)));
}

/** Every run parameter, in the order messages list them. */
export const FIELDS: readonly (keyof RunParameters)[] = [
  'scenario', 'mode', 'items', 'viewSize', 'initialFileSize', 'granularity',
  'offsetBits', 'growth', 'view', 'prefault', 'diskDir', 'seed', 'coldVerify',
];

/**
 * Validates untrusted input (any shape) into RunParameters. Missing fields
 * take `defaults`; unknown fields are errors, so a typo is never ignored.
 * pageSize is the OS page size the granularity must be a multiple of.
 * Not valid: `reason` lists every field's problem (Parsed, common/parsed.ts).
 */
export function validateParameters(
  input: unknown,
  pageSize: number,
  defaults: Readonly<RunParameters> = DEFAULT_PARAMETERS,
  /** What messages call the fields: the keys by default, FIELD_LABELS in the panel. */
  names: Partial<Readonly<Record<keyof RunParameters, string>>> = {},
  /**
   * checkFit false: skip the check that the run fits its offsets — for the settings,
   * whose scenario is only a default (a palette run picks another); every run is
   * checked with its own scenario when it starts.
   */
  opts: { checkFit?: boolean } = {},
): Parsed<RunParameters, FieldError[]> {
  const name = (k: keyof RunParameters): string => names[k] ?? k;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, reason: [{ field: 'parameters', message: l10n.t('parameters {0} are not allowed; allowed: an object with {1}', describe(input), FIELDS.join(', ')) }] };
  }
  const given = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(given)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      errors.push({ field: 'parameters', message: l10n.t('unknown parameter {0}; allowed: {1}', describe(key), FIELDS.join(', ')) });
    }
  }
  const pick = (k: keyof RunParameters): unknown => (given[k] === undefined ? defaults[k] : given[k]);
  const out: Partial<RunParameters> = {};
  const take = <K extends keyof RunParameters>(field: K, result: Parsed<RunParameters[K]>): void => {
    if (!result.ok) errors.push({ field, message: result.reason });
    else out[field] = result.value;
  };
  take('scenario', checkChoice(name('scenario'), pick('scenario'), SCENARIOS));
  take('mode', checkChoice(name('mode'), pick('mode'), MODES));
  take('growth', checkChoice(name('growth'), pick('growth'), GROWTHS));
  take('view', checkChoice(name('view'), pick('view'), VIEWS));
  take('offsetBits', checkChoice(name('offsetBits'), pick('offsetBits'), OFFSET_BITS));
  take('items', checkInteger(name('items'), pick('items'), 1, LIMITS.maxItems, true));
  take('seed', checkInteger(name('seed'), pick('seed'), 0, LIMITS.maxSeed));
  take('prefault', checkBoolean(name('prefault'), pick('prefault')));
  take('coldVerify', checkBoolean(name('coldVerify'), pick('coldVerify')));
  if (out.coldVerify && out.scenario === 'baseline') {
    errors.push({ field: 'coldVerify', message: l10n.t('{0} true needs a mapped scenario: the baseline keeps its items in the C heap, there is no file to evict; allowed: {0} false with the baseline, or scenario grow, deletions or random', name('coldVerify')) });
  }

  const granularity = checkSize(name('granularity'), pick('granularity'), {
    min: pageSize, max: LIMITS.maxGranularity, multipleOf: { value: pageSize, what: l10n.t('OS page size') },
  });
  take('granularity', granularity);
  const unit = granularity.ok ? { value: granularity.value, what: l10n.t('granularity') } : undefined;
  const initialRaw = pick('initialFileSize');
  const initialBytes = typeof initialRaw === 'string' ? parseSize(initialRaw) : initialRaw;
  if (out.offsetBits === 32 && typeof initialBytes === 'number' && initialBytes > LIMITS.fourGiB) {
    errors.push({ field: 'initialFileSize', message: l10n.t('{0} {1} is beyond what 32-bit offsets address (4 GiB); allowed: at most 4 GiB, or {2} 64', name('initialFileSize'), describe(initialRaw), name('offsetBits')) });
  } else {
    const initial = checkSize(name('initialFileSize'), initialRaw, {
      min: granularity.ok ? granularity.value : pageSize,
      max: out.offsetBits === 32 ? LIMITS.fourGiB : LIMITS.maxFileSize,
      multipleOf: unit,
    });
    take('initialFileSize', initial);
  }
  if (out.view === 'whole' && pick('viewSize') === defaults.viewSize && given.viewSize === undefined) {
    out.viewSize = defaults.viewSize; // whole view ignores viewSize, keep the default
  } else {
    const view = checkSize(name('viewSize'), pick('viewSize'), {
      min: granularity.ok ? granularity.value : pageSize, max: LIMITS.maxViewSize, multipleOf: unit,
    });
    take('viewSize', view);
  }
  const diskDir = pick('diskDir');
  if (diskDir !== undefined && diskDir !== '') {
    if (typeof diskDir !== 'string' || diskDir.length > 4096 || diskDir.includes('\0')) {
      errors.push({ field: 'diskDir', message: l10n.t('{0} {1} is not allowed; allowed: a directory path (empty for the OS temp dir)', name('diskDir'), describe(diskDir)) });
    } else {
      out.diskDir = diskDir;
    }
  }
  if (errors.length > 0) return { ok: false, reason: errors };
  const fits = opts.checkFit === false ? undefined : checkFits(out as RunParameters, name);
  if (fits) return { ok: false, reason: [fits] };
  return { ok: true, value: out as RunParameters };
}

/** All messages of a failed validation, one per line. */
export function errorsToText(errors: readonly FieldError[]): string {
  return errors.map((e) => e.message).join('\n');
}

/**
 * What sets a run apart from the defaults, in the panel's words: every parameter
 * that differs, e.g. ["Growth copy", "Offset bits 64", "Prefault on", "Items 3,000,000"].
 * Scenario and mode are left out: the run's label names them.
 */
export function parameterDifferences(p: RunParameters, defaults: Readonly<RunParameters> = DEFAULT_PARAMETERS): string[] {
  const out: string[] = [];
  for (const key of FIELDS) {
    if (key === 'scenario' || key === 'mode') continue;
    const v = p[key];
    const d = defaults[key];
    if (v === d || (key === 'diskDir' && !v && !d)) continue;
    if (key === 'viewSize' && p.view === 'whole') continue; // a whole view has no size
    if (key === 'seed' && p.scenario !== 'random') continue; // only the random mix uses it
    const shown = typeof v === 'boolean' ? (v ? l10n.t('on') : l10n.t('off'))
      : key === 'viewSize' || key === 'initialFileSize' || key === 'granularity' ? formatSize(v as number)
        : typeof v === 'number' ? v.toLocaleString('en-US') : String(v);
    out.push(`${FIELD_LABELS[key]} ${shown}`);
  }
  return out;
}
