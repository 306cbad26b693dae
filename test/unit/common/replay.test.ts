// The recording editor's scrubber (issue 17): the state at a position of the
// timeline, rebuilt from the recorded samples and events. Expected values are
// worked out by hand from the small run below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTimeline, Replay } from '../../../common/replay';
import type { Counters, MemMapEvent, SampleMessage } from '../../../common/protocol';

const ZERO: Counters = {
  allocs: 0, deletions: 0, recycledAllocs: 0, bytesAllocated: 0, bytesFreed: 0, fileMaps: 0, mapViews: 0, compactions: 0,
  freeListBytes: 0, fileSize: 65536, viewSize: 131072, initialFileSize: 65536, offsetFreeMem: 0, unmapViews: 0, bytesCopied: 0,
  viewOffset: 0, viewLength: 0,
};

function sample(ops: number, elapsedMs: number, c: Partial<Counters> = {}): SampleMessage {
  return {
    type: 'sample', elapsedMs, ops, opsTotal: 10, items: ops, itemsTotal: 10, phase: 'alloc', counters: { ...ZERO, ...c },
    process: { rssBytes: 0, peakRssBytes: 0, virtualBytes: 0, minorFaults: 0, majorFaults: 0, diskBytes: 0, processTotals: { minorFaults: 0, majorFaults: 0, peakRssBytes: 0 } },
  };
}

let seq = 0;
function ev(kind: MemMapEvent['kind'], op: number, offset: number, size: number): MemMapEvent {
  return { seq: seq++, kind, op, offset, size, address: '0x0', oldSize: 0, newSize: 0, bytesCopied: 0, strategy: 'seed' };
}

// ops 0..1: map a view at 0, alloc 100 at 0 and 200 at 100; sample after 2 ops;
// op 2: free the block at 0; op 3: map a view at 64K; sample after 4 ops; op 4: alloc 100 at 0 (recycled).
const events = [
  ev('mapView', 0, 0, 65536), ev('alloc', 0, 0, 100), ev('alloc', 1, 100, 200),
  ev('free', 2, 0, 100), ev('unmapView', 3, 0, 65536), ev('mapView', 3, 65536, 65536),
  ev('alloc', 4, 0, 100),
];
const samples = [
  sample(2, 100, { allocs: 2, bytesAllocated: 300, viewOffset: 0, viewLength: 65536 }),
  sample(4, 200, { allocs: 2, deletions: 1, bytesAllocated: 300, viewOffset: 65536, viewLength: 65536 }),
  sample(5, 300, { allocs: 3, deletions: 1, recycledAllocs: 1, bytesAllocated: 400, viewOffset: 65536, viewLength: 65536 }),
];

test('timeline: an event comes before the first sample whose operations done exceed its operation', () => {
  const t = buildTimeline({ samples, events }).map((e) => `${e.kind[0]}${e.index}`);
  assert.deepEqual(t, ['e0', 'e1', 'e2', 's0', 'e3', 'e4', 'e5', 's1', 'e6', 's2']);
});

test('timeline: samples only, events only, nothing', () => {
  assert.deepEqual(buildTimeline({ samples, events: [] }).map((e) => e.index), [0, 1, 2]);
  assert.deepEqual(buildTimeline({ samples: [], events: events.slice(0, 2) }).map((e) => e.kind), ['event', 'event']);
  assert.deepEqual(buildTimeline({ samples: [], events: [] }), []);
});

