// Validates the seed model (test/model/) on its own: every expected number
// here was worked out by hand from the seed's MyMemMap.h /
// NativeMemMapDll.cpp / UnitTest1.cs, with the derivation in the comments.
// Abbreviations: K = 1024; "view {b, l}" = the mapping's view at file offset
// b, length l; desired = MapView's desiredViewSize.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { SeedMemMapModel, SeedModelError, roundit } from '../model/seedModel.mjs';
import {
  MsvcRand,
  growItemSize,
  runGrow,
  runDeletions,
  runRandom,
  runScenario,
} from '../model/scenarios.mjs';

const K = 1024;

/** Allocate `count` blocks of 4000 bytes (a multiple of 4: offsets are 4000 * k). */
function alloc4000(model, count) {
  const locs = [];
  for (let k = 0; k < count; k++) locs.push(model.allocateAndPut(4000));
  return locs;
}

describe('Roundit and MSVC rand', () => {
  test('Roundit rounds up to a multiple of 4', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 8, 4001].map(roundit), [0, 4, 4, 4, 4, 8, 8, 8, 4004]);
  });

  test('srand(1) gives the well-known first values 41, 18467, 6334, 26500, 19169', () => {
    const r = new MsvcRand(1);
    assert.deepEqual([r.next(), r.next(), r.next(), r.next(), r.next()], [41, 18467, 6334, 26500, 19169]);
  });

  test('grow item sizes follow makeString(i): 2 * ((i % 2000) + 1)', () => {
    assert.deepEqual([0, 1, 2, 1999, 2000, 2001].map(growItemSize), [2, 4, 6, 4000, 2, 4]);
  });
});

describe('AllocateSpace basics', () => {
  test('a fresh heap has all counters at zero and no view', () => {
    const m = new SeedMemMapModel();
    assert.deepEqual(m.stats, {
      allocs: 0, deletions: 0, recycledAllocs: 0, bytesAllocated: 0, bytesFreed: 0,
      fileMaps: 0, mapViews: 0, compactions: 0, freeListBytes: 0, fileSize: 0,
    });
    assert.equal(m.view, null);
  });

  test('size 0: counted as an alloc, zero locator, nothing created or mapped', () => {
    // nAllocs++ comes before `if (nSize > 0)`; everything else is inside it.
    const m = new SeedMemMapModel();
    assert.deepEqual(m.allocateAndPut(0), { offset: 0, size: 0 });
    assert.deepEqual(m.stats, {
      allocs: 1, deletions: 0, recycledAllocs: 0, bytesAllocated: 0, bytesFreed: 0,
      fileMaps: 0, mapViews: 0, compactions: 0, freeListBytes: 0, fileSize: 0,
    });
  });

  for (const mode of ['pagefile', 'disk']) {
    test(`first alloc (${mode}): one mapping, one view of min(view, file) = 64 KiB`, () => {
      // _dwFileSize == 0 -> Resize(64K) -> first CreateAMapping: nFileMaps = 1, no view.
      // Bump: 0 + 4 >= 64K? no. MapView: no view yet -> desired = min(128K, 64K) = 64K,
      // no clipping; nMapViews = 1.
      const m = new SeedMemMapModel({ mode });
      assert.deepEqual(m.allocateAndPut(2), { offset: 0, size: 4 });
      assert.deepEqual(m.stats, {
        allocs: 1, deletions: 0, recycledAllocs: 0, bytesAllocated: 4, bytesFreed: 0,
        fileMaps: 1, mapViews: 1, compactions: 0, freeListBytes: 0, fileSize: 64 * K,
      });
      assert.deepEqual(m.view, { base: 0, length: 64 * K });
    });
  }

  test('requests are rounded to 4 and bump-allocated back to back', () => {
    const m = new SeedMemMapModel();
    const locs = [1, 2, 3, 4, 5].map((n) => m.allocateAndPut(n));
    assert.deepEqual(locs, [
      { offset: 0, size: 4 }, { offset: 4, size: 4 }, { offset: 8, size: 4 },
      { offset: 12, size: 4 }, { offset: 16, size: 8 },
    ]);
    assert.equal(m.stats.bytesAllocated, 24);
    assert.equal(m.offsetFreeMem, 24);
    // All inside view {0, 64K}: fits (end < 64K, leftover + n < 64K), so still one view.
    assert.equal(m.stats.mapViews, 1);
  });

  test('a request whose rounded size is >= the view size is refused, but counted', () => {
    // nSize >= uiViewSize (128K) -> ASSERTF throws before Resize: nothing but nAllocs moves.
    const m = new SeedMemMapModel();
    for (const size of [128 * K, 128 * K - 2 /* rounds to 128K */, 200 * K]) {
      assert.throws(() => m.allocateAndPut(size), (e) => e instanceof SeedModelError && e.code === 'ETOOBIG');
    }
    assert.deepEqual(m.stats, {
      allocs: 3, deletions: 0, recycledAllocs: 0, bytesAllocated: 0, bytesFreed: 0,
      fileMaps: 0, mapViews: 0, compactions: 0, freeListBytes: 0, fileSize: 0,
    });
  });

  test('a request over 64 KiB: fine in disk mode, the seed asserts in page-file mode', () => {
    // 128K - 4 = 131068 < 128K view: accepted. Resize(64K) (maps 1), bump 0 + 131068 >= 64K
    // -> Resize(128K) (maps 2).
    // Disk: the re-created mapping has no view -> MapView maps without any test:
    //   desired = min(128K, 128K) = 128K; 1 view.
    const disk = new SeedMemMapModel({ mode: 'disk' });
    assert.deepEqual(disk.allocateAndPut(128 * K - 4), { offset: 0, size: 128 * K - 4 });
    assert.equal(disk.stats.fileMaps, 2);
    assert.equal(disk.stats.mapViews, 1);
    assert.equal(disk.stats.fileSize, 128 * K);
    // Page file: the copy loop (1 block) maps the viewless old mapping {0, 64K} (view 1) and
    // the new one {0, min(128K, old 64K)} (view 2); the new mapping keeps view {0, 64K}.
    // The alloc then does not fit (131068 < 64K false) -> remap branch, whose
    // ASSERTF(numBytesToMap <= AllocationGranularity) fires.
    const pf = new SeedMemMapModel({ mode: 'pagefile' });
    assert.throws(() => pf.allocateAndPut(128 * K - 4), (e) => e instanceof SeedModelError && e.code === 'EASSERT');
    assert.equal(pf.stats.fileMaps, 2);
    assert.equal(pf.stats.mapViews, 2);
  });
});

