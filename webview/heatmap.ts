// The residency heatmap (issue 16, damo-style): time left to right, file
// offset top (0) to bottom (the file's size: the result's or the latest
// sample's, or the largest file sampled when that is more), each cell coloured by the
// share of its bytes resident (teal) and dirty (orange). It shows the working
// set moving with the view, the page cache filling and being written back.
// Bounded: at most MAX_COLS × ROWS cells whatever the run's length and the
// file's size, redrawn at most 4 times a second.

import * as l10n from '@vscode/l10n';
import { formatBytes, formatDuration } from '../common/format';
import { binHeatmap, columnRange, type HeatmapBins } from './insightLayout';
import type { ResidencySample } from './insightModel';
import { heatmapCaption } from './insightText';
import { parseColor } from './palette';
import { cssVar, residencyColors } from './residency';
import { RedrawScheduler } from './redrawScheduler';

export const HEATMAP_MAX_COLS = 600;
export const HEATMAP_ROWS = 64;
const MIN_REDRAW_MS = 250;
/** Samples kept: past this, every second one is dropped (the bins stay; a redraw stays cheap). */
const MAX_SAMPLES = 4 * HEATMAP_MAX_COLS;

export class Heatmap {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly axis: HTMLElement;
  private samples: ResidencySample[] = [];
  /** The file's size now (the result's or the latest sample's): the offset axis, when more than the samples saw. */
  private fileSize = 0;
  private bins: HeatmapBins | undefined;
  /** A redraw bins every sample again: 4 a second at most. */
  private readonly redraw = new RedrawScheduler(() => this.draw(), { minIntervalMs: MIN_REDRAW_MS });

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'heatmap';
    this.element.id = 'heatmap';
    const title = document.createElement('h3');
    title.textContent = l10n.t('Residency over time (time → right, file offset ↓)');
    this.canvas = document.createElement('canvas');
    this.canvas.id = 'residency-heatmap';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.axis = document.createElement('div');
    this.axis.className = 'legend';
    this.axis.id = 'heatmap-axis';
    this.element.append(title, this.canvas, this.axis);
    this.canvas.addEventListener('mousemove', (e) => this.hover(e.offsetX, e.offsetY));
    new ResizeObserver(() => this.redraw.request()).observe(this.element);
    new MutationObserver(() => this.redraw.request()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.redraw.request();
  }

  reset(samples: readonly ResidencySample[], fileSize = 0): void {
    this.samples = samples.slice();
    this.fileSize = fileSize;
    while (this.samples.length > MAX_SAMPLES) this.thin();
    this.redraw.request();
  }

  /** The file's size now (a sample's counters, a result's stats): redraws when it changed. */
  setFileSize(bytes: number): void {
    if (!Number.isFinite(bytes) || bytes === this.fileSize) return;
    this.fileSize = bytes;
    this.redraw.request();
  }

  add(sample: ResidencySample): void {
    this.samples.push(sample);
    if (this.samples.length > MAX_SAMPLES) this.thin();
    this.redraw.request();
  }

  /** Every second sample, the last one kept. */
  private thin(): void {
    const last = this.samples.at(-1)!;
    this.samples = this.samples.filter((_, i) => i % 2 === 0);
    if (this.samples.at(-1) !== last) this.samples.push(last);
  }

  private draw(): void {
    const width = Math.max(100, this.element.clientWidth || 600);
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.floor(width * ratio);
    this.canvas.height = Math.floor(128 * ratio);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    if (this.samples.length === 0) {
      this.bins = undefined;
      this.canvas.dataset.samples = '0';
      this.canvas.dataset.signature = '';
      this.canvas.setAttribute('aria-label', l10n.t('Residency heatmap: no sample yet'));
      this.axis.textContent = l10n.t('No residency sample yet.');
      this.axis.dataset.caption = '';
      return;
    }
    const bins = binHeatmap(this.samples, Math.min(HEATMAP_MAX_COLS, this.canvas.width), HEATMAP_ROWS, this.fileSize);
    this.bins = bins;
    const [empty, resident, dirty] = residencyColors().map((c) => parseColor(c) ?? [128, 128, 128]);
    const none = parseColor(cssVar('--vscode-editor-background', '#1e1e1e')) ?? [30, 30, 30];
    // One pixel per bin in an ImageData, scaled onto the canvas (no smoothing: sharp cells).
    const img = new ImageData(bins.cols, bins.rows);
    for (let c = 0; c < bins.cols; c++) {
      for (let r = 0; r < bins.rows; r++) {
        const i = c * bins.rows + r;
        const p = (r * bins.cols + c) * 4;
        let rgb: readonly number[] = none;
        if (bins.present[i]) {
          const d = bins.dirty[i];
          const res = Math.max(0, bins.resident[i] - d);
          rgb = [0, 1, 2].map((k) => empty[k] * (1 - res - d) + resident[k] * res + dirty[k] * d);
        }
        img.data[p] = rgb[0];
        img.data[p + 1] = rgb[1];
        img.data[p + 2] = rgb[2];
        img.data[p + 3] = 255;
      }
    }
    const off = document.createElement('canvas');
    off.width = bins.cols;
    off.height = bins.rows;
    off.getContext('2d')?.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, 0, 0, this.canvas.width, this.canvas.height);
    // For tests and assistive tools: the bins' size, the samples, and a digest of the cells (two moments differ).
    let sum = 0;
    for (let i = 0; i < bins.resident.length; i++) sum += bins.present[i] ? Math.round(bins.resident[i] * 4) + 5 * Math.round(bins.dirty[i] * 4) : 0;
    this.canvas.dataset.samples = String(this.samples.length);
    this.canvas.dataset.redraws = String(Number(this.canvas.dataset.redraws ?? 0) + 1);
    this.canvas.dataset.bins = `${bins.cols}x${bins.rows}`;
    this.canvas.dataset.signature = `${bins.cols}x${bins.rows}:${sum}`;
    const text = heatmapCaption({
      samples: this.samples.length, t0Ms: bins.t0Ms, t1Ms: bins.t1Ms, axisBytes: bins.fileBytes, fileBytes: this.fileSize,
      sampledBytes: bins.sampledBytes, cols: bins.cols, rows: bins.rows,
    });
    this.canvas.setAttribute('aria-label', l10n.t('Residency heatmap: {0}', text));
    this.axis.dataset.caption = text;
    this.axis.textContent = l10n.t('{0}. Teal: resident, orange: dirty (resident and not yet written back), grey: not resident, in the share of each cell\'s bytes; the background colour: beyond the file at that time (or not sampled).', text);
  }

  private hover(x: number, y: number): void {
    const b = this.bins;
    if (!b) return;
    const ratio = window.devicePixelRatio || 1;
    const c = Math.min(b.cols - 1, Math.max(0, Math.floor((x * ratio * b.cols) / this.canvas.width)));
    const r = Math.min(b.rows - 1, Math.max(0, Math.floor((y * ratio * b.rows) / this.canvas.height)));
    const i = c * b.rows + r;
    const [from, to] = columnRange(r, b.rows, b.fileBytes);
    const t = b.t0Ms + ((c + 0.5) * (b.t1Ms - b.t0Ms)) / b.cols;
    this.canvas.title = b.present[i]
      ? l10n.t('at {0}, {1} to {2}: {3}% resident, {4}% dirty', formatDuration(t), formatBytes(from), formatBytes(to), Math.round(b.resident[i] * 100), Math.round(b.dirty[i] * 100))
      : l10n.t('at {0}, {1} to {2}: beyond the file then, or not sampled', formatDuration(t), formatBytes(from), formatBytes(to));
  }
}
