import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decimate, type Point } from '../../../webview/decimate';
import { layoutFileMap } from '../../../webview/fileMapLayout';

test('decimate keeps short series as they are', () => {
  const pts = [{ x: 0, y: 1 }, { x: 1, y: 2 }];
  assert.deepEqual(decimate(pts, 10), pts);
});

test('decimate bounds the points and keeps extremes and the doubling steps', () => {
  // A file that doubles: steps at powers of two, as the seed's Resize.
  const pts: Point[] = [];
  let size = 65536;
  for (let i = 0; i < 100000; i++) {
    if (i * 2000 >= size) size *= 2;
    pts.push({ x: i, y: size });
  }
  const d = decimate(pts, 400);
  assert.ok(d.length <= 400, `${d.length} points`);
  // Every level that lasts at least two buckets (2 x 100000/100 points) stays visible.
  const runs = new Map<number, number>();
  for (const p of pts) runs.set(p.y, (runs.get(p.y) ?? 0) + 1);
  const kept = new Set(d.map((p) => p.y));
  const long = [...runs].filter(([, n]) => n >= 2000).map(([l]) => l);
  assert.ok(long.length >= 6, `test needs several long levels, has ${long.length}`);
  for (const l of long) assert.ok(kept.has(l), `level ${l} lost`);
  assert.deepEqual(d[0], pts[0]);
  assert.deepEqual(d.at(-1), pts.at(-1));
  for (let i = 1; i < d.length; i++) assert.ok(d[i].x > d[i - 1].x, 'x order kept');
  // A single spike survives.
  const spiky = Array.from({ length: 10000 }, (_, i) => ({ x: i, y: i === 5003 ? 999 : 1 }));
  assert.ok(decimate(spiky, 40).some((p) => p.y === 999));
});

test('file map layout: to scale, live / free / unused, view window', () => {
  const l = layoutFileMap({
    fileSize: 1000, usedEnd: 500,
    freeBlocks: [[100, 100]],
    view: { offset: 600, length: 100 },
  }, 10);
  assert.deepEqual([...l.cells], [1, 2, 1, 1, 1, 0, 0, 0, 0, 0]);
  assert.equal(l.viewX, 6);
  assert.equal(l.viewWidth, 1);
  assert.equal(l.bytesPerColumn, 100);
});

test('file map layout: a tiny view stays visible, bad input does not throw', () => {
  const l = layoutFileMap({ fileSize: 1 << 30, usedEnd: 1 << 29, freeBlocks: [[-5, 10], [1 << 31, 5], [0, 0]], view: { offset: 65536, length: 131072 } }, 500);
  assert.equal(l.viewWidth, 1);
  assert.equal(l.cells.length, 500);
  assert.equal(l.cells[0], 1);
  assert.equal(l.cells[499], 0);
  const empty = layoutFileMap({ fileSize: 0, usedEnd: 0, freeBlocks: [], view: { offset: 0, length: 0 } }, 100);
  assert.equal(empty.viewWidth, 0);
  assert.ok(empty.cells.every((c) => c === 0));
});