test('frame at each position: counters of the last sample, free blocks, view and log from the events so far', () => {
  const r = new Replay({ samples, events });
  assert.equal(r.length, 10);
  const f0 = r.frameAt(0);
  assert.equal(f0.sampleIndex, -1);
  assert.equal(f0.sample, undefined);
  assert.deepEqual(f0.view, { offset: 0, length: 65536 });
  assert.deepEqual(f0.events.map((e) => e.seq), [events[0].seq]);

  const f3 = r.frameAt(3); // s0
  assert.equal(f3.sampleIndex, 0);
  assert.equal(f3.sample?.counters.allocs, 2);
  assert.equal(f3.eventCount, 3);
  assert.equal(f3.op, 2);
  assert.deepEqual(f3.freeBlocks, []);

  const f4 = r.frameAt(4); // the free at op 2
  assert.equal(f4.sampleIndex, 0, 'the counters stay those of the last sample');
  assert.deepEqual(f4.freeBlocks, [[0, 100]]);
  assert.equal(f4.op, 2);

  const f5 = r.frameAt(5); // unmap view at 0
  assert.deepEqual(f5.view, { offset: 0, length: 0 });
  const f6 = r.frameAt(6); // map view at 64K
  assert.deepEqual(f6.view, { offset: 65536, length: 65536 });
  assert.equal(f6.op, 3);

  const f8 = r.frameAt(8); // the recycled alloc takes the free block
  assert.deepEqual(f8.freeBlocks, []);
  assert.equal(f8.sampleIndex, 1);
  assert.equal(f8.sample?.counters.deletions, 1);

  const last = r.frameAt(9);
  assert.equal(last.sample?.counters.recycledAllocs, 1);
  assert.equal(last.eventCount, 7);
  assert.equal(last.op, 5);
});

test('a frame is the same reached forward, backward or directly', () => {
  const forward = new Replay({ samples, events });
  const results = [];
  for (let p = 0; p < forward.length; p++) results.push(forward.frameAt(p));
  const backward = new Replay({ samples, events });
  for (let p = backward.length - 1; p >= 0; p--) assert.deepEqual(backward.frameAt(p), results[p], `position ${p} backward`);
  for (let p = 0; p < forward.length; p++) assert.deepEqual(new Replay({ samples, events }).frameAt(p), results[p], `position ${p} directly`);
});

test('positions are clamped to the timeline; the log keeps the last N events', () => {
  const r = new Replay({ samples, events }, { logSize: 2 });
  assert.equal(r.frameAt(-5).position, 0);
  assert.equal(r.frameAt(99).position, 9);
  assert.equal(r.frameAt(Number.NaN).position, 9);
  assert.equal(r.frameAt(2.7).position, 2);
  assert.deepEqual(r.frameAt(6).events.map((e) => e.kind), ['unmapView', 'mapView']);
  assert.equal(new Replay({ samples: [], events: [] }).frameAt(0).eventCount, 0);
});

test('unmapping a view that is not the current one leaves the current view', () => {
  const r = new Replay({ samples: [], events: [ev('mapView', 0, 65536, 65536), ev('unmapView', 0, 0, 65536)] });
  assert.deepEqual(r.frameAt(1).view, { offset: 65536, length: 65536 });
});

test('free blocks are capped', () => {
  const many = [ev('free', 0, 0, 10), ev('free', 0, 10, 10), ev('free', 0, 20, 10)];
  assert.deepEqual(new Replay({ samples: [], events: many }, { maxFreeBlocks: 2 }).frameAt(2).freeBlocks, [[0, 10], [10, 10]]);
});

test('sample steps: next and previous sample positions, ends at the timeline ends', () => {
  const r = new Replay({ samples, events });
  assert.equal(r.sampleStep(0, 1), 3);
  assert.equal(r.sampleStep(3, 1), 7);
  assert.equal(r.sampleStep(7, 1), 9);
  assert.equal(r.sampleStep(9, 1), 9);
  assert.equal(r.sampleStep(8, -1), 7);
  assert.equal(r.sampleStep(3, -1), 0);
  assert.equal(r.positionOfSample(1), 7);
  assert.equal(r.positionOfSample(5), -1);
});

test('by operation: each position\'s operation number, and the last position at or before an operation', () => {
  const r = new Replay({ samples, events });
  // e0 e1 e2 s0 e3 e4 e5 s1 e6 s2 -> ops 0 0 1 2 2 3 3 4 4 5
  assert.deepEqual(Array.from({ length: r.length }, (_, p) => r.opAt(p)), [0, 0, 1, 2, 2, 3, 3, 4, 4, 5]);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 99].map((op) => r.positionAtOp(op)), [1, 2, 4, 6, 8, 9, 9]);
  assert.equal(r.positionAtOp(-1), 0, 'before the first operation: the start');
  assert.equal(r.positionAtOp(Number.NaN), 0);
  assert.equal(new Replay({ samples: [], events: [] }).positionAtOp(3), 0);
  // The frame at the position found is at that operation.
  assert.equal(r.frameAt(r.positionAtOp(3)).op, 3);
});
