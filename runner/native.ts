// Typed koffi binding over native/include/memmap.h and memmap_lab.h. Loaded only inside the
// runner process: a fault in native code must never reach the extension host.
// Nothing returned from here points into a view: every figure is copied out.

import koffi, { type LibraryHandle } from 'koffi';

type KoffiFunction = ReturnType<LibraryHandle['func']>;
import os from 'node:os';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  type Counters, type ErrorCode, type MemMapEvent, type ProcessFigures, type RunParameters,
} from '../common/protocol';
import { DISK_FILE_PREFIX } from '../common/diskFileNames';
import {
  encodeStrip, EVICT_METHODS, type EvictMethod, LATENCY_OPS, type Latency, type LatencyBucket, type OpLatency, type Residency,
  type ResidencySource,
} from '../common/insight';
import LIBRARY_NAMES from '../native/libraryName.json';
import { COUNTERS, type CounterCField } from '../common/counters';
import {
  checkErrorTable, enumName, enumValue, EVENT_KIND_ENUM, GROWTH_ENUM, LIBRARY_ERROR_ENUM, MODE_ENUM, SCENARIO_ENUM, VIEW_ENUM,
} from '../common/nativeEnums';

/** The library's file name here: native/libraryName.json, which scripts/build-native.mjs names its output by. */
export const LIBRARY_FILE = process.platform === 'win32' || process.platform === 'darwin' ? LIBRARY_NAMES[process.platform] : LIBRARY_NAMES.other;


const mm_config = koffi.struct('mm_config', {
  mode: 'int32_t',
  growth: 'int32_t',
  view: 'int32_t',
  offset_bits: 'int32_t',
  initial_file_size: 'uint64_t',
  view_size: 'uint64_t',
  granularity: 'uint64_t',
  prefault: 'int32_t',
  event_capacity: 'uint32_t',
  disk_dir: 'const char *',
  name_prefix: 'const char *',
});

// mm_stats: one uint64_t per counter, in the table's order (that of memmap.h).
const mm_stats = koffi.struct('mm_stats', Object.fromEntries(COUNTERS.map((c) => [c.cField, 'uint64_t'])));

koffi.struct('mm_process_stats', {
  rss_bytes: 'uint64_t',
  peak_rss_bytes: 'uint64_t',
  virtual_bytes: 'uint64_t',
  minor_faults: 'uint64_t',
  major_faults: 'uint64_t',
});

/** The library's mm_event (exported for the decoder's test). */
export const mm_event = koffi.struct('mm_event', {
  seq: 'uint64_t',
  kind: 'uint32_t',
  strategy: 'uint32_t',
  offset: 'uint64_t',
  size: 'uint64_t',
  address: 'uint64_t',
  old_size: 'uint64_t',
  new_size: 'uint64_t',
  bytes_copied: 'uint64_t',
  op: 'uint64_t',
});

koffi.struct('mm_run_config', {
  heap: mm_config,
  scenario: 'int32_t',
  seed: 'uint32_t',
  items: 'uint64_t',
});

koffi.struct('mm_snapshot', {
  ops_done: 'uint64_t',
  ops_total: 'uint64_t',
  items_done: 'uint64_t',
  phase: 'int32_t',
  finished: 'int32_t',
  stats: mm_stats,
});

koffi.struct('mm_result', {
  status: 'int32_t',
  verified: 'int32_t',
  elapsed_ns: 'uint64_t',
  fail_item: 'uint64_t',
  fail_offset: 'uint64_t',
  fail_expected: 'uint32_t',
  fail_found: 'uint32_t',
  stats: mm_stats,
});

koffi.struct('mm_budget', {
  address_bytes: 'uint64_t',
  memory_bytes: 'uint64_t',
});