describe('growth and the sliding view (4000-byte blocks: block k at offset 4000k)', () => {
  // Blocks 0..15 end at <= 64000 < 64K: no growth, all fit view {0, 64K}.
  // Block 16 (offset 64000): 64000 + 4000 >= 64K -> Resize(128K).

  test('64 -> 128 KiB in disk mode: re-created mapping, one fresh view', () => {
    const m = new SeedMemMapModel({ mode: 'disk' });
    alloc4000(m, 16);
    assert.deepEqual([m.stats.fileMaps, m.stats.mapViews], [1, 1]);
    // Resize: unmap, close, CreateAMapping(128K): fileMaps 2, no view.
    // MapView(64000): no view -> desired = min(128K, 128K) = 128K at base 0: views 2.
    m.allocateAndPut(4000);
    assert.deepEqual([m.stats.fileMaps, m.stats.mapViews, m.stats.fileSize], [2, 2, 128 * K]);
    assert.deepEqual(m.view, { base: 0, length: 128 * K });
  });

  test('64 -> 128 KiB in page-file mode: the one-block copy costs two views, then a remap', () => {
    const m = new SeedMemMapModel({ mode: 'pagefile' });
    alloc4000(m, 16);
    assert.deepEqual([m.stats.fileMaps, m.stats.mapViews], [1, 1]);
    // Resize: CreateAMapping(128K): fileMaps 2. nBlocks = 64K / 64K = 1. Block {0, 64K}:
    //  old (view {0, 64K}): fits needs 0 + 64K < 0 + 64K: false -> remap; desired =
    //    min(128K, 64K) = 64K; 64K > 64K? no; 0 + 64K >= 64K -> 64K - 0 = 64K. views 2.
    //  new (no view): desired = min(128K, _currentMapping._dwFileSize = OLD 64K) = 64K,
    //    no clip. views 3. The new mapping keeps view {0, 64K}.
    // Alloc at 64000: 68000 < 64K? no -> remap; desired = min(128K, 128K) = 128K;
    //  64000 + 4000 > 128K? no; 0 + 128K >= 128K -> 128K. views 4.
    // (Had desired used the new mapping's size, its view would be {0, 128K}, the alloc
    //  would fit, and the count would be 3: this pins the _currentMapping quirk.)
    m.allocateAndPut(4000);
    assert.deepEqual([m.stats.fileMaps, m.stats.mapViews, m.stats.fileSize], [2, 4, 128 * K]);
    assert.deepEqual(m.view, { base: 0, length: 128 * K });
  });

  test("the grow test is '>=': a block that would end exactly at the file's end grows it", () => {
    // 4096-byte blocks: block 15 at 61440 ends at 64K; 61440 + 4096 >= 64K -> Resize(128K).
    // Disk: fileMaps 2, and the re-created mapping's first view is 2 (desired 128K at 0).
    const m = new SeedMemMapModel({ mode: 'disk' });
    for (let k = 0; k < 15; k++) m.allocateAndPut(4096);
    assert.deepEqual([m.stats.fileMaps, m.stats.mapViews, m.stats.fileSize], [1, 1, 64 * K]);
    assert.deepEqual(m.allocateAndPut(4096), { offset: 61440, size: 4096 });
    assert.deepEqual([m.stats.fileMaps, m.stats.mapViews, m.stats.fileSize], [2, 2, 128 * K]);
  });

  test('128 -> 256 KiB: page file copies two blocks for three views; the view slides back on dereference', () => {
    // Blocks 17..31 (up to offset 124000, end 128000 < 128K) fit view {0, 128K}
    // (e.g. 124000: leftover 124000 - 64K = 58464, + 4000 < 128K). Block 32 at 128000:
    // 132000 >= 128K -> Resize(256K).
    const pf = new SeedMemMapModel({ mode: 'pagefile' });
    const pfLocs = alloc4000(pf, 32);
    assert.deepEqual([pf.stats.fileMaps, pf.stats.mapViews], [2, 4]);
    // CreateAMapping(256K): fileMaps 3. nBlocks = 2.
    //  block 0 old, view {0, 128K}: 0 >= 0, 64K < 128K, 0 + 64K < 128K: fits, not counted.
    //  block 0 new, no view: desired = min(128K, old 128K) = 128K. views 5. new {0, 128K}.
    //  block 1 old: 64K + 64K < 128K? no -> remap; desired 128K; 0 + 64K > 128K? no;
    //    64K + 128K >= 128K -> clipped to 128K - 64K = 64K. views 6.
    //  block 1 new: 128K < 128K? no -> remap; desired 128K (from the old mapping);
    //    64K + 128K >= 256K? no -> 128K. views 7. new keeps view {64K, 128K}.
    // Alloc at 128000: base 64K, leftover 62464; 128000 >= 64K, 132000 < 192K,
    //  62464 + 4000 < 128K: fits. views stay 7.
    pfLocs.push(pf.allocateAndPut(4000));
    assert.deepEqual([pf.stats.fileMaps, pf.stats.mapViews, pf.stats.fileSize], [3, 7, 256 * K]);
    assert.deepEqual(pf.view, { base: 64 * K, length: 128 * K });
    // Dereference block 0: 0 >= 64K? no -> remap at base 0, desired 128K, no clip. views 8.
    pf.dereference(pfLocs[0]);
    assert.equal(pf.stats.mapViews, 8);
    assert.deepEqual(pf.view, { base: 0, length: 128 * K });

    // Disk: views 2 after the first growth; block 32 -> Resize(256K): fileMaps 3, no view;
    // MapView(128000): desired = min(128K, 256K) = 128K at base 64K. views 3. Deref block 0: 4.
    const disk = new SeedMemMapModel({ mode: 'disk' });
    const diskLocs = alloc4000(disk, 33);
    assert.deepEqual([disk.stats.fileMaps, disk.stats.mapViews, disk.stats.fileSize], [3, 3, 256 * K]);
    assert.deepEqual(disk.view, { base: 64 * K, length: 128 * K });
    disk.dereference(diskLocs[0]);
    assert.equal(disk.stats.mapViews, 4);
  });

  test('a 64 KiB view widens by one granule when a block straddles it', () => {
    // disk, file 256K (no growth here), view 64K.
    // Block 0: no view -> desired = min(64K, 256K) = 64K: view {0, 64K}, views 1.
    // Blocks 1..15 fit (end <= 64000 < 64K). Block 16 at 64000: 68000 < 64K? no -> remap;
    //  base 0, leftover 64000; 64000 + 4000 > 64K -> desired = 128K; 0 + 128K >= 256K? no.
    //  view {0, 128K}, views 2.
    // Blocks 17..31 fit (end <= 128000 < 128K). Block 32 at 128000: 132000 < 128K? no ->
    //  base 64K, leftover 62464; 66464 > 64K -> 128K; 64K + 128K >= 256K? no.
    //  view {64K, 128K}, views 3.
    const m = new SeedMemMapModel({ mode: 'disk', initialFileSize: 256 * K, viewSize: 64 * K });
    const locs = alloc4000(m, 16);
    assert.deepEqual([m.stats.mapViews, m.view], [1, { base: 0, length: 64 * K }]);
    locs.push(...alloc4000(m, 1));
    assert.deepEqual([m.stats.mapViews, m.view], [2, { base: 0, length: 128 * K }]);
    locs.push(...alloc4000(m, 16));
    assert.deepEqual([m.stats.mapViews, m.view], [3, { base: 64 * K, length: 128 * K }]);
    // Dereference block 0: 0 >= 64K? no -> base 0, leftover 0, 4000 > 64K? no: back to 64K.
    m.dereference(locs[0]);
    assert.deepEqual([m.stats.mapViews, m.view], [4, { base: 0, length: 64 * K }]);
    assert.deepEqual([m.stats.fileMaps, m.stats.fileSize], [1, 256 * K]);
  });

  test('disk mode with a one-granule view: the seed maps a view too short for the block', () => {
    // disk, file 64K, view 64K. Blocks 0..15 fit view {0, 64K}. Block 16 at 64000:
    // 68000 >= 64K -> Resize(128K): the re-created mapping has no view, so MapView takes
    // the no-view path: desired = min(64K, 128K) = 64K at base 0, with no widening
    // (the '+= AllocationGranularity' is only in the remap branch). The view ends at
    // 65536 but AllocateAndPut then memcpy's 4000 bytes from 64000: past the view.
    const m = new SeedMemMapModel({ mode: 'disk', viewSize: 64 * K });
    alloc4000(m, 16);
    assert.throws(() => m.allocateAndPut(4000), (e) => e instanceof SeedModelError && e.code === 'EFAULT');
    assert.deepEqual([m.stats.fileMaps, m.stats.mapViews], [2, 2]);
    // Page-file mode survives the same sequence: the new mapping keeps the copy loop's
    // view {0, 64K}, so the block takes the remap branch, which widens to 128K.
    const pf = new SeedMemMapModel({ mode: 'pagefile', viewSize: 64 * K });
    alloc4000(pf, 17);
    assert.deepEqual(pf.view, { base: 0, length: 128 * K });
  });

  test('disk mode with a view larger than the file: the seed asks for a view past the end', () => {
    // disk, file 64K, view 256K. Block 0: no view, desired = min(256K, 64K) = 64K (1).
    // Block 16 at 64000 -> Resize(128K), fresh mapping: desired = min(256K, 128K) = 128K
    //  at base 0: 0 + 128K <= 128K, fine (2). Blocks 17..31 fit view {0, 128K}.
    // Block 32 at 128000 -> Resize(256K), fresh mapping: base 64K, desired =
    //  min(256K, 256K) = 256K, not clipped on this path: 64K + 256K > 256K, so
    //  MapViewOfFileEx fails and ASSERTF("Can't MapView") throws (nMapViews already 3).
    const m = new SeedMemMapModel({ mode: 'disk', viewSize: 256 * K });
    alloc4000(m, 32);
    assert.deepEqual([m.stats.fileMaps, m.stats.mapViews, m.view], [2, 2, { base: 0, length: 128 * K }]);
    assert.throws(() => m.allocateAndPut(4000), (e) => e instanceof SeedModelError && e.code === 'EASSERT');
    assert.deepEqual([m.stats.fileMaps, m.stats.mapViews], [3, 3]);
  });

  test('a view near the end of the file is clipped to the file', () => {
    // disk, file 256K, view 128K, 65 blocks (the last ends at 260000 < 256K = 262144).
    // Block 0: view {0, 128K} (1). Block 32 (128000, end 132000 >= 128K): base 64K,
    //  64K + 128K >= 256K? no: {64K, 128K} (2). Block 49 (196000, end 200000 >= 192K):
    //  base 128K, 128K + 128K >= 256K -> clipped to 256K - 128K = 128K: {128K, 128K} (3).
    //  Blocks 50..64 fit (end <= 260000 < 256K; 256000: leftover 59392 + 4000 < 128K).
    const m = new SeedMemMapModel({ mode: 'disk', initialFileSize: 256 * K });
    const locs = alloc4000(m, 65);
    assert.deepEqual([m.stats.mapViews, m.stats.fileMaps, m.view], [3, 1, { base: 128 * K, length: 128 * K }]);
    m.dereference(locs[0]); // {0, 128K} (4)
    // Block 64 at 256000: base 192K; 192K + 128K >= 256K -> clipped to 64K. (5)
    m.dereference(locs[64]);
    assert.deepEqual([m.stats.mapViews, m.view], [5, { base: 192 * K, length: 64 * K }]);
    // Block 63 at 252000: 252000 >= 192K, 256000 < 256K, leftover 55392 + 4000 < 64K: fits.
    m.dereference(locs[63]);
    assert.equal(m.stats.mapViews, 5);
  });
});

