// Run parameters: defaults, parsing and the one validation used by every
// entry point (CLI flags, settings, scenario files, panel inputs, messages).
// Pure: no Node or VS Code imports, so the webview bundles it too.

import {
  GROWTHS, MODES, OFFSET_BITS, SCENARIOS, VIEWS,
  type RunParameters,
} from './protocol';

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
});

export const LIMITS = {
  maxItems: 1_000_000_000,
  maxGranularity: GIB,
  maxViewSize: 64 * GIB,
  maxFileSize: 64 * 1024 * GIB, // 64 TiB
  fourGiB: 4 * GIB,
  maxSeed: 0xffff_ffff,
} as const;

export interface FieldError {
  field: keyof RunParameters | 'parameters';
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** "64K", "2M", "1.5G", "65536" -> bytes; undefined when it is not a size. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(?:i?[bB])?\s*$/.exec(text);
  if (!m) return undefined;
  const scale = { '': 1, k: KIB, m: MIB, g: GIB, t: 1024 * GIB }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const bytes = Number(m[1]) * scale;
  return Number.isFinite(bytes) ? Math.round(bytes) : undefined;
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
  multipleOf?: { value: number; what: string };
}

/**
 * The one size check. Returns the bytes, or a sentence saying what is
 * wrong and what is allowed.
 */
export function checkSize(name: string, raw: unknown, rule: SizeRule): number | string {
  const allowed = `allowed: a whole number of bytes (K, M, G suffixes accepted) from ${formatSize(rule.min)} to ${formatSize(rule.max)}` +
    (rule.multipleOf ? `, a multiple of the ${rule.multipleOf.what} (${formatSize(rule.multipleOf.value)})` : '');
  let bytes: number | undefined;
  if (typeof raw === 'number') bytes = raw;
  else if (typeof raw === 'string') bytes = parseSize(raw);
  if (bytes === undefined || !Number.isFinite(bytes)) {
    return `${name} ${describe(raw)} is not a size; ${allowed}`;
  }
  if (!Number.isInteger(bytes) || bytes < rule.min || bytes > rule.max) {
    return `${name} ${describe(raw)} is out of range; ${allowed}`;
  }
  if (rule.multipleOf && bytes % rule.multipleOf.value !== 0) {
    return `${name} ${formatSize(bytes)} is not a multiple of the ${rule.multipleOf.what} (${formatSize(rule.multipleOf.value)}); ${allowed}`;
  }
  return bytes;
}

/** A value as a message shows it: short, quoted if text, its kind if neither text nor number. */
export function describe(raw: unknown): string {
  if (typeof raw === 'string') return JSON.stringify(raw.length > 40 ? raw.slice(0, 40) + '…' : raw);
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (raw === undefined) return '(missing)';
  if (raw === null) return 'null';
  return `(a ${typeof raw === 'object' ? (Array.isArray(raw) ? 'list' : 'object') : typeof raw})`;
}

function checkChoice<T extends string | number>(name: string, raw: unknown, choices: readonly T[]): T | string {
  const value = typeof raw === 'string' && typeof choices[0] === 'number' ? Number(raw) : raw;
  if ((choices as readonly unknown[]).includes(value)) return value as T;
  return `${name} ${describe(raw)} is not allowed; allowed: ${choices.join(', ')}`;
}

function checkInteger(name: string, raw: unknown, min: number, max: number): number | string {
  const value = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return `${name} ${describe(raw)} is not allowed; allowed: a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`;
  }
  return value;
}

function checkBoolean(name: string, raw: unknown): boolean | string {
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return `${name} ${describe(raw)} is not allowed; allowed: true or false`;
}

const FIELDS: readonly (keyof RunParameters)[] = [
  'scenario', 'mode', 'items', 'viewSize', 'initialFileSize', 'granularity',
  'offsetBits', 'growth', 'view', 'prefault', 'diskDir', 'seed',
];

/**
 * Validates untrusted input (any shape) into RunParameters. Missing fields
 * take `defaults`; unknown fields are errors, so a typo is never ignored.
 * pageSize is the OS page size the granularity must be a multiple of.
 */