koffi.struct('mm_budget_state', {
  address_bytes: 'uint64_t',
  memory_bytes: 'uint64_t',
  base_virtual_bytes: 'uint64_t',
  counted_bytes: 'uint64_t',
  peak_counted_bytes: 'uint64_t',
  virtual_growth_bytes: 'uint64_t',
  peak_virtual_growth_bytes: 'uint64_t',
  hit: 'int32_t',
  reserved: 'int32_t',
  at_item: 'uint64_t',
  stored_bytes: 'uint64_t',
});

// issue 16: latency, stalls, residency, a run's insight (memmap.h, memmap_lab.h)
const LATENCY_BUCKETS = 252; // MM_LATENCY_BUCKETS
koffi.struct('mm_latency', {
  count: 'uint64_t', timed: 'uint64_t', sum_ns: 'uint64_t', min_ns: 'uint64_t', max_ns: 'uint64_t',
  p50_ns: 'uint64_t', p99_ns: 'uint64_t', p999_ns: 'uint64_t',
  buckets: koffi.array('uint64_t', LATENCY_BUCKETS, 'Array'),
});
const mm_stall = koffi.struct('mm_stall', {
  start_ns: 'uint64_t', duration_ns: 'uint64_t', old_size: 'uint64_t', new_size: 'uint64_t', bytes_copied: 'uint64_t',
  strategy: 'uint32_t', reserved: 'uint32_t',
});
const STALLS_KEPT = 64; // MM_STALLS_KEPT
koffi.struct('mm_residency', {
  file_bytes: 'uint64_t', resident_bytes: 'uint64_t', dirty_bytes: 'uint64_t', dirty_known: 'int32_t', views_only: 'int32_t',
  cell_bytes: 'uint64_t', cells: 'uint32_t', reserved: 'uint32_t', cost_ns: 'uint64_t', source: koffi.array('char', 72),
});
koffi.struct('mm_run_insight', {
  cache: 'int32_t', evict_how: 'uint32_t', evict_ns: 'uint64_t', resident_before_evict: 'uint64_t', resident_after_evict: 'uint64_t',
  elapsed_ns: 'uint64_t', copy_compare_ns: 'uint64_t', heap_ns: 'uint64_t', map_ns: 'uint64_t', grow_ns: 'uint64_t', fault_ns: 'uint64_t',
  minor_faults: 'uint64_t', major_faults: 'uint64_t', ns_per_fault: 'uint64_t', growth_faults: 'uint64_t',
});

koffi.opaque('mm_run');
koffi.opaque('mm_heap');

/** mm_stats as koffi decodes it (field names of memmap.h). */
type RawStats = Record<CounterCField, number>;
type RawProcessStats = Record<'rss_bytes' | 'peak_rss_bytes' | 'virtual_bytes' | 'minor_faults' | 'major_faults', number>;

export interface RawSnapshot {
  ops_done: number; ops_total: number; items_done: number; phase: number; finished: number; stats: RawStats;
}
export interface RawResult {
  status: number; verified: number; elapsed_ns: number; fail_item: number; fail_offset: number;
  fail_expected: number; fail_found: number; stats: RawStats;
}

/** mm_budget_state as koffi decodes it. */
export interface RawBudgetState {
  address_bytes: number; memory_bytes: number; base_virtual_bytes: number; counted_bytes: number;
  peak_counted_bytes: number; virtual_growth_bytes: number; peak_virtual_growth_bytes: number;
  /** 0 none, 1 address, 2 memory (mm_budget_kind) */
  hit: number; at_item: number; stored_bytes: number;
}

/** mm_run_insight as koffi decodes it. */
export interface RawRunInsight {
  cache: number; evict_how: number; evict_ns: number; resident_before_evict: number; resident_after_evict: number;
  elapsed_ns: number; copy_compare_ns: number; heap_ns: number; map_ns: number; grow_ns: number; fault_ns: number;
  minor_faults: number; major_faults: number; ns_per_fault: number; growth_faults: number;
}

/** A growth stall as the library records it (ns after the heap was opened). */
export interface RawStall { startNs: number; durationNs: number; oldSize: number; newSize: number; bytesCopied: number }

