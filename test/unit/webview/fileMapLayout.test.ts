// The file-map layout: the exact repro of issue 12 (an infinite loop), and a
// seeded property test against an independent brute-force model that walks
// every byte of the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { createRequire } from 'node:module';
import { layoutFileMap, type FileMapInput } from '../../../webview/fileMapLayout';
import { rng } from '../rng';

/** Runs layoutFileMap (bundled afresh from its source) in a worker, so that a hang fails the test instead of freezing the runner. */
function layoutWithDeadline(input: FileMapInput, width: number, ms: number): Promise<{ cells: number[]; viewX: number; viewWidth: number }> {
  // esbuild is loaded at run time: the unit bundles keep it external.
  const { buildSync } = createRequire(__filename)('esbuild') as typeof import('esbuild');
  const bundle = buildSync({
    entryPoints: [path.resolve(__dirname, '../../../webview/fileMapLayout.ts')],
    bundle: true, write: false, format: 'cjs', platform: 'node', logLevel: 'silent',
  }).outputFiles[0].text;
  const src = `
    const { parentPort, workerData } = require('node:worker_threads');
    const module = { exports: {} };
    new Function('module', 'exports', workerData.bundle)(module, module.exports);
    const l = module.exports.layoutFileMap(workerData.input, workerData.width);
    parentPort.postMessage({ cells: [...l.cells], viewX: l.viewX, viewWidth: l.viewWidth });`;
  return new Promise((resolve, reject) => {
    const w = new Worker(src, { eval: true, workerData: { bundle, input, width } });
    const timer = setTimeout(() => { void w.terminate(); reject(new Error(`layoutFileMap did not return within ${ms} ms`)); }, ms);
    w.once('message', (m) => { clearTimeout(timer); void w.terminate(); resolve(m); });
    w.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

test('file map layout: the issue 12 repro returns (it looped for ever: a column end by rounding)', async () => {
  // Generous deadline: the function takes microseconds; the bug never returned.
  const l = await layoutWithDeadline({ fileSize: 1048576, usedEnd: 1048576, freeBlocks: [[171267, 5000]], view: { offset: 0, length: 0 } }, 300, 20_000);
  assert.equal(l.cells.length, 300);
  // 1048576 / 300 = 3495.25 bytes a column: the free block 171267..176267 covers
  // columns 49 (from 171267 to 174762, 3495 of 3495 bytes) and part of 50.
  assert.equal(l.cells[49], 2);
  assert.equal(l.viewWidth, 0);
});

// --- independent model -------------------------------------------------------
// Column c shows the bytes [floor(c*F/W), floor((c+1)*F/W)) — or, when that is
// empty (a file smaller than the strip), the one byte at floor(c*F/W). A byte is
// unused at or past the bump pointer, free when a free block covers it, live
// otherwise. A column is unused when fewer than half its bytes were ever
// allocated; otherwise free when at least half of those are free, else live.
function modelLayout(input: FileMapInput, width: number): { cells: number[]; colStart: (c: number) => number; colEnd: (c: number) => number } {
  const F = input.fileSize;
  const W = width;
  const byteClass = new Uint8Array(F); // 0 unused, 1 live, 2 free
  for (let b = 0; b < Math.min(F, input.usedEnd); b++) byteClass[b] = 1;
  for (const [o, s] of input.freeBlocks) for (let b = o; b < o + s && b < F; b++) if (b >= 0 && byteClass[b] !== 0) byteClass[b] = 2;
  const start = (c: number) => Number((BigInt(c) * BigInt(F)) / BigInt(W));
  const end = (c: number) => Math.max(start(c + 1), Math.min(start(c) + 1, F));
  const cells: number[] = [];
  for (let c = 0; c < W; c++) {
    let used = 0;
    let free = 0;
    for (let b = start(c); b < end(c); b++) {
      if (byteClass[b] !== 0) used++;
      if (byteClass[b] === 2) free++;
    }
    const n = end(c) - start(c);
    cells.push(2 * used < n ? 0 : 2 * free >= used ? 2 : 1);
  }
  return { cells, colStart: start, colEnd: end };
}


function randomInput(r: () => number, maxFile: number): FileMapInput {
  const int = (n: number) => Math.floor(r() * n);
  const fileSize = 1 + int(maxFile);
  const usedEnd = r() < 0.2 ? fileSize : int(fileSize + 1);
  // Free blocks do not overlap (the heap's free lists never do), all below the bump pointer.
  const freeBlocks: [number, number][] = [];
  let pos = 0;
  const count = int(40);
  for (let i = 0; i < count && pos < usedEnd; i++) {
    const gap = int(Math.max(1, usedEnd / 10));
    const size = 1 + int(Math.max(1, usedEnd / 8));
    if (pos + gap + size > usedEnd) break;
    freeBlocks.push([pos + gap, size]);
    pos += gap + size;
  }
  const viewLength = r() < 0.2 ? 0 : 1 + int(fileSize);
  const viewOffset = int(fileSize);
  return { fileSize, usedEnd, freeBlocks, view: { offset: viewOffset, length: viewLength } };
}

test('file map layout: property test against a brute-force model (seeded, 600 cases)', () => {
  const seed = 20261129;
  const r = rng(seed);
  for (let i = 0; i < 600; i++) {
    const input = randomInput(r, i < 100 ? 300 : 40_000); // the first 100 are smaller than the strip
    const width = 1 + Math.floor(r() * 700);
    const where = `case ${i} (seed ${seed}): ${JSON.stringify({ ...input, freeBlocks: input.freeBlocks.length })}, width ${width}`;
    const l = layoutFileMap(input, width);
    const m = modelLayout(input, width);
    assert.equal(l.cells.length, width, where);
    assert.deepEqual([...l.cells], m.cells, where);
    if (input.view.length === 0) {
      assert.equal(l.viewWidth, 0, where);
    } else {
      assert.ok(l.viewX >= 0 && l.viewWidth >= 1 && l.viewX + l.viewWidth <= width, `${where}: view ${l.viewX}+${l.viewWidth}`);
      // The window covers the view's bytes (those inside the file) and no column wholly outside them.
      const vEnd = Math.min(input.view.offset + input.view.length, input.fileSize);
      assert.ok(m.colStart(l.viewX) <= input.view.offset && m.colEnd(l.viewX) > input.view.offset, `${where}: first view column`);
      const last = l.viewX + l.viewWidth - 1;
      assert.ok(m.colEnd(last) >= vEnd && m.colStart(last) < vEnd, `${where}: last view column`);
    }
  }
});

test('file map layout: huge files and many blocks terminate and stay consistent (seeded)', () => {
  const r = rng(7);
  for (let i = 0; i < 200; i++) {
    const fileSize = Math.floor(r() * 2 ** 40) + 1;
    const width = 1 + Math.floor(r() * 4000);
    const blocks: [number, number][] = [];
    for (let k = 0; k < 500; k++) {
      const o = Math.floor(r() * fileSize);
      blocks.push([o, 1 + Math.floor(r() * Math.min(fileSize - o, 2 ** 32))]);
    }
    // Plus the fractional-rounding shape of the repro, scaled: a block starting in a column's last byte.
    blocks.push([Math.floor(fileSize / width) * 7 + 3, 5000]);
    const l = layoutFileMap({ fileSize, usedEnd: fileSize, freeBlocks: blocks, view: { offset: Math.floor(r() * fileSize), length: 131072 } }, width);
    assert.equal(l.cells.length, width);
    assert.ok(l.cells.every((c) => c === 1 || c === 2), `case ${i}: everything below the bump pointer is live or free`);
    assert.ok(l.viewWidth >= 1 && l.viewX + l.viewWidth <= width, `case ${i}`);
  }
});

test('file map layout: bad input is ignored, never thrown on or looped on', () => {
  const bad: FileMapInput = {
    fileSize: 1e6, usedEnd: Number.NaN,
    freeBlocks: [[Number.NaN, 10], [10, Number.POSITIVE_INFINITY], [-5, 10], [2e6, 5], [0, 0], [0.5, 100.25]],
    view: { offset: Number.NaN, length: 100 },
  };
  const l = layoutFileMap(bad, 100);
  assert.equal(l.cells.length, 100);
  assert.ok(l.viewX >= 0 && l.viewX + l.viewWidth <= 100);
  for (const fileSize of [Number.NaN, -1, 0, Number.POSITIVE_INFINITY]) {
    const e = layoutFileMap({ fileSize, usedEnd: 0, freeBlocks: [[0, 1]], view: { offset: 0, length: 1 } }, 50);
    assert.equal(e.cells.length, 50);
    assert.equal(e.viewWidth, 0);
  }
});
