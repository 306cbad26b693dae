// Layout of the file-map strip: the whole mapped file drawn to scale in
// `width` columns. Each column is classified by what covers most of it.

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

export function layoutFileMap(input: FileMapInput, width: number): FileMapLayout {
  const columns = Math.max(1, Math.floor(width));
  const cells = new Uint8Array(columns);
  if (!(input.fileSize > 0)) return { cells, viewX: 0, viewWidth: 0, bytesPerColumn: 0 };
  const perColumn = input.fileSize / columns;
  const usedEnd = Math.min(Math.max(0, input.usedEnd), input.fileSize);
  // Free bytes per column, then the majority decides.
  const free = new Float64Array(columns);
  for (const [offset, size] of input.freeBlocks) {
    if (!(size > 0) || offset >= input.fileSize || offset < 0) continue;
    let pos = offset;
    const end = Math.min(offset + size, input.fileSize);
    while (pos < end) {
      const col = Math.min(columns - 1, Math.floor(pos / perColumn));
      const colEnd = (col + 1) * perColumn;
      const take = Math.min(end, colEnd) - pos;
      free[col] += take;
      pos += take;
    }
  }
  for (let c = 0; c < columns; c++) {
    const start = c * perColumn;
    const end = start + perColumn;
    const used = Math.max(0, Math.min(end, usedEnd) - start);
    if (used < perColumn / 2) cells[c] = Cell.Unused;
    else cells[c] = free[c] >= used / 2 ? Cell.Free : Cell.Live;
  }
  let viewX = 0;
  let viewWidth = 0;
  if (input.view.length > 0) {
    viewX = Math.min(columns - 1, Math.floor(input.view.offset / perColumn));
    const viewEnd = Math.min(columns, Math.ceil((input.view.offset + input.view.length) / perColumn));
    viewWidth = Math.max(1, viewEnd - viewX); // always visible, even when tiny
  }
  return { cells, viewX, viewWidth, bytesPerColumn: perColumn };
}
