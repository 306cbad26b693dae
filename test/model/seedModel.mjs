// An independent model of the bookkeeping of the seed's C++ MemMap<T>
// (Calvin Hsia's blog post "Mapped Files give very fast access to huge amounts
// of data", its MyMemMap.h listing). It keeps no data,
// only the counters and the state that decides them: the bump pointer, the
// exact-size free lists, the file size and, per mapping, where its one view
// is and how long it is.
//
// It is written from the seed alone, not from the library, so that the
// fidelity tests compare two independent readings of the same code. Every
// quirk of the seed is kept on purpose; each is marked "seed:" below.
//
// Plain ESM, no dependencies.

export const SEED_ALLOCATION_GRANULARITY = 0x10000; // const UINT AllocationGranularity = 0x10000
export const SEED_DEFAULT_VIEW_SIZE = 2 * SEED_ALLOCATION_GRANULARITY; // MemMap ctor default
const ROUND_VAL = 4; // const UINT nRoundVal = 4
const UINT_MAX = 0xffffffff;

/** Raised where the seed's ASSERTF would fire (it throws MemMapException). */
export class SeedModelError extends Error {
  /**
   * @param {string} code 'ETOOBIG' | 'EASSERT' | 'ERANGE' | 'EINVAL'
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = 'SeedModelError';
    this.code = code;
  }
}

/** Roundit(): round up to a multiple of 4, in UINT arithmetic as the seed. */
export function roundit(size) {
  let res = size >>> 0;
  const remainder = res % ROUND_VAL;
  if (remainder !== 0) res = (res + ROUND_VAL - remainder) >>> 0;
  return res;
}

/**
 * One mapping (the seed's MappingData): the size it was created with and its
 * single view. `view === null` stands for `_mapBase == nullptr`.
 */
function newMapping(fileSize) {
  return { fileSize, view: null };
}

export class SeedMemMapModel {
  #mode;
  #initialFileSize;
  #viewSize;
  #granularity;
  #offsetBits;

  // _stats
  #ulOffsetFreeMem = 0;
  #nFileMaps = 0;
  #nCompactions = 0; // CompactIt() is empty: never incremented
  #nAllocs = 0;
  #nDeletions = 0;
  #nAllocsUsingFreeList = 0;
  #nTotalAllocs = 0;
  #nTotalDeletions = 0;
  #ulMemSize = 0;
  #nMapViews = 0;
  #nFreeListSize = 0;

  // _currentMapping: a default MappingData has _dwFileSize 0, no mapping handle, no view.
  #current = { fileSize: 0, view: null, exists: false };
  // _FreeLists: unordered_map<UINT, vector<MapFileLocator>*>; only lookup by exact
  // size is ever done, so iteration order does not matter.
  /** @type {Map<number, Array<{offset:number,size:number}>>} */
  #freeLists = new Map();

  /**
   * @param {object} [options]
   * @param {'pagefile'|'disk'} [options.mode] MappingModePageFile | MappingModeFileOnDisk
   * @param {number} [options.initialFileSize] default AllocationGranularity (the ctor's default)
   * @param {number} [options.viewSize] default 2 * AllocationGranularity
   * @param {number} [options.granularity] the seed's AllocationGranularity constant
   * @param {32|64} [options.offsetBits] MemMap<UINT> or MemMap<UINT64>
   */
  constructor({
    mode = 'pagefile',
    initialFileSize = SEED_ALLOCATION_GRANULARITY,
    viewSize = SEED_DEFAULT_VIEW_SIZE,
    granularity = SEED_ALLOCATION_GRANULARITY,
    offsetBits = 64,
  } = {}) {
    if (mode !== 'pagefile' && mode !== 'disk') {
      throw new SeedModelError('EINVAL', `mode must be 'pagefile' or 'disk', got ${mode}`);
    }
    for (const [name, v] of Object.entries({ initialFileSize, viewSize, granularity })) {
      if (!Number.isSafeInteger(v) || v <= 0) {
        throw new SeedModelError('EINVAL', `${name} must be a positive integer, got ${v}`);
      }
    }
    if (viewSize > UINT_MAX) throw new SeedModelError('EINVAL', 'viewSize is a UINT in the seed');
    if (offsetBits !== 32 && offsetBits !== 64) {
      throw new SeedModelError('EINVAL', `offsetBits must be 32 or 64, got ${offsetBits}`);
    }
    this.#mode = mode;
    this.#initialFileSize = initialFileSize;
    this.#viewSize = viewSize;
    this.#granularity = granularity;
    this.#offsetBits = offsetBits;
  }

