// The heap's counters, defined once. Every other place derives from this
// table: the Counters and SeedStats types, the koffi struct mm_stats
// (runner/native.ts: the field order is the C struct's in
// native/include/memmap.h), message validation (common/messages.ts), the CSV
// columns (extension/commands/exportHistory.ts), the panel's rows and tooltips
// (webview/main.ts) and the `expect` keys of scenario files
// (common/scenarioFiles.ts).

export type CounterUnit = 'count' | 'bytes';

export interface CounterSpec {
  /** The name in TypeScript, messages, results, CSV and scenario files. */
  readonly key: string;
  /** The field of mm_stats in native/include/memmap.h (a uint64_t). */
  readonly cField: string;
  readonly unit: CounterUnit;
  /** The panel's row label. */
  readonly label: string;
  /** The panel's tooltip. */
  readonly description: string;
  /** One of the counters the seed's GetStats() prints: a finished run's result carries these. */
  readonly seed: boolean;
}

/** In mm_stats order. */
export const COUNTERS = [
  { key: 'allocs', cField: 'allocs', unit: 'count', label: 'allocs', description: 'Alloc requests (the seed\'s nAllocs).', seed: true },
  { key: 'deletions', cField: 'deletions', unit: 'count', label: 'deletions', description: 'Free requests (nDeletions).', seed: true },
  { key: 'recycledAllocs', cField: 'recycled_allocs', unit: 'count', label: 'recycled allocs', description: 'Allocs served from the free list (nAllocsUsingFreeList).', seed: true },
  { key: 'bytesAllocated', cField: 'bytes_allocated', unit: 'bytes', label: 'bytes allocated', description: 'Bytes allocated, rounded; never decreases (nTotalAllocs).', seed: true },
  { key: 'bytesFreed', cField: 'bytes_freed', unit: 'bytes', label: 'bytes freed', description: 'Bytes freed (nTotalDeletions).', seed: true },
  { key: 'fileMaps', cField: 'file_maps', unit: 'count', label: 'file maps', description: 'Mappings (file mapping objects) created (nFileMaps).', seed: true },
  { key: 'mapViews', cField: 'map_views', unit: 'count', label: 'map views', description: 'Views mapped (nMapViews).', seed: true },
  { key: 'compactions', cField: 'compactions', unit: 'count', label: 'compactions', description: 'Compactions (nCompactions): always 0, as in the seed.', seed: true },
  { key: 'freeListBytes', cField: 'free_list_bytes', unit: 'bytes', label: 'free-list bytes', description: 'Bytes on the free list (nFreeListSize).', seed: true },
  { key: 'fileSize', cField: 'file_size', unit: 'bytes', label: 'file size', description: 'Size of the mapping (ulMemSize).', seed: true },
  { key: 'viewSize', cField: 'view_size', unit: 'bytes', label: 'view size', description: 'Size of the sliding view (uiViewSize).', seed: false },
  { key: 'initialFileSize', cField: 'initial_file_size', unit: 'bytes', label: 'initial file size', description: 'Initial size of the mapping (initialFileSize).', seed: false },
  { key: 'offsetFreeMem', cField: 'offset_free_mem', unit: 'bytes', label: 'bump pointer', description: 'Offset of the first never-used byte (ulOffsetFreeMem).', seed: false },
  { key: 'unmapViews', cField: 'unmap_views', unit: 'count', label: 'unmap views', description: 'Views unmapped.', seed: false },
  { key: 'bytesCopied', cField: 'bytes_copied', unit: 'bytes', label: 'bytes copied', description: 'Bytes copied by growth.', seed: false },
  { key: 'viewOffset', cField: 'view_offset', unit: 'bytes', label: 'view offset', description: 'File offset of the current view.', seed: false },
  { key: 'viewLength', cField: 'view_length', unit: 'bytes', label: 'view length', description: 'Length of the current view (0: none).', seed: false },
] as const satisfies readonly CounterSpec[];

type Spec = (typeof COUNTERS)[number];
export type CounterKey = Spec['key'];
export type SeedCounterKey = Extract<Spec, { seed: true }>['key'];
/** mm_stats field names. */
export type CounterCField = Spec['cField'];

/** The heap's counters, plus the view position. */
export type Counters = Record<CounterKey, number>;
/** The counters the seed's GetStats() prints: what a finished run reports. */
export type SeedStats = Record<SeedCounterKey, number>;

export const COUNTER_KEYS: readonly CounterKey[] = COUNTERS.map((c) => c.key);
export const SEED_COUNTER_KEYS: readonly SeedCounterKey[] = COUNTERS.filter((c): c is Extract<Spec, { seed: true }> => c.seed).map((c) => c.key);

const BY_KEY = new Map<string, CounterSpec>(COUNTERS.map((c) => [c.key, c]));
/** The table's entry for a key. */
export function counterSpec(key: CounterKey): CounterSpec {
  return BY_KEY.get(key) as CounterSpec; // every CounterKey is in the table
}

/** The seed's counters out of all of them. */
export function seedStatsOf(c: Counters): SeedStats {
  return Object.fromEntries(SEED_COUNTER_KEYS.map((k) => [k, c[k]])) as SeedStats;
}

/**
 * A counter's tooltip in the panel: its description, and whether the seed's
 * GetStats() prints it or MemMap Lab adds it.
 */
export function counterTooltip(spec: CounterSpec): string {
  return spec.seed
    ? `${spec.description} One of the seed's own counters (printed by its GetStats()).`
    : `${spec.description} Not one of the seed's counters: MemMap Lab adds it.`;
}

const NOT_SEED = 'Not one of the seed\'s counters: MemMap Lab measures it.';
/** Tooltips of the panel's other figures (by the row's class), none of them the seed's. */
export const FIGURE_HELP: Readonly<Record<string, string>> = Object.freeze({
  'c-operations': `Operations done so far, of about how many the run will do (an alloc, a verify or a free each). ${NOT_SEED}`,
  'c-items': `Items stored so far, of the run's total, and the phase the run is in. ${NOT_SEED}`,
  'c-view': `The sliding view now: its length and its offset in the file (none between views). ${NOT_SEED}`,
  'c-resident': `Resident size of the runner process now: the memory it occupies in RAM. ${NOT_SEED}`,
  'c-peak-resident': `The highest resident size sampled during this run (the OS's own peak cannot be reset per run). ${NOT_SEED}`,
  'c-virtual': `Virtual size of the runner process: the address space it has reserved or mapped. ${NOT_SEED}`,
  'c-minor-faults': `Minor page faults since this run started: pages mapped in without reading the disk. ${NOT_SEED}`,
  'c-major-faults': `Major page faults since this run started: pages that had to be read from disk. ${NOT_SEED}`,
  'c-on-disk': `Bytes the disk file occupies on disk (0 in page-file mode). ${NOT_SEED}`,
  'c-total-minor-faults': `Minor page faults of the runner process since it started, earlier runs included. ${NOT_SEED}`,
  'c-total-major-faults': `Major page faults of the runner process since it started, earlier runs included. ${NOT_SEED}`,
  'c-total-peak-resident': `Peak resident size of the runner process since it started, earlier runs included. ${NOT_SEED}`,
  'c-counters': 'The counters of the run in progress or of the last run appear here.',
});
