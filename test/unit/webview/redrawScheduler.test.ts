// The views' shared redraw throttle (webview/redrawScheduler.ts), on a fake
// clock: timers fire when the test moves the clock past them, animation frames
// when the test says a frame comes. The times expected are written down here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RedrawScheduler, type FrameTimers } from '../../../webview/redrawScheduler';

/** A clock the test moves by hand, its timers, and the callbacks waiting for the next frame. */
class FakeTimers implements FrameTimers {
  time = 0;
  private nextHandle = 1;
  private readonly timeouts = new Map<number, { at: number; callback: () => void }>();
  private readonly frames = new Map<number, () => void>();

  now(): number { return this.time; }
  setTimeout(callback: () => void, ms: number): number {
    const handle = this.nextHandle++;
    this.timeouts.set(handle, { at: this.time + ms, callback });
    return handle;
  }
  clearTimeout(handle: number): void { this.timeouts.delete(handle); }
  requestAnimationFrame(callback: () => void): number {
    const handle = this.nextHandle++;
    this.frames.set(handle, callback);
    return handle;
  }
  cancelAnimationFrame(handle: number): void { this.frames.delete(handle); }

  /** Timers and frame callbacks still waiting. */
  get waiting(): number { return this.timeouts.size + this.frames.size; }

  /** Moves the clock to `time`, firing the timers due on the way in order. */
  advanceTo(time: number): void {
    for (;;) {
      const due = [...this.timeouts].filter(([, t]) => t.at <= time).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timeouts.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = time;
  }

  /** One animation frame: runs the callbacks asked for before it (not those they ask for). */
  frame(): void {
    const callbacks = [...this.frames.values()];
    this.frames.clear();
    for (const callback of callbacks) callback();
  }
}

/** A scheduler on fake timers, and the times (fake ms) of its draws. */
function setup(minIntervalMs?: number, onDraw?: (drawCount: number) => void) {
  const timers = new FakeTimers();
  const drawTimes: number[] = [];
  const scheduler = new RedrawScheduler(() => {
    drawTimes.push(timers.now());
    onDraw?.(drawTimes.length);
  }, { minIntervalMs, timers });
  return { timers, drawTimes, scheduler };
}

test('redraw: many requests before a frame come to one draw in that frame', () => {
  const { timers, drawTimes, scheduler } = setup();
  for (let i = 0; i < 100; i++) scheduler.request();
  assert.deepEqual(drawTimes, [], 'no draw before the frame');
  timers.frame();
  assert.deepEqual(drawTimes, [0]);
  timers.advanceTo(16);
  timers.frame();
  assert.deepEqual(drawTimes, [0], 'no request since: no second draw');
  assert.equal(timers.waiting, 0, 'nothing left waiting');
});

test('redraw: at most one draw a frame, one in each frame that had a request', () => {
  const { timers, drawTimes, scheduler } = setup();
  for (let f = 1; f <= 3; f++) {
    scheduler.request();
    scheduler.request();
    timers.advanceTo(16 * f);
    timers.frame();
  }
  assert.deepEqual(drawTimes, [16, 32, 48]);
});

test('redraw: without a minimum interval no timer is set, the next frame draws', () => {
  const { timers, drawTimes, scheduler } = setup(0);
  timers.frame();
  assert.deepEqual(drawTimes, []);
  scheduler.request();
  timers.advanceTo(1000); // timers only: a timer would fire here; the draw waits for the frame
  assert.deepEqual(drawTimes, []);
  timers.frame();
  assert.deepEqual(drawTimes, [1000]);
});

test('redraw: the minimum interval is counted from the last draw, then the next frame draws', () => {
  const { timers, drawTimes, scheduler } = setup(250);
  scheduler.request();
  timers.frame();
  assert.deepEqual(drawTimes, [0], 'the first draw need not wait');
  timers.advanceTo(100);
  scheduler.request();
  scheduler.request();
  timers.frame();
  timers.advanceTo(249);
  timers.frame();
  assert.deepEqual(drawTimes, [0], 'not before 250 ms since the last draw');
  timers.advanceTo(250);
  assert.deepEqual(drawTimes, [0], 'the interval over, the draw still waits for a frame');
  timers.advanceTo(260);
  timers.frame();
  assert.deepEqual(drawTimes, [0, 260]);
  // A request long after the last draw does not wait: the next frame draws.
  timers.advanceTo(1000);
  scheduler.request();
  timers.frame();
  assert.deepEqual(drawTimes, [0, 260, 1000]);
  assert.equal(timers.waiting, 0);
});

test('redraw: a request made while drawing gets a draw of its own', () => {
  const { timers, drawTimes, scheduler } = setup(0, (n) => {
    if (n === 1) scheduler.request();
  });
  scheduler.request();
  timers.frame();
  assert.deepEqual(drawTimes, [0]);
  timers.advanceTo(16);
  timers.frame();
  assert.deepEqual(drawTimes, [0, 16], 'the request made during the first draw');
  timers.advanceTo(32);
  timers.frame();
  assert.deepEqual(drawTimes, [0, 16]);
});

test('redraw: a request made while drawing waits for the minimum interval', () => {
  const { timers, drawTimes, scheduler } = setup(50, (n) => {
    if (n === 1) scheduler.request();
  });
  scheduler.request();
  timers.frame();
  timers.advanceTo(16);
  timers.frame();
  assert.deepEqual(drawTimes, [0]);
  timers.advanceTo(64);
  timers.frame();
  assert.deepEqual(drawTimes, [0, 64]);
});

test('redraw: dispose drops the draw to come, waiting on a frame or on the interval, and ignores later requests', () => {
  const frameWait = setup();
  frameWait.scheduler.request();
  frameWait.scheduler.dispose();
  assert.equal(frameWait.timers.waiting, 0, 'the frame cancelled');
  frameWait.timers.frame();
  frameWait.scheduler.request();
  frameWait.timers.frame();
  assert.deepEqual(frameWait.drawTimes, []);

  const intervalWait = setup(250);
  intervalWait.scheduler.request();
  intervalWait.timers.frame();
  intervalWait.scheduler.request();
  intervalWait.timers.advanceTo(100);
  intervalWait.scheduler.dispose();
  assert.equal(intervalWait.timers.waiting, 0, 'the interval timer cleared');
  intervalWait.timers.advanceTo(1000);
  intervalWait.timers.frame();
  assert.deepEqual(intervalWait.drawTimes, [0]);
});

test('redraw: a minimum interval that is negative or not a number is refused, saying what is allowed', () => {
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => new RedrawScheduler(() => {}, { minIntervalMs: bad, timers: new FakeTimers() }),
      /minIntervalMs must be a finite number of milliseconds, 0 or more/);
  }
});