  /** The counters, named as the library's mm_stats / CLI JSON. */
  get stats() {
    return {
      allocs: this.#nAllocs,
      deletions: this.#nDeletions,
      recycledAllocs: this.#nAllocsUsingFreeList,
      bytesAllocated: this.#nTotalAllocs,
      bytesFreed: this.#nTotalDeletions,
      fileMaps: this.#nFileMaps,
      mapViews: this.#nMapViews,
      compactions: this.#nCompactions,
      freeListBytes: this.#nFreeListSize,
      fileSize: this.#ulMemSize,
    };
  }

  /** Bump pointer (_stats.ulOffsetFreeMem); for tests. */
  get offsetFreeMem() {
    return this.#ulOffsetFreeMem;
  }

  /** The current mapping's view {base, length}, or null when none is mapped; for tests. */
  get view() {
    const v = this.#current.view;
    return v === null ? null : { base: v.base, length: v.length };
  }

  /**
   * AllocateAndPut -> AllocateSpace. Returns the MapFileLocator {offset, size}
   * (size is the rounded size). Size 0 gives the zero locator and maps nothing.
   */
  allocateAndPut(requestSize) {
    if (!Number.isInteger(requestSize) || requestSize < 0 || requestSize > UINT_MAX) {
      throw new SeedModelError('EINVAL', `request size must be a UINT, got ${requestSize}`);
    }
    const nSize = roundit(requestSize);
    this.#nAllocs++; // counted before any check, even for refused or empty requests
    let locator = { offset: 0, size: 0 };
    if (nSize > 0) {
      if (nSize >= this.#viewSize) {
        // seed: ASSERTF((false, L"requested size too big")) -> throws; nothing else changes.
        throw new SeedModelError(
          'ETOOBIG',
          `requested size ${nSize} (rounded) is not smaller than the view size ${this.#viewSize}`,
        );
      }
      if (this.#current.fileSize === 0) {
        this.#resize(this.#initialFileSize); // initialization
      }
      const list = this.#freeLists.get(nSize);
      if (list !== undefined && list.length > 0) {
        locator = list.pop(); // LIFO: at(vecSize - 1) then pop_back()
        this.#nFreeListSize -= nSize;
        this.#nAllocsUsingFreeList++;
      } else {
        // seed: '>=' - the last byte of the file is never handed out.
        if (this.#ulOffsetFreeMem + nSize >= this.#ulMemSize) {
          // CompactIt() is empty, so the second identical test is the same.
          this.#resize(this.#ulMemSize * 2);
          // seed: no re-test after one doubling.
        }
        if (this.#offsetBits === 32 && this.#ulOffsetFreeMem + nSize > UINT_MAX) {
          // seed: T = UINT would wrap silently here; that is not modelled.
          throw new SeedModelError('ERANGE', 'offset passes 4 GiB with 32-bit offsets');
        }
        locator = { offset: this.#ulOffsetFreeMem, size: nSize };
        this.#ulOffsetFreeMem += nSize;
      }
      this.#nTotalAllocs += nSize;
      this.#mapView(locator, this.#current);
    }
    return { offset: locator.offset, size: locator.size };
  }

  /** Dereference -> MapView(locator) on the current mapping. */
  dereference(locator) {
    this.#mapView(locator, this.#current);
  }

  /** Deallocate: push on the free list of exactly that size. No checks at all (as the seed). */
  deallocate(locator) {
    let list = this.#freeLists.get(locator.size);
    this.#nDeletions++;
    if (list === undefined) {
      list = [];
      this.#freeLists.set(locator.size, list);
    }
    list.push({ offset: locator.offset, size: locator.size });
    this.#nTotalDeletions += locator.size;
    this.#nFreeListSize += locator.size;
  }

  // CreateAMapping: a new mapping of newSize with no view; nFileMaps++.
  #createAMapping(newSize) {
    this.#nFileMaps++;
    return { ...newMapping(newSize), exists: true };
  }

  // MapView(locator, mappingData). Counts nMapViews only when it really maps.
  #mapView(locator, mapping) {
    const g = this.#granularity;
    const ulOffset = locator.offset;
    const numBytesToMap = locator.size;
    const newBaseOffset = Math.floor(ulOffset / g) * g;
    const leftover = ulOffset - newBaseOffset;
    // seed: computed from _currentMapping, not from mappingData - during a
    // page-file Resize the new mapping's first view is sized by the OLD file.
    let desiredViewSize =
      this.#viewSize > this.#current.fileSize ? this.#current.fileSize : this.#viewSize;

