// The heap's counters, defined once. Every other place derives from this
// table: the Counters and SeedStats types, the koffi struct mm_stats
// (runner/native.ts: the field order is the C struct's in
// native/include/memmap.h), message validation (common/messages.ts), the CSV
// columns (extension/commands/exportHistory.ts), the panel's rows and tooltips
// (webview/main.ts) and the `expect` keys of scenario files
// (common/scenarioFiles.ts).
//
// The words (labels, descriptions, tooltips) go through @vscode/l10n when they
// are read, not when this module loads: getters and functions, so that the
// extension and the webviews, which configure @vscode/l10n with the display
// language's bundle, show them translated, and the CLI (never configured)
// shows the English source text.

import * as l10n from '@vscode/l10n';

export type CounterUnit = 'count' | 'bytes';

export interface CounterSpec {
  /** The name in TypeScript, messages, results, CSV and scenario files. */
  readonly key: string;
  /** The field of mm_stats in native/include/memmap.h (a uint64_t). */
  readonly cField: string;
  readonly unit: CounterUnit;
  /** The panel's row label, in the display language (translated when read). */
  readonly label: string;
  /** The panel's tooltip, in the display language (translated when read). */
  readonly description: string;
  /** One of the counters the seed's GetStats() prints: a finished run's result carries these. */
  readonly seed: boolean;
}

/** In mm_stats order. */
export const COUNTERS = [
  { key: 'allocs', cField: 'allocs', unit: 'count', get label() { return l10n.t('allocs'); }, get description() { return l10n.t('Alloc requests (the seed\'s nAllocs).'); }, seed: true },
  { key: 'deletions', cField: 'deletions', unit: 'count', get label() { return l10n.t('deletions'); }, get description() { return l10n.t('Free requests (nDeletions).'); }, seed: true },
  { key: 'recycledAllocs', cField: 'recycled_allocs', unit: 'count', get label() { return l10n.t('recycled allocs'); }, get description() { return l10n.t('Allocs served from the free list (nAllocsUsingFreeList).'); }, seed: true },
  { key: 'bytesAllocated', cField: 'bytes_allocated', unit: 'bytes', get label() { return l10n.t('bytes allocated'); }, get description() { return l10n.t('Bytes allocated, rounded; never decreases (nTotalAllocs).'); }, seed: true },
  { key: 'bytesFreed', cField: 'bytes_freed', unit: 'bytes', get label() { return l10n.t('bytes freed'); }, get description() { return l10n.t('Bytes freed (nTotalDeletions).'); }, seed: true },
  { key: 'fileMaps', cField: 'file_maps', unit: 'count', get label() { return l10n.t('file maps'); }, get description() { return l10n.t('Mappings (file mapping objects) created (nFileMaps).'); }, seed: true },
  { key: 'mapViews', cField: 'map_views', unit: 'count', get label() { return l10n.t('map views'); }, get description() { return l10n.t('Views mapped (nMapViews).'); }, seed: true },
  { key: 'compactions', cField: 'compactions', unit: 'count', get label() { return l10n.t('compactions'); }, get description() { return l10n.t('Compactions (nCompactions): always 0, as in the seed.'); }, seed: true },
  { key: 'freeListBytes', cField: 'free_list_bytes', unit: 'bytes', get label() { return l10n.t('free-list bytes'); }, get description() { return l10n.t('Bytes on the free list (nFreeListSize).'); }, seed: true },
  { key: 'fileSize', cField: 'file_size', unit: 'bytes', get label() { return l10n.t('file size'); }, get description() { return l10n.t('Size of the mapping (ulMemSize).'); }, seed: true },
  { key: 'viewSize', cField: 'view_size', unit: 'bytes', get label() { return l10n.t('view size'); }, get description() { return l10n.t('Size of the sliding view (uiViewSize).'); }, seed: false },
  { key: 'initialFileSize', cField: 'initial_file_size', unit: 'bytes', get label() { return l10n.t('initial file size'); }, get description() { return l10n.t('Initial size of the mapping (initialFileSize).'); }, seed: false },
  { key: 'offsetFreeMem', cField: 'offset_free_mem', unit: 'bytes', get label() { return l10n.t('bump pointer'); }, get description() { return l10n.t('Offset of the first never-used byte (ulOffsetFreeMem).'); }, seed: false },
  { key: 'unmapViews', cField: 'unmap_views', unit: 'count', get label() { return l10n.t('unmap views'); }, get description() { return l10n.t('Views unmapped.'); }, seed: false },
  { key: 'bytesCopied', cField: 'bytes_copied', unit: 'bytes', get label() { return l10n.t('bytes copied'); }, get description() { return l10n.t('Bytes copied by growth.'); }, seed: false },
  { key: 'viewOffset', cField: 'view_offset', unit: 'bytes', get label() { return l10n.t('view offset'); }, get description() { return l10n.t('File offset of the current view.'); }, seed: false },
  { key: 'viewLength', cField: 'view_length', unit: 'bytes', get label() { return l10n.t('view length'); }, get description() { return l10n.t('Length of the current view (0: none).'); }, seed: false },
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
    ? l10n.t('{0} One of the seed\'s own counters (printed by its GetStats()).', spec.description)
    : l10n.t('{0} Not one of the seed\'s counters: MemMap Lab adds it.', spec.description);
}

/** The end of each FIGURE_HELP text. */
const notSeed = (): string => l10n.t('Not one of the seed\'s counters: MemMap Lab measures it.');
/**
 * Tooltips of the panel's other figures (by the row's class), none of them the
 * seed's; each translated when read.
 */
export const FIGURE_HELP: Readonly<Record<string, string>> = Object.freeze({
  get 'c-operations'() { return l10n.t('Operations done so far, of about how many the run will do (an alloc, a verify or a free each). {0}', notSeed()); },
  get 'c-items'() { return l10n.t('Items stored so far, of the run\'s total, and the phase the run is in. {0}', notSeed()); },
  get 'c-view'() { return l10n.t('The sliding view now: its length and its offset in the file (none between views). {0}', notSeed()); },
  get 'c-resident'() { return l10n.t('Resident size of the runner process now: the memory it occupies in RAM. {0}', notSeed()); },
  get 'c-peak-resident'() { return l10n.t('The highest resident size sampled during this run (the OS\'s own peak cannot be reset per run). {0}', notSeed()); },
  get 'c-virtual'() { return l10n.t('Virtual size of the runner process: the address space it has reserved or mapped. {0}', notSeed()); },
  get 'c-minor-faults'() { return l10n.t('Minor page faults since this run started: pages mapped in without reading the disk. {0}', notSeed()); },
  get 'c-major-faults'() { return l10n.t('Major page faults since this run started: pages that had to be read from disk. {0}', notSeed()); },
  get 'c-on-disk'() { return l10n.t('Bytes the disk file occupies on disk (0 in page-file mode). {0}', notSeed()); },
  get 'c-total-minor-faults'() { return l10n.t('Minor page faults of the runner process since it started, earlier runs included. {0}', notSeed()); },
  get 'c-total-major-faults'() { return l10n.t('Major page faults of the runner process since it started, earlier runs included. {0}', notSeed()); },
  get 'c-total-peak-resident'() { return l10n.t('Peak resident size of the runner process since it started, earlier runs included. {0}', notSeed()); },
  get 'c-counters'() { return l10n.t('The counters of the run in progress or of the last run appear here.'); },
});
