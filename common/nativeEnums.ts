// The enumerations of native/include/memmap.h (mode, growth, view, event
// kind, error codes) and memmap_lab.h (scenario, phase, budget kind) as explicit {name, value}
// tables: the protocol's names (protocol.ts) and the binding's numbers
// (runner/native.ts) both come from here, so nothing depends on the order of
// a list. The runner checks what the library lets it check at start-up
// (runner/native.ts, loadLibrary, with checkErrorTable below): the error codes, through
// mm_strerror. The library has no call that names its other enumerations.

export interface NativeEnumEntry {
  /** The name in the protocol, settings, CLI and scenario files. */
  readonly name: string;
  /** The value in memmap.h. */
  readonly value: number;
  /** The constant in memmap.h. */
  readonly c: string;
}

/** mm_mode */
export const MODE_ENUM = [
  { name: 'pagefile', value: 0, c: 'MM_MODE_PAGEFILE' },
  { name: 'disk', value: 1, c: 'MM_MODE_DISK' },
] as const satisfies readonly NativeEnumEntry[];

/** mm_growth */
export const GROWTH_ENUM = [
  { name: 'seed', value: 0, c: 'MM_GROWTH_SEED' },
  { name: 'copy', value: 1, c: 'MM_GROWTH_COPY' },
  { name: 'remap', value: 2, c: 'MM_GROWTH_REMAP' },
  { name: 'reserve', value: 3, c: 'MM_GROWTH_RESERVE' },
] as const satisfies readonly NativeEnumEntry[];

/** mm_view */
export const VIEW_ENUM = [
  { name: 'sliding', value: 0, c: 'MM_VIEW_SLIDING' },
  { name: 'whole', value: 1, c: 'MM_VIEW_WHOLE' },
] as const satisfies readonly NativeEnumEntry[];

/** mm_scenario */
export const SCENARIO_ENUM = [
  { name: 'baseline', value: 0, c: 'MM_SCENARIO_BASELINE' },
  { name: 'grow', value: 1, c: 'MM_SCENARIO_GROW' },
  { name: 'deletions', value: 2, c: 'MM_SCENARIO_DELETIONS' },
  { name: 'random', value: 3, c: 'MM_SCENARIO_RANDOM' },
] as const satisfies readonly NativeEnumEntry[];

/** mm_event_kind */
export const EVENT_KIND_ENUM = [
  { name: 'alloc', value: 1, c: 'MM_EVENT_ALLOC' },
  { name: 'free', value: 2, c: 'MM_EVENT_FREE' },
  { name: 'mapView', value: 3, c: 'MM_EVENT_MAP_VIEW' },
  { name: 'unmapView', value: 4, c: 'MM_EVENT_UNMAP_VIEW' },
  { name: 'grow', value: 5, c: 'MM_EVENT_GROW' },
  { name: 'fileMap', value: 6, c: 'MM_EVENT_FILE_MAP' },
] as const satisfies readonly NativeEnumEntry[];

/** mm_phase */
export const PHASE_ENUM = [
  { name: 'alloc', value: 0, c: 'MM_PHASE_ALLOC' },
  { name: 'verify', value: 1, c: 'MM_PHASE_VERIFY' },
  { name: 'free', value: 2, c: 'MM_PHASE_FREE' },
  { name: 'random', value: 3, c: 'MM_PHASE_RANDOM' },
  { name: 'done', value: 4, c: 'MM_PHASE_DONE' },
] as const satisfies readonly NativeEnumEntry[];

/** mm_budget_kind (MM_BUDGET_NONE = 0 is no budget hit). */
export const BUDGET_KIND_ENUM = [
  { name: 'address', value: 1, c: 'MM_BUDGET_ADDRESS' },
  { name: 'memory', value: 2, c: 'MM_BUDGET_MEMORY' },
] as const satisfies readonly NativeEnumEntry[];

/** The library's error codes (MM_E*), by the protocol's ErrorCode names. */
export const LIBRARY_ERROR_ENUM = [
  { name: 'invalid', value: -1, c: 'MM_EINVAL' },
  { name: 'nomem', value: -2, c: 'MM_ENOMEM' },
  { name: 'nospace', value: -3, c: 'MM_ENOSPC' },
  { name: 'io', value: -4, c: 'MM_EIO' },
  { name: 'toobig', value: -5, c: 'MM_ETOOBIG' },
  { name: 'overflow', value: -6, c: 'MM_EOVERFLOW' },
  { name: 'cancelled', value: -7, c: 'MM_ECANCELED' },
  { name: 'verify', value: -8, c: 'MM_EVERIFY' },
  { name: 'state', value: -9, c: 'MM_ESTATE' },
  { name: 'unsupported', value: -10, c: 'MM_ENOTSUP' },
  { name: 'filesize', value: -11, c: 'MM_EFBIG' },
] as const satisfies readonly NativeEnumEntry[];

/** The names of a table, in its order. */
export function enumNames<const T extends readonly NativeEnumEntry[]>(table: T): readonly T[number]['name'][] {
  return table.map((e) => e.name);
}

/** The value of a name. */
export function enumValue<const T extends readonly NativeEnumEntry[]>(table: T, name: T[number]['name']): number {
  const e = table.find((x) => x.name === name);
  if (!e) throw new Error(`${name} is not in the table (${table.map((x) => x.name).join(', ')})`);
  return e.value;
}

/** The name of a value, or undefined when the table has none. */
export function enumName<const T extends readonly NativeEnumEntry[]>(table: T, value: number): T[number]['name'] | undefined {
  return table.find((x) => x.value === value)?.name;
}

/**
 * Checks LIBRARY_ERROR_ENUM against the library's mm_strerror: every code in
 * the table has a text of its own, and the library knows no negative code
 * past the table's last. Throws an Error naming the first mismatch.
 */
export function checkErrorTable(strerror: (code: number) => string): void {
  const unknown = strerror(-1_000_000);
  const seen = new Map<string, string>();
  for (const e of LIBRARY_ERROR_ENUM) {
    const text = strerror(e.value);
    if (text === unknown) throw new Error(`the native library does not know error code ${e.value} (${e.c}, "${e.name}"): common/nativeEnums.ts and native/include/memmap.h disagree`);
    const twin = seen.get(text);
    if (twin !== undefined) throw new Error(`the native library gives error codes ${twin} and ${e.c} the same text "${text}": common/nativeEnums.ts and native/include/memmap.h disagree`);
    seen.set(text, e.c);
  }
  const next = Math.min(...LIBRARY_ERROR_ENUM.map((e) => e.value)) - 1;
  const beyond = strerror(next);
  if (beyond !== unknown) throw new Error(`the native library knows error code ${next} ("${beyond}"), which common/nativeEnums.ts lacks`);
}