    const view = mapping.view;
    if (view !== null) {
      // seed: strict '<' on both tests, and the second one measures from the
      // granularity-aligned base of the request, not from the view's base.
      // (Views always start on a granule, so once the first test holds the
      // second does too; it is kept because the seed has it.)
      const fits =
        ulOffset >= view.base && ulOffset + numBytesToMap < view.base + view.length;
      if (fits && leftover + numBytesToMap < view.length) {
        return; // already mapped: address arithmetic only, nothing counted
      }
      mapping.view = null; // UnmapView (not counted by the seed)
      if (numBytesToMap > g) {
        // seed: ASSERTF((numBytesToMap <= AllocationGranularity, ...)) in the remap branch.
        throw new SeedModelError(
          'EASSERT',
          `the seed asserts when remapping for ${numBytesToMap} bytes (> ${g})`,
        );
      }
      if (leftover + numBytesToMap > desiredViewSize) {
        desiredViewSize += g;
      }
      // seed: '>=' (same result as '>' when equal); clipped against THIS mapping's size.
      if (newBaseOffset + desiredViewSize >= mapping.fileSize) {
        desiredViewSize = mapping.fileSize - newBaseOffset;
      }
    }
    // seed: with no view yet there is no clipping at all - and no widening either.
    this.#nMapViews++; // counted before MapViewOfFileEx is even tried
    if (newBaseOffset + desiredViewSize > mapping.fileSize) {
      // Only on the no-view path (the remap branch clips). MapViewOfFileEx
      // cannot map past the end of the mapping: it fails, and the seed's
      // ASSERTF("Can't MapView") throws. Reachable in disk mode when the view
      // is larger than the file was before a growth (e.g. initial 64K, view
      // 256K: the 128K -> 256K growth asks for 256K from offset 64K).
      throw new SeedModelError(
        'EASSERT',
        `the seed's MapViewOfFileEx(offset ${newBaseOffset}, ${desiredViewSize} bytes) fails: ` +
          `past the end of a ${mapping.fileSize}-byte mapping`,
      );
    }
    mapping.view = { base: newBaseOffset, length: desiredViewSize };
    if (leftover + numBytesToMap > desiredViewSize) {
      // The view just mapped does not reach the end of the block, and the
      // seed's caller (memcpy in AllocateAndPut, wcscmp after Dereference,
      // memcpy in Resize) then touches bytes past the end of the view: an
      // access violation or silent corruption. The seed does not survive
      // this, so the model refuses to invent counts past it. Reachable with a
      // fresh (viewless) mapping when the view size is one granule, e.g.
      // disk mode with view 64K: the block straddling the old end of file.
      throw new SeedModelError(
        'EFAULT',
        `the seed's view {${newBaseOffset}, ${desiredViewSize}} does not cover ` +
          `[${ulOffset}, ${ulOffset + numBytesToMap}): it would touch memory past its view`,
      );
    }
  }

  // Resize(newSize)
  #resize(newSize) {
    if (this.#current.fileSize === 0) {
      this.#ulOffsetFreeMem = 0;
    }
    if (newSize > this.#ulMemSize) {
      if (this.#current.exists) {
        if (this.#mode === 'disk') {
          // Unmap, close the mapping, re-create it over the same (extended) file.
          // seed: the new mapping starts with NO view.
          this.#current.view = null;
          this.#current = this.#createAMapping(newSize);
        } else {
          // Page file: new mapping, then copy block by block through views of both.
          const newMapping = this.#createAMapping(newSize);
          const g = this.#granularity;
          const nBlocks = Math.floor(this.#ulMemSize / g); // (UINT)(ulMemSize / AllocationGranularity)
          for (let i = 0; i < nBlocks; i++) {
            const block = { offset: i * g, size: g };
            this.#mapView(block, this.#current);
            this.#mapView(block, newMapping);
          }
          // The old view is unmapped and the old mapping closed (nothing counted);
          // seed: the new mapping keeps the view the copy loop left in it.
          this.#current = newMapping;
        }
      } else {
        this.#current = this.#createAMapping(newSize);
      }
      this.#ulMemSize = newSize;
    }
  }
}