describe('free lists', () => {
  test('exact-size LIFO reuse, with the counters moving as the seed moves them', () => {
    const m = new SeedMemMapModel();
    const a = m.allocateAndPut(8); // {0, 8}
    const b = m.allocateAndPut(6); // rounds to 8: {8, 8}
    const c = m.allocateAndPut(4); // {16, 4}
    m.deallocate(a);
    m.deallocate(b); // free list [8]: a, b
    assert.deepEqual(
      [m.stats.deletions, m.stats.bytesFreed, m.stats.freeListBytes],
      [2, 16, 16],
    );
    assert.deepEqual(m.allocateAndPut(7), b); // 7 -> 8: pop_back gives the last freed
    assert.deepEqual(m.allocateAndPut(8), a);
    assert.deepEqual(m.allocateAndPut(8), { offset: 20, size: 8 }); // list empty: bump
    assert.deepEqual(m.allocateAndPut(2), { offset: 28, size: 4 }); // no size-4 list yet: bump
    m.deallocate(c); // list [4]: c
    assert.deepEqual(m.allocateAndPut(12), { offset: 32, size: 12 }); // exact size only: bump
    assert.deepEqual(m.stats, {
      allocs: 8, deletions: 3, recycledAllocs: 2,
      bytesAllocated: 8 + 8 + 4 + 8 + 8 + 8 + 4 + 12, // every alloc, recycled or not
      bytesFreed: 8 + 8 + 4,
      fileMaps: 1, mapViews: 1, compactions: 0,
      freeListBytes: 16 - 8 - 8 + 4,
      fileSize: 64 * K,
    });
    assert.equal(m.offsetFreeMem, 44);
  });
});