export function validateParameters(
  input: unknown,
  pageSize: number,
  defaults: Readonly<RunParameters> = DEFAULT_PARAMETERS,
): Validated<RunParameters> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: 'parameters', message: `parameters ${describe(input)} are not allowed; allowed: an object with ${FIELDS.join(', ')}` }] };
  }
  const given = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(given)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      errors.push({ field: 'parameters', message: `unknown parameter ${describe(key)}; allowed: ${FIELDS.join(', ')}` });
    }
  }
  const pick = (k: keyof RunParameters): unknown => (given[k] === undefined ? defaults[k] : given[k]);
  const out: Partial<RunParameters> = {};
  const take = <K extends keyof RunParameters>(field: K, result: RunParameters[K] | string, isError: boolean): void => {
    if (isError) errors.push({ field, message: result as string });
    else out[field] = result as RunParameters[K];
  };
  let r: unknown;
  r = checkChoice('scenario', pick('scenario'), SCENARIOS); take('scenario', r as RunParameters['scenario'], !SCENARIOS.includes(r as never));
  r = checkChoice('mode', pick('mode'), MODES); take('mode', r as RunParameters['mode'], !MODES.includes(r as never));
  r = checkChoice('growth', pick('growth'), GROWTHS); take('growth', r as RunParameters['growth'], !GROWTHS.includes(r as never));
  r = checkChoice('view', pick('view'), VIEWS); take('view', r as RunParameters['view'], !VIEWS.includes(r as never));
  r = checkChoice('offsetBits', pick('offsetBits'), OFFSET_BITS); take('offsetBits', r as RunParameters['offsetBits'], typeof r === 'string');
  r = checkInteger('items', pick('items'), 1, LIMITS.maxItems); take('items', r as number, typeof r === 'string');
  r = checkInteger('seed', pick('seed'), 0, LIMITS.maxSeed); take('seed', r as number, typeof r === 'string');
  r = checkBoolean('prefault', pick('prefault')); take('prefault', r as boolean, typeof r === 'string');

  const granularity = checkSize('granularity', pick('granularity'), {
    min: pageSize, max: LIMITS.maxGranularity, multipleOf: { value: pageSize, what: 'OS page size' },
  });
  take('granularity', granularity as number, typeof granularity === 'string');
  const unit = typeof granularity === 'number' ? { value: granularity, what: 'granularity' } : undefined;
  const initialRaw = pick('initialFileSize');
  const initialBytes = typeof initialRaw === 'string' ? parseSize(initialRaw) : initialRaw;
  if (out.offsetBits === 32 && typeof initialBytes === 'number' && initialBytes > LIMITS.fourGiB) {
    errors.push({ field: 'initialFileSize', message: `initialFileSize ${describe(initialRaw)} is beyond what 32-bit offsets address (4 GiB); allowed: at most 4 GiB, or offsetBits 64` });
  } else {
    const initial = checkSize('initialFileSize', initialRaw, {
      min: typeof granularity === 'number' ? granularity : pageSize,
      max: out.offsetBits === 32 ? LIMITS.fourGiB : LIMITS.maxFileSize,
      multipleOf: unit,
    });
    take('initialFileSize', initial as number, typeof initial === 'string');
  }
  if (out.view === 'whole' && pick('viewSize') === defaults.viewSize && given.viewSize === undefined) {
    out.viewSize = defaults.viewSize; // whole view ignores viewSize, keep the default
  } else {
    const view = checkSize('viewSize', pick('viewSize'), {
      min: typeof granularity === 'number' ? granularity : pageSize, max: LIMITS.maxViewSize, multipleOf: unit,
    });
    take('viewSize', view as number, typeof view === 'string');
  }
  const diskDir = pick('diskDir');
  if (diskDir !== undefined && diskDir !== '') {
    if (typeof diskDir !== 'string' || diskDir.length > 4096 || diskDir.includes('\0')) {
      errors.push({ field: 'diskDir', message: `diskDir ${describe(diskDir)} is not allowed; allowed: a directory path (empty for the OS temp dir)` });
    } else {
      out.diskDir = diskDir;
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: out as RunParameters };
}

/** All messages of a failed validation, one per line. */
export function errorsToText(errors: readonly FieldError[]): string {
  return errors.map((e) => e.message).join('\n');
}
