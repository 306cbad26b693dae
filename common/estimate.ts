// What a run will need, from its parameters alone, before it starts: the size its
// mapping reaches, and so the disk (disk mode) or memory (page-file mode,
// baseline) it takes. The bytes stored come from the one item-size model,
// estimateStoredBytes in parameters.ts. Used to ask before a workspace scenario
// that needs more than a few GB runs. The mapping starts at initialFileSize and
// doubles until the bump pointer fits below its end.

import { estimateStoredBytes } from './parameters';
import type { RunParameters } from './protocol';

/** Ask before a workspace scenario that needs more than this (disk or memory). */
export const LARGE_RUN_BYTES = 4 * 1024 * 1024 * 1024;

export interface RunEstimate {
  /** Bytes stored at the peak: exact for grow, deletions and baseline; the random mix's average. */
  bytesStored: number;
  /** Size of the mapping at the end (0 for baseline, which maps nothing). */
  fileBytes: number;
  /** Disk space the run takes at its peak (disk mode). */
  diskBytes: number;
  /** Memory the run takes at its peak besides the runner itself (page-file mapping or the C heap). */
  memoryBytes: number;
}

/** Per-item overhead of the baseline: an 8-byte index entry and about 16 bytes of malloc bookkeeping. */
const BASELINE_ITEM_OVERHEAD = 24;

/** The mapping's size once it holds `bytes`: initial doubled until bytes < size. */
export function finalFileSize(initialFileSize: number, bytes: number): number {
  let size = initialFileSize;
  while (size <= bytes && Number.isFinite(size)) size *= 2;
  return size;
}

export function estimateRun(p: Pick<RunParameters, 'scenario' | 'mode' | 'items' | 'initialFileSize' | 'growth'>): RunEstimate {
  const bytesStored = estimateStoredBytes(p).bytes;
  if (p.scenario === 'baseline') {
    return { bytesStored, fileBytes: 0, diskBytes: 0, memoryBytes: bytesStored + BASELINE_ITEM_OVERHEAD * p.items };
  }
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
