// webview/fileMapLayout.ts at its edges: a 1000-byte file in 10 columns of
// 100 bytes, the majority rules written out by hand (a column is unused when
// less than half of it is allocated, free when its free bytes are at least
// half of its allocated ones).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutFileMap } from '../../../webview/fileMapLayout';

const U = 0; // unused
const L = 1; // live
const F = 2; // free
const noView = { offset: 0, length: 0 };
const cells = (usedEnd: number, freeBlocks: [number, number][]) =>
  [...layoutFileMap({ fileSize: 1000, usedEnd, freeBlocks, view: noView }, 10).cells];

test('used up to exactly half a column: allocated; just under: unused', () => {
  assert.deepEqual(cells(450, []), [L, L, L, L, L, U, U, U, U, U]);
  assert.deepEqual(cells(449, []), [L, L, L, L, U, U, U, U, U, U]);
});

test('free bytes of exactly half the allocated ones: free; fewer: live', () => {
  assert.deepEqual(cells(1000, [[0, 50]]), [F, L, L, L, L, L, L, L, L, L]);
  assert.deepEqual(cells(1000, [[0, 48]]), [L, L, L, L, L, L, L, L, L, L]);
});

test('a free block across columns counts in each', () => {
  assert.deepEqual(cells(1000, [[150, 200]]), [L, F, F, F, L, L, L, L, L, L]);
});

test('free blocks at offset 0 count; before 0, at or past the end, or empty, they do not', () => {
  assert.deepEqual(cells(1000, [[0, 100]]), [F, L, L, L, L, L, L, L, L, L]);
  assert.deepEqual(cells(1000, [[-60, 120]]), [L, L, L, L, L, L, L, L, L, L]);
  assert.deepEqual(cells(1000, [[1000, 100], [5000, 10], [300, 0], [400, -5]]), [L, L, L, L, L, L, L, L, L, L]);
  assert.deepEqual(cells(1000, [[950, 500]]), [L, L, L, L, L, L, L, L, L, F]);
});

test('the view window: to scale, at least one column, clamped to the strip, none without a view', () => {
  const lay = (view: { offset: number; length: number }) => {
    const l = layoutFileMap({ fileSize: 1000, usedEnd: 1000, freeBlocks: [], view }, 10);
    return [l.viewX, l.viewWidth];
  };
  assert.deepEqual(lay({ offset: 300, length: 300 }), [3, 3]);
  assert.deepEqual(lay({ offset: 350, length: 100 }), [3, 2]);
  assert.deepEqual(lay({ offset: 300, length: 1 }), [3, 1]);
  assert.deepEqual(lay({ offset: 1000, length: 100 }), [9, 1]);
  assert.deepEqual(lay({ offset: 900, length: 5000 }), [9, 1]);
  assert.deepEqual(lay({ offset: 500, length: 0 }), [0, 0]);
  const l = layoutFileMap({ fileSize: 1000, usedEnd: 1000, freeBlocks: [], view: noView }, 7.9);
  assert.equal(l.cells.length, 7);
  assert.equal(layoutFileMap({ fileSize: 1000, usedEnd: 0, freeBlocks: [], view: noView }, 0).cells.length, 1);
});