export type RunHandle = unknown;

/** The functions of libmemmap, typed. */
export class MemMapLibrary {
  private readonly lib: LibraryHandle;
  readonly version: () => string;
  readonly pageSize: () => number;
  readonly allocationGranularity: () => number;
  readonly strerror: (code: number) => string;
  private readonly runCreate: KoffiFunction;
  private readonly runStep: KoffiFunction;
  private readonly runCancel: KoffiFunction;
  private readonly runSnapshot: KoffiFunction;
  private readonly runResult: KoffiFunction;
  private readonly runHeap: KoffiFunction;
  private readonly runLastError: KoffiFunction;
  private readonly runDestroy: KoffiFunction;
  private readonly eventsDrain: KoffiFunction;
  private readonly heapFilePath: KoffiFunction;
  private readonly heapDiskBytes: KoffiFunction;
  private readonly processStats: KoffiFunction;
  private readonly removeIfStaleFn: KoffiFunction;
  private readonly runBudgetState: KoffiFunction;
  private readonly addressLimitSet: KoffiFunction;
  private readonly eventSize: number;
  private readonly heapLatency: KoffiFunction;
  private readonly heapStalls: KoffiFunction;
  private readonly heapResidency: KoffiFunction;
  private readonly runSetColdVerify: KoffiFunction;
  private readonly runInsightGet: KoffiFunction;
  private readonly bucketFloors: number[];

  constructor(libraryPath: string) {
    this.lib = koffi.load(libraryPath);
    const f = (decl: string) => this.lib.func(decl);
    const version = f('const char *mm_version(void)');
    const pageSize = f('uint64_t mm_os_page_size(void)');
    const gran = f('uint64_t mm_os_allocation_granularity(void)');
    const strerror = f('const char *mm_strerror(int code)');
    this.version = () => version() as string;
    this.pageSize = () => Number(pageSize());
    this.allocationGranularity = () => Number(gran());
    this.strerror = (code) => strerror(code) as string;
    this.runCreate = f('int mm_run_create_budgeted(const mm_run_config *cfg, const mm_budget *budget, _Out_ mm_run **out, _Out_ uint8_t *msg, size_t msg_len)');
    this.runBudgetState = f('int mm_run_budget_state(const mm_run *run, _Out_ mm_budget_state *out)');
    this.addressLimitSet = f('int mm_process_address_limit_set(uint64_t limit_bytes, _Out_ uint64_t *previous, _Out_ uint8_t *msg, size_t msg_len)');
    this.runStep = f('int mm_run_step(mm_run *run, uint64_t max_ops, uint32_t until_mask, uint64_t budget_ns, uint64_t *ops)');
    this.runCancel = f('void mm_run_cancel(mm_run *run)');
    this.runSnapshot = f('int mm_run_snapshot(const mm_run *run, _Out_ mm_snapshot *out)');
    this.runResult = f('int mm_run_result(const mm_run *run, _Out_ mm_result *out)');
    this.runHeap = f('mm_heap *mm_run_heap(mm_run *run)');
    this.runLastError = f('const char *mm_run_last_error(const mm_run *run)');
    this.runDestroy = f('void mm_run_destroy(mm_run *run)');
    this.eventsDrain = f('int mm_heap_events_drain(mm_heap *heap, _Out_ uint8_t *out, uint32_t max, _Out_ uint64_t *dropped)');
    this.heapFilePath = f('const char *mm_heap_file_path(const mm_heap *heap)');
    this.heapDiskBytes = f('int mm_heap_disk_bytes(const mm_heap *heap, _Out_ uint64_t *out)');
    this.processStats = f('int mm_process_stats_get(_Out_ mm_process_stats *out)');
    this.removeIfStaleFn = f('int mm_disk_file_remove_if_stale(const char *path, _Out_ uint8_t *msg, size_t msg_len)');
    this.eventSize = koffi.sizeof(mm_event);
    this.heapLatency = f('int mm_heap_latency(const mm_heap *heap, int op, _Out_ mm_latency *out)');
    this.heapStalls = f('int mm_heap_stalls(const mm_heap *heap, _Out_ uint8_t *out, uint32_t max, _Out_ uint64_t *total)');
    this.heapResidency = f('int mm_heap_residency(mm_heap *heap, uint32_t max_cells, _Out_ mm_residency *out, _Out_ uint8_t *cells)');
    this.runSetColdVerify = f('int mm_run_set_cold_verify(mm_run *run, int on)');
    this.runInsightGet = f('int mm_run_insight_get(const mm_run *run, _Out_ mm_run_insight *out)');
    const floor = f('uint64_t mm_latency_bucket_floor(uint32_t i)');
    // The bucket edges, once: bucket i is [floors[i], floors[i + 1]).
    this.bucketFloors = Array.from({ length: LATENCY_BUCKETS + 1 }, (_, i) => Number(floor(i)));
  }

