// One redraw throttle for every view of the panel: a view asks for a redraw
// whenever its data changes (a sample, an event, a resize, a theme change) and
// draws at most once per animation frame, and, where a view sets one, no
// sooner than a minimum interval after its last draw. Samples and events come
// far more often than a frame; drawing each would waste the webview's time.

/** What the scheduler needs of the browser; a test passes fakes. */
export interface FrameTimers {
  /** Milliseconds on a monotonic clock (performance.now()). */
  now(): number;
  setTimeout(callback: () => void, ms: number): number;
  clearTimeout(handle: number): void;
  requestAnimationFrame(callback: () => void): number;
  cancelAnimationFrame(handle: number): void;
}

/**
 * The browser's timers. Read from globalThis (not the DOM's global names) so this file also
 * compiles in the unit tests, whose lib has no DOM.
 */
export function browserTimers(): FrameTimers {
  const g = globalThis as unknown as {
    performance: { now(): number };
    setTimeout(callback: () => void, ms: number): number;
    clearTimeout(handle: number): void;
    requestAnimationFrame(callback: () => void): number;
    cancelAnimationFrame(handle: number): void;
  };
  return {
    now: () => g.performance.now(),
    setTimeout: (callback, ms) => g.setTimeout(callback, ms),
    clearTimeout: (handle) => g.clearTimeout(handle),
    requestAnimationFrame: (callback) => g.requestAnimationFrame(callback),
    cancelAnimationFrame: (handle) => g.cancelAnimationFrame(handle),
  };
}

export interface RedrawOptions {
  /** Fewest milliseconds from the start of one draw to the start of the next (0: every frame may draw). */
  minIntervalMs?: number;
  timers?: FrameTimers;
}

export class RedrawScheduler {
  private readonly minIntervalMs: number;
  private readonly timers: FrameTimers;
  /** The wait for the minimum interval to pass, before the frame is asked for. */
  private intervalTimer: number | undefined;
  /** The animation frame that will draw. */
  private frame: number | undefined;
  /** When the last draw started (timers.now()); none yet: the first request need not wait. */
  private lastDrawAt = -Infinity;
  private disposed = false;

  constructor(private readonly draw: () => void, options: RedrawOptions = {}) {
    const minIntervalMs = options.minIntervalMs ?? 0;
    if (!Number.isFinite(minIntervalMs) || minIntervalMs < 0) {
      throw new RangeError(`minIntervalMs must be a finite number of milliseconds, 0 or more; got ${minIntervalMs}`);
    }
    this.minIntervalMs = minIntervalMs;
    this.timers = options.timers ?? browserTimers();
  }

  /** Asks for a draw; requests made before it happens all come to one draw. */
  request(): void {
    if (this.disposed || this.intervalTimer !== undefined || this.frame !== undefined) return;
    const wait = this.minIntervalMs - (this.timers.now() - this.lastDrawAt);
    if (wait > 0) {
      this.intervalTimer = this.timers.setTimeout(() => {
        this.intervalTimer = undefined;
        this.requestFrame();
      }, wait);
    } else {
      this.requestFrame();
    }
  }

  /** Drops a draw still to come; later requests are ignored (the view is going away). */
  dispose(): void {
    this.disposed = true;
    if (this.intervalTimer !== undefined) this.timers.clearTimeout(this.intervalTimer);
    if (this.frame !== undefined) this.timers.cancelAnimationFrame(this.frame);
    this.intervalTimer = undefined;
    this.frame = undefined;
  }

  private requestFrame(): void {
    this.frame = this.timers.requestAnimationFrame(() => {
      // Cleared before drawing: a request made by the draw (or by what it sets off) gets a draw of its own.
      this.frame = undefined;
      this.lastDrawAt = this.timers.now();
      this.draw();
    });
  }
}
