// What a run will need, from its parameters alone, before it starts: the
// bytes it stores, the size its mapping reaches, and so the disk (disk mode)
// or memory (page-file mode, baseline) it takes. Used to ask before a
// workspace scenario that needs more than a few GB runs. Pure: no imports
// but types. (issue 12 adds a preflight estimate to parameters.ts: the two
// are meant to become one.)
//
// Item sizes (native/src/scenario.c, heap.c):
//  - grow, deletions: item i stores (i mod 2000) UTF-16 'a's and a terminator,
//    2 * (i mod 2000 + 1) bytes, which the heap rounds up to a multiple of 4.
//  - random: one iteration per item; 10% add a batch of 100 items of lengths
//    0..99, 60% add one item of length 1, the rest delete or read one. The
//    estimate counts every add and no delete: an upper bound of the expected
//    bytes stored.
//  - baseline: the same strings on the C heap (malloc, not rounded to 4) plus
//    an index of one pointer per item.
// The mapping starts at initialFileSize and doubles until the bump pointer
// fits below its end.

import type { RunParameters } from './protocol';

/** Ask before a workspace scenario that needs more than this (disk or memory). */
export const LARGE_RUN_BYTES = 4 * 1024 * 1024 * 1024;

export interface RunEstimate {
  /** Bytes stored: the seed's TotAlloc (bytesAllocated) for grow and deletions and baseline; an upper bound for random. */
  bytesStored: number;
  /** Size of the mapping at the end (0 for baseline, which maps nothing). */
  fileBytes: number;
  /** Disk space the run takes at its peak (disk mode). */
  diskBytes: number;
  /** Memory the run takes at its peak besides the runner itself (page-file mapping or the C heap). */
  memoryBytes: number;
}

const CYCLE = 2000;
/** Heap bytes of one full cycle of 2000 items: sum over len 0..1999 of roundUp4(2 (len + 1)). */
const CYCLE_ROUNDED = 4 * 1001 * 1000;
/** malloc bytes of one full cycle: sum over len 0..1999 of 2 (len + 1). */
const CYCLE_EXACT = 2000 * 2001;
/** Bytes a random-scenario iteration adds at most on average: 0.1 * (a batch of lengths 0..99, rounded) + 0.6 * 4. */
const RANDOM_BYTES_PER_ITERATION = 0.1 * (4 * 51 * 50) + 0.6 * 4;
/** Per-item overhead of the baseline: an 8-byte index entry and about 16 bytes of malloc bookkeeping. */
const BASELINE_ITEM_OVERHEAD = 24;

/** Heap bytes of items 0..n-1 of grow/deletions, each rounded up to a multiple of 4. */
export function growBytes(items: number): number {
  const full = Math.floor(items / CYCLE);
  const r = items % CYCLE;
  // Lengths 0..r-1: roundUp4(2 (len + 1)) = 4 (floor(len / 2) + 1); with q = floor(r / 2), that sums to 4 (q + 1)(q + r mod 2).
  const q = Math.floor(r / 2);
  return full * CYCLE_ROUNDED + 4 * (q + 1) * (q + (r % 2));
}

/** malloc bytes of items 0..n-1 of the baseline (not rounded): sum of 2 (len + 1). */
export function baselineBytes(items: number): number {
  const full = Math.floor(items / CYCLE);
  const r = items % CYCLE;
  return full * CYCLE_EXACT + r * (r + 1);
}

/** The mapping's size once it holds `bytes`: initial doubled until bytes < size. */
export function finalFileSize(initialFileSize: number, bytes: number): number {
  let size = initialFileSize;
  while (size <= bytes && Number.isFinite(size)) size *= 2;
  return size;
}

export function estimateRun(p: Pick<RunParameters, 'scenario' | 'mode' | 'items' | 'initialFileSize' | 'growth'>): RunEstimate {
  if (p.scenario === 'baseline') {
    const bytesStored = baselineBytes(p.items);
    return { bytesStored, fileBytes: 0, diskBytes: 0, memoryBytes: bytesStored + BASELINE_ITEM_OVERHEAD * p.items };
  }
  const bytesStored = p.scenario === 'random' ? Math.ceil(p.items * RANDOM_BYTES_PER_ITERATION) : growBytes(p.items);
  const fileBytes = finalFileSize(p.initialFileSize, bytesStored);
  // A growth that copies into a new backing holds the old one (half the size) too while it copies.
  const copies = p.growth === 'copy' || (p.growth === 'seed' && p.mode === 'pagefile');
  const peak = copies && fileBytes > p.initialFileSize ? fileBytes + fileBytes / 2 : fileBytes;
  return p.mode === 'disk'
    ? { bytesStored, fileBytes, diskBytes: peak, memoryBytes: 0 }
    : { bytesStored, fileBytes, diskBytes: 0, memoryBytes: peak };
}

/** True when the run needs more than `limit` bytes of disk or of memory. */
export function isLargeRun(e: RunEstimate, limit = LARGE_RUN_BYTES): boolean {
  return e.diskBytes > limit || e.memoryBytes > limit;
}