  /** Cold verify (before the first step); throws a NativeError with the library's sentence. */
  setColdVerify(run: RunHandle, on: boolean): void {
    const rc = this.runSetColdVerify(run, on ? 1 : 0) as number;
    if (rc !== 0) throw new NativeError(rc, this.lastError(run) || this.strerror(rc));
  }

  /** Each operation's latency histogram (non-empty buckets only); all zero without a heap (baseline). Between steps. */
  latency(run: RunHandle): Latency {
    const heap = this.runHeap(run);
    const out = {} as Latency;
    LATENCY_OPS.forEach((op, i) => {
      const raw = { buckets: [] as number[] } as Record<string, number> & { buckets: number[] };
      if (!heap || (this.heapLatency(heap, i, raw) as number) !== 0) {
        out[op] = { count: 0, timed: 0, sumNs: 0, minNs: 0, maxNs: 0, p50Ns: 0, p99Ns: 0, p999Ns: 0, buckets: [] };
        return;
      }
      const buckets: LatencyBucket[] = [];
      raw.buckets.forEach((n, b) => {
        if (Number(n) > 0) buckets.push([this.bucketFloors[b], this.bucketFloors[b + 1], Number(n)]);
      });
      const l: OpLatency = {
        count: Number(raw.count), timed: Number(raw.timed), sumNs: Number(raw.sum_ns), minNs: Number(raw.min_ns), maxNs: Number(raw.max_ns),
        p50Ns: Number(raw.p50_ns), p99Ns: Number(raw.p99_ns), p999Ns: Number(raw.p999_ns), buckets,
      };
      out[op] = l;
    });
    return out;
  }

  /** The heap's growth stalls, oldest first; [] without a heap. Between steps. */
  stalls(run: RunHandle): RawStall[] {
    const heap = this.runHeap(run);
    if (!heap) return [];
    const size = koffi.sizeof(mm_stall);
    const buf = Buffer.alloc(STALLS_KEPT * size);
    const total = [0];
    const n = this.heapStalls(heap, buf, STALLS_KEPT, total) as number;
    const out: RawStall[] = [];
    for (let i = 0; i < n; i++) {
      const s = koffi.decode(buf, i * size, mm_stall) as Record<string, number>;
      out.push({
        startNs: Number(s.start_ns), durationNs: Number(s.duration_ns), oldSize: Number(s.old_size), newSize: Number(s.new_size),
        bytesCopied: Number(s.bytes_copied),
      });
    }
    return out;
  }

