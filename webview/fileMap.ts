// The file-map strip (canvas) and the event log. It keeps only what it needs
// to draw: the free blocks seen in events, the bump pointer and the view.

import * as l10n from '@vscode/l10n';
import type { Counters, MemMapEvent } from '../common/protocol';
import { formatBytes } from '../common/format';
import { layoutFileMap } from './fileMapLayout';
import { paletteFor } from './palette';
import { RedrawScheduler } from './redrawScheduler';

const MAX_LOG = 200;
const MAX_FREE_BLOCKS = 200_000;

function css(variable: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(variable).trim() || fallback;
}

export class FileMap {
  private readonly canvas: HTMLCanvasElement;
  private readonly legend: HTMLElement;
  private readonly log: HTMLOListElement;
  private readonly free = new Map<number, number>();
  private counters: Counters | undefined;
  /** Events come hundreds a second, counters with every sample: one draw a frame. */
  private readonly redraw = new RedrawScheduler(() => this.draw());
  /** View window from events (more current than counters in step mode). */
  private view = { offset: 0, length: 0 };

  constructor(container: HTMLElement) {
    const strip = document.createElement('div');
    strip.className = 'file-map';
    this.canvas = document.createElement('canvas');
    this.canvas.id = 'file-map';
    this.canvas.height = 48;
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.canvas.title = l10n.t('The whole file to scale: live allocations, blocks on the free lists, the unused tail, and the current view window (outlined).');
    this.legend = document.createElement('div');
    this.legend.id = 'file-map-legend';
    this.legend.className = 'legend';
    strip.append(this.canvas, this.legend);
    const logBox = document.createElement('div');
    logBox.className = 'event-log';
    const h = document.createElement('h3');
    h.textContent = l10n.t('Events (last 200)');
    this.log = document.createElement('ol');
    this.log.id = 'event-log';
    this.log.setAttribute('aria-label', l10n.t('Event log: the last 200 events of the heap'));
    // Focusable, so the arrow keys, Page Up/Down, Home and End scroll it. A log is live by
    // default; it takes hundreds of events a second, so it is read on demand, never spoken.
    this.log.tabIndex = 0;
    this.log.setAttribute('role', 'log');
    this.log.setAttribute('aria-live', 'off');
    this.log.title = l10n.t('The last 200 events: allocations, frees, views mapped and unmapped, growths. Focus it and scroll with the arrow keys, Page Up/Down, Home and End; hover an event for its exact offset and size.');
    logBox.append(h, this.log);
    container.append(strip, logBox);
    new ResizeObserver(() => this.redraw.request()).observe(strip);
    new MutationObserver(() => this.redraw.request()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  reset(): void {
    this.free.clear();
    this.counters = undefined;
    this.view = { offset: 0, length: 0 };
    this.log.replaceChildren();
    this.redraw.request();
  }

  setCounters(c: Counters): void {
    this.counters = c;
    if (c.viewLength > 0) this.view = { offset: c.viewOffset, length: c.viewLength };
    this.redraw.request();
  }

  addEvents(events: readonly MemMapEvent[]): void {
    for (const e of events) {
      switch (e.kind) {
        case 'free':
          if (this.free.size < MAX_FREE_BLOCKS) this.free.set(e.offset, e.size);
          break;
        case 'alloc':
          this.free.delete(e.offset);
          break;
        case 'mapView':
          this.view = { offset: e.offset, length: e.size };
          break;
        case 'unmapView':
          if (this.view.offset === e.offset) this.view = { offset: e.offset, length: 0 };
          break;
        case 'grow':
        case 'fileMap':
          break;
      }
    }
    const items = events.slice(-MAX_LOG).map(eventItem);
    this.log.append(...items);
    while (this.log.childElementCount > MAX_LOG) this.log.firstElementChild?.remove();
    // Scroll the log itself, never the page: the panel does not jump while a run goes.
    this.log.scrollTop = this.log.scrollHeight;
    this.redraw.request();
  }

  /**
   * Replaces everything with a state computed elsewhere (the recording editor's
   * scrubber): counters, free blocks, view window and the events up to then.
   */
  showState(c: Counters | undefined, freeBlocks: readonly (readonly [number, number])[], view: { offset: number; length: number }, events: readonly MemMapEvent[]): void {
    this.reset();
    for (const [offset, size] of freeBlocks.slice(0, MAX_FREE_BLOCKS)) this.free.set(offset, size);
    if (c) this.setCounters(c);
    this.view = { ...view };
    this.redraw.request();
    this.log.append(...events.slice(-MAX_LOG).map(eventItem));
    this.log.scrollTop = this.log.scrollHeight;
  }

  /** The legend's swatches in the colours drawn (the palette follows the theme). */
  private setSwatches(live: string, free: string, view: string): void {
    document.body.style.setProperty('--memmap-live', live);
    document.body.style.setProperty('--memmap-free', free);
    document.body.style.setProperty('--memmap-view', view);
  }

  private draw(): void {
    const width = Math.max(100, this.canvas.parentElement?.clientWidth ?? 600);
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.floor(width * ratio);
    this.canvas.height = Math.floor(48 * ratio);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const c = this.counters;
    const fileSize = c?.fileSize ?? 0;
    const layout = layoutFileMap({
      fileSize,
      usedEnd: c?.offsetFreeMem ?? 0,
      freeBlocks: [...this.free.entries()],
      view: this.view,
    }, this.canvas.width);
    const palette = paletteFor(css('--vscode-editor-background', '#1e1e1e'));
    const colors = [css('--vscode-editorWidget-background', '#333'), palette.blue, palette.yellow];
    this.setSwatches(palette.blue, palette.yellow, palette.red);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    let runStart = 0;
    for (let x = 1; x <= layout.cells.length; x++) {
      if (x === layout.cells.length || layout.cells[x] !== layout.cells[runStart]) {
        ctx.fillStyle = colors[layout.cells[runStart]];
        ctx.fillRect(runStart, 8 * ratio, x - runStart, 32 * ratio);
        runStart = x;
      }
    }
    if (layout.viewWidth > 0) {
      ctx.strokeStyle = palette.red;
      ctx.lineWidth = 3 * ratio;
      ctx.strokeRect(layout.viewX + ratio, 2 * ratio, Math.max(2 * ratio, layout.viewWidth - 2 * ratio), 44 * ratio);
    }
    const live = c ? c.offsetFreeMem - c.freeListBytes : 0;
    const view = this.view.length > 0 ? l10n.t('{0} at {1}', formatBytes(this.view.length), formatBytes(this.view.offset)) : l10n.t('none');
    const label = fileSize > 0
      ? l10n.t('file {0}: live {1}, free lists {2}, unused tail {3}; view {4}', formatBytes(fileSize), formatBytes(Math.max(0, live)), formatBytes(c?.freeListBytes ?? 0), formatBytes(Math.max(0, fileSize - (c?.offsetFreeMem ?? 0))), view)
      : l10n.t('no file yet');
    this.canvas.setAttribute('aria-label', l10n.t('File map: {0}', label));
    this.legend.textContent = '';
    for (const [cls, text] of [['live', l10n.t('live')], ['free', l10n.t('free lists')], ['unused', l10n.t('unused tail')], ['view', l10n.t('view window')]] as const) {
      const s = document.createElement('span');
      s.className = `swatch swatch-${cls}`;
      this.legend.append(s, ` ${text}  `);
    }
    const detail = document.createElement('div');
    detail.id = 'file-map-detail';
    detail.textContent = label;
    this.legend.append(detail);
  }
}

function eventItem(e: MemMapEvent): HTMLLIElement {
  const li = document.createElement('li');
  li.className = `ev-${e.kind}`;
  li.textContent = describeEvent(e);
  li.title = l10n.t('offset {0} bytes, size {1} bytes', e.offset.toLocaleString('en-US'), e.size.toLocaleString('en-US'));
  return li;
}

export function describeEvent(e: MemMapEvent): string {
  // The event's words in the display language; offsets, sizes and addresses as the runner gave them.
  switch (e.kind) {
    case 'alloc': return l10n.t('#{0} alloc {1} at {2}', e.op, formatBytes(e.size), formatBytes(e.offset));
    case 'free': return l10n.t('#{0} free {1} at {2}', e.op, formatBytes(e.size), formatBytes(e.offset));
    case 'mapView': return l10n.t('#{0} map view {1} at {2} ({3})', e.op, formatBytes(e.size), formatBytes(e.offset), e.address);
    case 'unmapView': return l10n.t('#{0} unmap view at {1} ({2})', e.op, formatBytes(e.offset), e.address);
    case 'grow': return l10n.t('#{0} grow {1} → {2} ({3}, {4} copied)', e.op, formatBytes(e.oldSize), formatBytes(e.newSize), e.strategy, formatBytes(e.bytesCopied));
    case 'fileMap': return l10n.t('#{0} new file mapping of {1}', e.op, formatBytes(e.newSize));
  }
}
