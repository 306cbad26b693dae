// Scenario drivers: replay, against SeedMemMapModel, the calls that the seed's
// NativeMemMapDll.cpp scenarios make on MemMap<T> (DoMemMapGrowWithMemMap,
// DoMemWithDeletion, DoMemRand), with the sizes that its C# test feeds them.
// Only the heap calls are replayed; data is not modelled.

import { SeedMemMapModel } from './seedModel.mjs';

export const MSVC_RAND_MAX = 32767;

/** MSVC's rand()/srand(): a 32-bit LCG, 15-bit outputs. */
export class MsvcRand {
  #state;
  constructor(seed = 1) {
    this.#state = seed >>> 0; // srand(seed)
  }
  next() {
    this.#state = (Math.imul(this.#state, 214013) + 2531011) >>> 0;
    return (this.#state >>> 16) & 0x7fff;
  }
}

/** Size the grow/deletion scenarios pass for item i: makeString(i) has
 *  length i % 2000, plus the terminator, in UTF-16 units: 2 * (len + 1). */
export function growItemSize(i) {
  return 2 * ((i % 2000) + 1);
}

/** DoMemMapGrowWithMemMap: allocate n items, then Dereference each in key order. */
export function runGrow(items, options = {}) {
  const model = new SeedMemMapModel(options);
  const locators = new Array(items);
  for (let i = 0; i < items; i++) locators[i] = model.allocateAndPut(growItemSize(i));
  // The verify loop walks std::map<int, locator> in key order: 0..n-1.
  for (let i = 0; i < items; i++) model.dereference(locators[i]);
  return model;
}

/** DoMemWithDeletion: allocate n items, then Deallocate each in key order.
 *  (The seed has no verify loop here; the library verifies through an
 *  uncounted path, so no dereferences are replayed.) */
export function runDeletions(items, options = {}) {
  const model = new SeedMemMapModel(options);
  const locators = new Array(items);
  for (let i = 0; i < items; i++) locators[i] = model.allocateAndPut(growItemSize(i));
  for (let i = 0; i < items; i++) model.deallocate(locators[i]);
  return model;
}

/**
 * DoMemRand with the C# callback (mode 0 => MakeString(i) = 'a' x (i % 2000)).
 * Difference from the seed, on purpose and as the library does: the final
 * loop frees each item still live in vecAllocs, once, in vector order. The
 * seed instead walks std::map dictData, whose emplace() keeps only the first
 * locator per iteration key and which still holds deleted items - so it
 * double-frees and misses items; that is a seed bug, not a behaviour to copy.
 *
 * `onCall` (optional) sees every heap call: ('alloc'|'deref'|'free', locator, iteration).
 */
export function runRandom(items, options = {}, { seed = 1, onCall } = {}) {
  const model = new SeedMemMapModel(options);
  const rand = new MsvcRand(seed);
  const vec = []; // vecAllocs: locators, in insertion order, erase keeps order
  const add = (size, i) => {
    const loc = model.allocateAndPut(size);
    vec.push(loc);
    if (onCall) onCall('alloc', loc, i);
  };
  for (let i = 0; i < items; i++) {
    // callback(0, 1, &bstrfoo) comes first and uses no random number.
    const verb = (rand.next() * 100.0) / MSVC_RAND_MAX;
    if (verb < 10) {
      // 100 adds of MakeString(j): length j, so 2 * (j + 1) bytes.
      for (let j = 0; j < 100; j++) add(2 * (j + 1), i);
    } else if (verb < 20) {
      // (UINT)(size * ((double)rand() / RAND_MAX)): can equal size when rand() == RAND_MAX.
      const ndx = Math.trunc(vec.length * (rand.next() / MSVC_RAND_MAX));
      if (ndx < vec.length) {
        const [loc] = vec.splice(ndx, 1);
        model.deallocate(loc);
        if (onCall) onCall('free', loc, i);
      }
    } else if (verb < 40) {
      const ndx = Math.trunc(vec.length * (rand.next() / MSVC_RAND_MAX));
      if (ndx < vec.length) {
        model.dereference(vec[ndx]);
        if (onCall) onCall('deref', vec[ndx], i);
      }
    } else {
      add(2 * (1 + 1), i); // bstrfoo = MakeString(1) = "a"
    }
  }
  for (const loc of vec) {
    model.deallocate(loc);
    if (onCall) onCall('free', loc, items);
  }
  return model;
}

/**
 * Run a named scenario; returns the model (read `.stats`).
 * @param {'grow'|'deletions'|'random'} scenario
 * @param {{items:number, mode?:'pagefile'|'disk', initialFileSize?:number,
 *          viewSize?:number, granularity?:number, offsetBits?:32|64, seed?:number}} params
 */
export function runScenario(scenario, { items, seed = 1, ...options }) {
  switch (scenario) {
    case 'grow':
      return runGrow(items, options);
    case 'deletions':
      return runDeletions(items, options);
    case 'random':
      return runRandom(items, options, { seed });
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
}