  /** Which pages of the heap's file are resident, as a strip of at most maxCells cells; undefined without a heap or on failure. Between steps. */
  residency(run: RunHandle, maxCells: number): Residency | undefined {
    const heap = this.runHeap(run);
    if (!heap) return undefined;
    const raw = {} as Record<string, number> & { source: string };
    const cells = Buffer.alloc(maxCells);
    if ((this.heapResidency(heap, maxCells, raw, cells) as number) !== 0) return undefined;
    const text = String(raw.source);
    const source: ResidencySource = text.startsWith('QueryWorkingSetEx') ? 'QueryWorkingSetEx'
      : text === 'cachestat' || text === 'mincore' ? text : 'none';
    return {
      fileBytes: Number(raw.file_bytes),
      residentBytes: Number(raw.resident_bytes),
      ...(raw.dirty_known ? { dirtyBytes: Number(raw.dirty_bytes) } : {}),
      source,
      viewsOnly: raw.views_only === 1,
      costNs: Number(raw.cost_ns),
      strip: encodeStrip(cells, Number(raw.cells), Number(raw.cell_bytes)),
    };
  }

  /** The run's cache, eviction and time parts (mm_run_insight_get). */
  runInsight(run: RunHandle): RawRunInsight {
    const out = {} as RawRunInsight;
    this.runInsightGet(run, out);
    return out;
  }

  /** The MM_EVICT_* bits as names. */
  static evictMethods(bits: number): EvictMethod[] {
    return EVICT_METHODS.filter((_, i) => (bits >> i) & 1);
  }

  /**
   * Removes a disk file only if it is provably a dead runner's (this user's,
   * carrying the library's marker, its lock free); says why otherwise.
   */
  removeIfStale(file: string): { removed: boolean; reason: string } {
    const msg = Buffer.alloc(512);
    const rc = this.removeIfStaleFn(file, msg, msg.length) as number;
    return { removed: rc === 1, reason: cString(msg) };
  }

  /** Create a run (with budgets: 0 = none); throws a NativeError with the library's message. */
  createRun(parameters: RunParameters, eventCapacity: number, budget: { addressBytes?: number; memoryBytes?: number } = {}): RunHandle {
    const cfg = {
      heap: {
        mode: enumValue(MODE_ENUM, parameters.mode),
        growth: enumValue(GROWTH_ENUM, parameters.growth),
        view: enumValue(VIEW_ENUM, parameters.view),
        offset_bits: parameters.offsetBits,
        initial_file_size: parameters.initialFileSize,
        view_size: parameters.viewSize,
        granularity: parameters.granularity,
        prefault: parameters.prefault ? 1 : 0,
        event_capacity: eventCapacity,
        disk_dir: parameters.diskDir ?? null,
        name_prefix: DISK_FILE_PREFIX,
      },
      scenario: enumValue(SCENARIO_ENUM, parameters.scenario),
      seed: parameters.seed,
      items: parameters.items,
    };
    const out: unknown[] = [null];
    const msg = Buffer.alloc(1024);
    const b = { address_bytes: budget.addressBytes ?? 0, memory_bytes: budget.memoryBytes ?? 0 };
    const rc = this.runCreate(cfg, b, out, msg, msg.length) as number;
    if (rc !== 0) {
      // The run is not created: the library says why (what failed, what is allowed).
      throw new NativeError(rc, cString(msg) || this.strerror(rc));
    }
    if (parameters.coldVerify) {
      try {
        this.setColdVerify(out[0], true);
      } catch (err) {
        this.runDestroy(out[0]);
        throw err;
      }
    }
    return out[0];
  }

