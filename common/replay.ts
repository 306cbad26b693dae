// Replay of a recorded run (issue 17, the recording editor's timeline scrubber):
// the run's samples and events merged into one timeline, and the state at any
// position of it — the counters of the last sample, the free blocks and the view
// window the events up to there leave, and the last events. Pure: the extension
// computes frames, the webview only draws them.

import type { MemMapEvent, SampleMessage } from './protocol';

/** What a replay needs of a recording. */
export interface ReplayInput {
  samples: readonly SampleMessage[];
  /** In the order they happened (by `seq`). */
  events: readonly MemMapEvent[];
}

/** One position of the timeline: the sample or the event at that index of its list. */
export interface TimelineEntry {
  kind: 'sample' | 'event';
  index: number;
}

/** The state of the run at one position of the timeline (everything up to and including it). */
export interface ReplayFrame {
  position: number;
  /** Positions in the timeline. */
  length: number;
  /** The last sample at or before the position; -1 before the first. */
  sampleIndex: number;
  sample?: SampleMessage;
  /** The operation reached: the sample's operations done, or a later event's operation (as the event log numbers them). */
  op: number;
  /** Events at or before the position. */
  eventCount: number;
  /** The last `logSize` of them, oldest first. */
  events: MemMapEvent[];
  /** Blocks on the free lists, as the recorded events leave them: [offset, size], by offset. */
  freeBlocks: [number, number][];
  view: { offset: number; length: number };
}

export const REPLAY_LOG_SIZE = 200;
export const REPLAY_MAX_FREE_BLOCKS = 200_000;

/**
 * Samples and events in one order. An event's `op` is the operation in progress
 * when it happened (0-based), a sample's `ops` the operations done: an event
 * comes before a sample when `event.op < sample.ops`, after it otherwise.
 */
export function buildTimeline(input: ReplayInput): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const { samples, events } = input;
  let s = 0;
  let e = 0;
  while (s < samples.length || e < events.length) {
    if (e < events.length && (s >= samples.length || events[e].op < samples[s].ops)) out.push({ kind: 'event', index: e++ });
    else out.push({ kind: 'sample', index: s++ });
  }
  return out;
}

interface Cursor {
  /** Positions applied: the state is that of position `applied - 1`. */
  applied: number;
  sampleIndex: number;
  eventCount: number;
  free: Map<number, number>;
  view: { offset: number; length: number };
}

export class Replay {
  readonly timeline: TimelineEntry[];
  private cursor: Cursor = Replay.start();

  constructor(
    private readonly input: ReplayInput,
    private readonly opts: { logSize?: number; maxFreeBlocks?: number } = {},
  ) {
    this.timeline = buildTimeline(input);
  }

  get length(): number {
    return this.timeline.length;
  }

  /** The position of the timeline's `i`th sample (-1 when there is none). */
  positionOfSample(i: number): number {
    return this.timeline.findIndex((t) => t.kind === 'sample' && t.index === i);
  }

  /**
   * The operation number of a position: its event's `op` or its sample's `ops`.
   * These never decrease along the timeline, so the scrubber can go by operation.
   */
  opAt(position: number): number {
    const t = this.timeline[this.clamp(position)];
    if (!t) return 0;
    return t.kind === 'sample' ? this.input.samples[t.index].ops : this.input.events[t.index].op;
  }

  /** The last position whose operation number is at most `op` (0 when none is). */
  positionAtOp(op: number): number {
    let lo = 0;
    let hi = this.timeline.length - 1;
    if (hi < 0 || !(op >= this.opAt(0))) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.opAt(mid) <= op) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /**
   * The position of the next sample after `position` (dir 1) or the last one
   * before it (dir -1); the end (or the start) of the timeline when there is none.
   */
  sampleStep(position: number, dir: 1 | -1): number {
    const p = this.clamp(position);
    for (let i = p + dir; i >= 0 && i < this.timeline.length; i += dir) if (this.timeline[i].kind === 'sample') return i;
    return dir === 1 ? this.timeline.length - 1 : 0;
  }

  /** The state at `position` (clamped to the timeline). Moving forward continues from the last frame; back starts over. */
  frameAt(position: number): ReplayFrame {
    const p = this.clamp(position);
    if (p < this.cursor.applied - 1) this.cursor = Replay.start();
    const c = this.cursor;
    const maxFree = this.opts.maxFreeBlocks ?? REPLAY_MAX_FREE_BLOCKS;
    for (; c.applied <= p; c.applied++) {
      const t = this.timeline[c.applied];
      if (t.kind === 'sample') {
        c.sampleIndex = t.index;
        const k = this.input.samples[t.index].counters;
        if (k.viewLength > 0) c.view = { offset: k.viewOffset, length: k.viewLength };
        continue;
      }
      c.eventCount = t.index + 1;
      const e = this.input.events[t.index];
      switch (e.kind) {
        case 'free':
          if (c.free.size < maxFree) c.free.set(e.offset, e.size);
          break;
        case 'alloc':
          c.free.delete(e.offset);
          break;
        case 'mapView':
          c.view = { offset: e.offset, length: e.size };
          break;
        case 'unmapView':
          if (c.view.offset === e.offset) c.view = { offset: e.offset, length: 0 };
          break;
        case 'grow':
        case 'fileMap':
          break;
      }
    }
    const sample = c.sampleIndex >= 0 ? this.input.samples[c.sampleIndex] : undefined;
    const lastEvent = c.eventCount > 0 ? this.input.events[c.eventCount - 1] : undefined;
    const logSize = this.opts.logSize ?? REPLAY_LOG_SIZE;
    return {
      position: p,
      length: this.timeline.length,
      sampleIndex: c.sampleIndex,
      sample,
      op: Math.max(sample?.ops ?? 0, lastEvent?.op ?? 0),
      eventCount: c.eventCount,
      events: this.input.events.slice(Math.max(0, c.eventCount - logSize), c.eventCount),
      freeBlocks: [...c.free.entries()].sort((a, b) => a[0] - b[0]),
      view: { ...c.view },
    };
  }

  private clamp(position: number): number {
    if (this.timeline.length === 0) return -1;
    if (!Number.isFinite(position)) return this.timeline.length - 1;
    return Math.min(this.timeline.length - 1, Math.max(0, Math.floor(position)));
  }

  private static start(): Cursor {
    return { applied: 0, sampleIndex: -1, eventCount: 0, free: new Map(), view: { offset: 0, length: 0 } };
  }
}