describe('scenario drivers', () => {
  test('grow(3): sizes 2, 4, 6 -> 4, 4, 8; the verify dereferences all fit', () => {
    const s = runGrow(3).stats;
    assert.deepEqual(s, {
      allocs: 3, deletions: 0, recycledAllocs: 0, bytesAllocated: 16, bytesFreed: 0,
      fileMaps: 1, mapViews: 1, compactions: 0, freeListBytes: 0, fileSize: 64 * K,
    });
  });

  test('deletions(3): everything ends on the free lists', () => {
    const s = runDeletions(3).stats;
    assert.deepEqual(s, {
      allocs: 3, deletions: 3, recycledAllocs: 0, bytesAllocated: 16, bytesFreed: 16,
      fileMaps: 1, mapViews: 1, compactions: 0, freeListBytes: 16, fileSize: 64 * K,
    });
  });

  test('random(4), seed 1, by hand from the first five rand() values', () => {
    // it 0: rand 41 -> verb 41 * 100 / 32767 = 0.13 < 10: 100 adds of 2 (j + 1), j = 0..99.
    //   Rounded: 4 * ceil(m / 2) for m = 1..100 -> 4 * 2 * (1 + ... + 50) = 10200 bytes.
    // it 1: rand 18467 -> 56.4: add 4 bytes at offset 10200.
    // it 2: rand 6334 -> 19.3: delete; rand 26500 -> ndx = trunc(101 * 26500 / 32767)
    //   = trunc(81.68) = 81 -> item j = 81: size 164, offset sum of the rounded sizes of
    //   j = 0..80 = 4 * (2 * (1 + ... + 40) + 41) = 6724.
    // it 3: rand 19169 -> 58.5: add 4 bytes; no size-4 free block -> bump at 10204.
    // End: 101 live items freed once each, in vector order.
    const calls = [];
    const s = runRandom(4, {}, { onCall: (op, loc, i) => calls.push({ op, ...loc, i }) }).stats;
    assert.deepEqual(calls.slice(99, 103), [
      { op: 'alloc', offset: 10000, size: 200, i: 0 }, // j = 99: 2 * 100 = 200 at 10200 - 200
      { op: 'alloc', offset: 10200, size: 4, i: 1 },
      { op: 'free', offset: 6724, size: 164, i: 2 },
      { op: 'alloc', offset: 10204, size: 4, i: 3 },
    ]);
    assert.equal(calls.filter((c) => c.op === 'free' && c.i === 4).length, 101);
    assert.deepEqual(s, {
      allocs: 102, deletions: 102, recycledAllocs: 0, bytesAllocated: 10208, bytesFreed: 10208,
      fileMaps: 1, mapViews: 1, compactions: 0, freeListBytes: 10208, fileSize: 64 * K,
    });
  });

  test('random frees every live item exactly once (no double free as in the seed)', () => {
    const live = new Map();
    let doubleFree = 0;
    runRandom(3000, {}, {
      onCall: (op, loc) => {
        const key = `${loc.offset}`;
        if (op === 'alloc') live.set(key, loc.size);
        else if (op === 'free') {
          if (!live.has(key)) doubleFree++;
          live.delete(key);
        }
      },
    });
    assert.equal(doubleFree, 0);
    assert.equal(live.size, 0);
  });

  test('100,000-item grow: totals that can be worked out by hand', () => {
    // Rounded sizes over one 2000-item cycle: 4 * ceil(m / 2), m = 1..2000
    //  = 8 * (1 + ... + 1000) = 4,004,000; 50 cycles = 200,200,000 bytes.
    // The file doubles from 64K while offset + size >= size: 64K * 2^12 = 256 MiB is the
    // first power that exceeds 200.2 MB, so 1 + 12 mappings.
    for (const mode of ['pagefile', 'disk']) {
      const s = runScenario('grow', { items: 100_000, mode }).stats;
      assert.equal(s.bytesAllocated, 200_200_000);
      assert.equal(s.fileSize, 256 * K * K);
      assert.equal(s.fileMaps, 13);
      assert.equal(s.allocs, 100_000);
      assert.equal(s.compactions, 0);
    }
  });

  test('20,000-item deletions and random balance their books', () => {
    for (const mode of ['pagefile', 'disk']) {
      const d = runScenario('deletions', { items: 20_000, mode }).stats;
      assert.deepEqual(
        [d.deletions, d.bytesFreed, d.freeListBytes],
        [20_000, d.bytesAllocated, d.bytesAllocated],
      );
      const r = runScenario('random', { items: 20_000, mode }).stats;
      assert.equal(r.deletions, r.allocs);
      assert.equal(r.bytesFreed, r.bytesAllocated);
      // Recycled blocks left the free lists: what remains is freed minus reused bytes.
      assert.ok(r.recycledAllocs > 0);
      assert.ok(r.freeListBytes < r.bytesFreed);
    }
  });
});