  /** Work on a worker thread (koffi async), so the JS thread stays free. */
  stepAsync(run: RunHandle, maxOps: number, untilMask: number, budgetNs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.runStep.async(run, maxOps, untilMask, budgetNs, null, (err: unknown, rc: number) => {
        if (err) reject(err);
        else resolve(rc);
      });
    });
  }

  /** Thread-safe: may be called while stepAsync works. */
  cancel(run: RunHandle): void {
    this.runCancel(run);
  }

  /** Throws a NativeError when no consistent snapshot could be read (the library gives up after 200 ms). */
  snapshot(run: RunHandle): RawSnapshot {
    const out = {} as RawSnapshot;
    const rc = this.runSnapshot(run, out) as number;
    if (rc !== 0) throw new NativeError(rc, 'no consistent progress snapshot could be read within 200 ms (the run\'s progress record stayed half-written)');
    return out;
  }

  result(run: RunHandle): RawResult {
    const out = {} as RawResult;
    this.runResult(run, out);
    return out;
  }

  /** Where the run stands against its budgets (between steps). */
  budgetState(run: RunHandle): RawBudgetState {
    const out = {} as RawBudgetState;
    this.runBudgetState(run, out);
    return out;
  }

  /**
   * The OS safety net behind the library's budget: the process's address-space
   * limit (RLIMIT_AS soft limit), `null` lifting it. Returns the limit before
   * (`null`: none) and, when the OS does not enforce one, the reason.
   */
  setAddressLimit(limitBytes: number | null): { previous: number | null; ok: boolean; reason: string } {
    const prev = [0n];
    const msg = Buffer.alloc(512);
    const limit = limitBytes === null ? 0xffff_ffff_ffff_ffffn : BigInt(Math.floor(limitBytes));
    const rc = this.addressLimitSet(limit, prev, msg, msg.length) as number;
    const p = BigInt(prev[0]);
    return { previous: p === 0xffff_ffff_ffff_ffffn ? null : Number(p), ok: rc === 0, reason: cString(msg) };
  }

  lastError(run: RunHandle): string {
    return (this.runLastError(run) as string | null) ?? '';
  }

  filePath(run: RunHandle): string {
    const heap = this.runHeap(run);
    if (!heap) return '';
    return (this.heapFilePath(heap) as string | null) ?? '';
  }

  /** Bytes the heap's backing occupies on its device (st_blocks * 512); 0 without a heap. Not while a step is in flight. */
  diskBytes(run: RunHandle): number {
    const heap = this.runHeap(run);
    if (!heap) return 0;
    const out = [0];
    const rc = this.heapDiskBytes(heap, out) as number;
    return rc === 0 ? Number(out[0]) : 0;
  }

  drainEvents(run: RunHandle, max = 4096): { events: MemMapEvent[]; dropped: number } {
    const heap = this.runHeap(run);
    if (!heap) return { events: [], dropped: 0 };
    const buf = Buffer.alloc(max * this.eventSize);
    const dropped = [0];
    const n = this.eventsDrain(heap, buf, max, dropped) as number;
    const events: MemMapEvent[] = [];
    for (let i = 0; i < n; i++) {
      // Read straight from the buffer where the host is little-endian (every supported target):
      // a recording drains every event, and koffi.decode per event cost seconds a million events.
      events.push(LITTLE_ENDIAN ? readEvent(buf, i * this.eventSize) : toEvent(koffi.decode(buf, i * this.eventSize, mm_event) as Record<string, number>));
    }
    return { events, dropped: Number(dropped[0]) };
  }

  /** Unmap and remove the file on the worker thread: a big file can take a while to delete. */
  destroyAsync(run: RunHandle): Promise<void> {
    return new Promise((resolve) => this.runDestroy.async(run, () => resolve()));
  }

  /** The runner process as a whole, as the OS counts it. */
  processFigures(): Omit<ProcessFigures, 'diskBytes' | 'processTotals'> {
    const out = {} as RawProcessStats;
    this.processStats(out);
    return {
      rssBytes: Number(out.rss_bytes),
      peakRssBytes: Number(out.peak_rss_bytes),
      virtualBytes: Number(out.virtual_bytes),
      minorFaults: Number(out.minor_faults),
      majorFaults: Number(out.major_faults),
    };
  }
}

export class NativeError extends Error {
  constructor(readonly rc: number, message: string) {
    super(message);
  }
  get code(): ErrorCode {
    return enumName(LIBRARY_ERROR_ENUM, this.rc) ?? 'internal';
  }
}

function cString(buf: Buffer): string {
  const end = buf.indexOf(0);
  return buf.subarray(0, end < 0 ? buf.length : end).toString('utf8');
}

