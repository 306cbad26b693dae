// Layout of the file-map strip: the whole mapped file drawn to scale in
// `width` columns. Each column is classified by what covers most of it.
//
// All arithmetic is on integers (byte offsets are integers): column c shows
// the bytes [floor(c*F/W), floor((c+1)*F/W)), or the single byte at
// floor(c*F/W) when that range is empty (a file smaller than the strip). Every
// loop steps a column index by one, so it ends. (Issue 12: a floating-point
// column width once left a loop on a column end with nothing to take, for ever.)

export const enum Cell {
  Unused = 0,   // beyond the bump pointer: never allocated
  Live = 1,     // allocated and not freed
  Free = 2,     // in a free list
}

export interface FileMapInput {
  fileSize: number;
  /** End of the bump-allocated part (the seed's ulOffsetFreeMem). */
  usedEnd: number;
  /** Blocks in the free lists, [offset, size]. */
  freeBlocks: ReadonlyArray<readonly [number, number]>;
  view: { offset: number; length: number };
}

export interface FileMapLayout {
  cells: Uint8Array;
  /** View window in columns; width 0 when there is no view. */
  viewX: number;
  viewWidth: number;
  bytesPerColumn: number;
}

/** A non-negative integer no larger than `max`, or `fallback` for anything that is not a finite number. */
function toIndex(v: number, max: number, fallback: number): number {
  if (!Number.isFinite(v)) return fallback;
  return Math.min(max, Math.max(0, Math.floor(v)));
}

export function layoutFileMap(input: FileMapInput, width: number): FileMapLayout {
  const columns = Number.isFinite(width) ? Math.max(1, Math.floor(width)) : 1;
  const cells = new Uint8Array(columns);
  const fileSize = Number.isFinite(input.fileSize) ? Math.min(Number.MAX_SAFE_INTEGER, Math.floor(input.fileSize)) : 0;
  if (!(fileSize > 0)) return { cells, viewX: 0, viewWidth: 0, bytesPerColumn: 0 };
  // floor(c*F/W) exactly, without c*F overflowing 2^53: F = q*W + r.
  const q = Math.floor(fileSize / columns);
  const r = fileSize - q * columns;
  const colStart = (c: number): number => c * q + Math.floor((c * r) / columns);
  const colEnd = (c: number): number => Math.max(colStart(c + 1), Math.min(colStart(c) + 1, fileSize));
  /** The first column whose range ends after `pos` (colEnd is non-decreasing). */
  const firstColumnEndingAfter = (pos: number): number => {
    let lo = 0;
    let hi = columns - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (colEnd(mid) > pos) hi = mid; else lo = mid + 1;
    }
    return lo;
  };
  const usedEnd = toIndex(input.usedEnd, fileSize, 0);
  // Free bytes per column (below the bump pointer: past it nothing was ever allocated).
  const free = new Float64Array(columns);
  for (const [rawOffset, rawSize] of input.freeBlocks) {
    if (!Number.isFinite(rawOffset) || !Number.isFinite(rawSize) || rawOffset < 0 || !(rawSize > 0)) continue;
    const start = Math.floor(rawOffset);
    const end = Math.min(usedEnd, Math.floor(rawOffset + rawSize));
    if (start >= end) continue;
    for (let c = firstColumnEndingAfter(start); c < columns && colStart(c) < end; c++) {
      free[c] += Math.max(0, Math.min(end, colEnd(c)) - Math.max(start, colStart(c)));
    }
  }
  for (let c = 0; c < columns; c++) {
    const start = colStart(c);
    const bytes = colEnd(c) - start;
    const used = Math.max(0, Math.min(colEnd(c), usedEnd) - start);
    if (2 * used < bytes) cells[c] = Cell.Unused;
    else cells[c] = 2 * free[c] >= used ? Cell.Free : Cell.Live;
  }
  let viewX = 0;
  let viewWidth = 0;
  const viewLength = Number.isFinite(input.view.length) ? Math.max(0, Math.floor(input.view.length)) : 0;
  if (viewLength > 0) {
    const offset = toIndex(input.view.offset, fileSize - 1, 0);
    const end = Math.max(offset + 1, Math.min(fileSize, offset + viewLength));
    viewX = firstColumnEndingAfter(offset);
    const last = firstColumnEndingAfter(end - 1);
    viewWidth = Math.max(1, last - viewX + 1); // always visible, even when tiny
  }
  return { cells, viewX, viewWidth, bytesPerColumn: fileSize / columns };
}