const LITTLE_ENDIAN = os.endianness() === 'LE';
const EVENT_AT = {
  seq: koffi.offsetof(mm_event, 'seq'), kind: koffi.offsetof(mm_event, 'kind'), strategy: koffi.offsetof(mm_event, 'strategy'),
  offset: koffi.offsetof(mm_event, 'offset'), size: koffi.offsetof(mm_event, 'size'), address: koffi.offsetof(mm_event, 'address'),
  oldSize: koffi.offsetof(mm_event, 'old_size'), newSize: koffi.offsetof(mm_event, 'new_size'),
  bytesCopied: koffi.offsetof(mm_event, 'bytes_copied'), op: koffi.offsetof(mm_event, 'op'),
};

/** A little-endian uint64 as a number (exact below 2^53, as Number(BigInt) would give). */
function u64(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * 0x1_0000_0000;
}

/** The same event toEvent(koffi.decode(...)) gives, read from the buffer directly. */
export function readEvent(buf: Buffer, at: number): MemMapEvent {
  const lo = buf.readUInt32LE(at + EVENT_AT.address);
  const hi = buf.readUInt32LE(at + EVENT_AT.address + 4);
  return {
    seq: u64(buf, at + EVENT_AT.seq),
    kind: enumName(EVENT_KIND_ENUM, buf.readUInt32LE(at + EVENT_AT.kind)) ?? 'alloc',
    op: u64(buf, at + EVENT_AT.op),
    offset: u64(buf, at + EVENT_AT.offset),
    size: u64(buf, at + EVENT_AT.size),
    address: hi === 0 ? `0x${lo.toString(16)}` : `0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')}`,
    oldSize: u64(buf, at + EVENT_AT.oldSize),
    newSize: u64(buf, at + EVENT_AT.newSize),
    bytesCopied: u64(buf, at + EVENT_AT.bytesCopied),
    strategy: enumName(GROWTH_ENUM, buf.readUInt32LE(at + EVENT_AT.strategy)) ?? 'seed',
  };
}

export function toEvent(raw: Record<string, number>): MemMapEvent {
  return {
    seq: Number(raw.seq),
    kind: enumName(EVENT_KIND_ENUM, raw.kind) ?? 'alloc',
    op: Number(raw.op),
    offset: Number(raw.offset),
    size: Number(raw.size),
    address: '0x' + BigInt(raw.address).toString(16),
    oldSize: Number(raw.old_size),
    newSize: Number(raw.new_size),
    bytesCopied: Number(raw.bytes_copied),
    strategy: enumName(GROWTH_ENUM, raw.strategy) ?? 'seed',
  };
}

export function toCounters(raw: RawStats): Counters {
  const out = {} as Counters; // every key is written below
  for (const c of COUNTERS) out[c.key] = Number(raw[c.cField]);
  return out;
}

/**
 * Where the compiled library is: $MEMMAP_LIB, else next to the bundle
 * (dist/), else the repo's dist/ when running from sources.
 */
export function findLibrary(bundleDir: string): string {
  const candidates = [
    process.env.MEMMAP_LIB,
    path.join(bundleDir, LIBRARY_FILE),
    path.join(bundleDir, '..', 'dist', LIBRARY_FILE),
  ].filter((p): p is string => !!p);
  for (const p of candidates) if (existsSync(p)) return path.resolve(p);
  throw new Error(`the native library ${LIBRARY_FILE} was not found (looked in ${candidates.join(', ')}); run npm run build`);
}

let loaded: MemMapLibrary | undefined;
/** Loads the library once and checks its error codes against common/nativeEnums.ts (throws on a mismatch). */
export function loadLibrary(bundleDir: string): MemMapLibrary {
  if (!loaded) {
    const lib = new MemMapLibrary(findLibrary(bundleDir));
    checkErrorTable(lib.strerror);
    loaded = lib;
  }
  return loaded;
}
