// The residency strip under the file map (issue 16): for each stretch of the
// mapped file, resident in RAM, dirty (not yet written back) or not resident,
// from the latest sample. Hovering a column says what it covers.

import * as l10n from '@vscode/l10n';
import { formatBytes } from '../common/format';
import { columnRange, layoutStrip, Residency, type StripLayout } from './insightLayout';
import type { ResidencyView } from './insightModel';
import { residencyText } from './insightText';
import { paletteFor, parseColor } from './palette';
import { RedrawScheduler } from './redrawScheduler';

export function cssVar(variable: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(variable).trim() || fallback;
}

/**
 * The three states' colours in the current theme: not resident, resident, dirty. "Not resident" is
 * the background mixed with a fifth of the foreground: a grey that shows against the background
 * (what the heatmap draws where the file did not reach yet) in light and dark themes alike.
 */
export function residencyColors(): [string, string, string] {
  const bg = cssVar('--vscode-editor-background', '#1e1e1e');
  const palette = paletteFor(bg);
  const b = parseColor(bg) ?? [30, 30, 30];
  const f = parseColor(cssVar('--vscode-foreground', '#cccccc')) ?? [204, 204, 204];
  const grey = b.map((x, i) => Math.round(0.8 * x + 0.2 * f[i]));
  return [`rgb(${grey.join(', ')})`, palette.teal, palette.orange];
}

const pct = (part: number, whole: number) => (whole > 0 ? `${Math.round((100 * part) / whole)}%` : '0%');

export class ResidencyStrip {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly legend: HTMLElement;
  private readonly detail: HTMLElement;
  private view: ResidencyView | undefined;
  /** The file's size now (the latest sample's counters, the result's stats): more than the strip's when it grew since. */
  private fileNow = 0;
  private layout: StripLayout | undefined;
  /** A sample, its file size, a resize and a theme change may come in one frame: one draw a frame. */
  private readonly redraw = new RedrawScheduler(() => this.draw());

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'residency';
    this.element.id = 'residency';
    const title = document.createElement('h3');
    title.textContent = l10n.t('Residency of the file (page cache / RAM)');
    this.canvas = document.createElement('canvas');
    this.canvas.id = 'residency-strip';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.legend = document.createElement('div');
    this.legend.className = 'legend';
    this.legend.id = 'residency-legend';
    for (const [cls, text, tip] of [
      ['resident', l10n.t('resident'), l10n.t('In RAM (page cache or the process\'s pages): reading it costs no disk access.')],
      ['dirty', l10n.t('dirty'), l10n.t('In RAM and changed, not yet written back to the file (disk mode; measured with cachestat only).')],
      ['not-resident', l10n.t('not resident'), l10n.t('Not in RAM: the next access faults and, for a disk file, reads the disk.')],
    ] as const) {
      const s = document.createElement('span');
      s.className = `swatch swatch-${cls}`;
      const label = document.createElement('span');
      label.textContent = ` ${text}  `;
      label.title = tip;
      this.legend.append(s, label);
    }
    this.detail = document.createElement('div');
    this.detail.id = 'residency-detail';
    this.detail.className = 'legend';
    this.element.append(title, this.canvas, this.legend, this.detail);
    this.canvas.addEventListener('mousemove', (e) => this.hover(e.offsetX));
    new ResizeObserver(() => this.redraw.request()).observe(this.element);
    new MutationObserver(() => this.redraw.request()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.redraw.request();
  }

  set(view: ResidencyView | undefined): void {
    this.view = view;
    this.redraw.request();
  }

  /** The file's size now: the line under the strip says when the sample saw a smaller file. */
  setFileSize(bytes: number): void {
    if (!Number.isFinite(bytes) || bytes === this.fileNow) return;
    this.fileNow = bytes;
    this.redraw.request();
  }

  private draw(): void {
    const width = Math.max(100, this.element.clientWidth || 600);
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.floor(width * ratio);
    this.canvas.height = Math.floor(16 * ratio);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const colors = residencyColors();
    document.body.style.setProperty('--memmap-resident', colors[1]);
    document.body.style.setProperty('--memmap-dirty', colors[2]);
    document.body.style.setProperty('--memmap-not-resident', colors[0]);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    const v = this.view;
    const strip = v?.strip;
    if (!v || !strip || strip.fileBytes <= 0) {
      this.layout = undefined;
      this.canvas.dataset.cells = '';
      this.canvas.setAttribute('aria-label', l10n.t('Residency: no sample yet'));
      this.detail.textContent = v ? residencyText(v, this.fileNow) : l10n.t('No residency sample yet (sampled while a run goes).');
      return;
    }
    const layout = layoutStrip(strip, this.canvas.width);
    this.layout = layout;
    let start = 0;
    for (let x = 1; x <= layout.cells.length; x++) {
      if (x === layout.cells.length || layout.cells[x] !== layout.cells[start]) {
        ctx.fillStyle = colors[layout.cells[start]];
        ctx.fillRect(start, 0, x - start, this.canvas.height);
        start = x;
      }
    }
    // Per-state column counts, for tests and assistive tools.
    const counts = [0, 0, 0];
    for (const c of layout.cells) counts[c]++;
    this.canvas.dataset.cells = `${counts[Residency.NotResident]},${counts[Residency.Resident]},${counts[Residency.Dirty]}`;
    this.canvas.dataset.signature = runLengths(layout.cells);
    const text = residencyText(v, this.fileNow);
    this.canvas.setAttribute('aria-label', l10n.t('Residency strip: {0}', text));
    this.detail.textContent = text;
  }

  private hover(offsetX: number): void {
    const l = this.layout;
    const strip = this.view?.strip;
    if (!l || !strip) return;
    const ratio = window.devicePixelRatio || 1;
    const c = Math.min(l.cells.length - 1, Math.max(0, Math.floor(offsetX * ratio)));
    const bytes = l.shares.bytes[c];
    const [from, to] = columnRange(c, l.cells.length, strip.fileBytes);
    this.canvas.title = l10n.t('{0} to {1}: {2} resident, {3} dirty (one column of {4}; sampled in cells of {5})',
      formatBytes(from), formatBytes(to), pct(l.shares.resident[c], bytes), pct(l.shares.dirty[c], bytes), formatBytes(bytes), formatBytes(strip.cellBytes));
  }
}

/** "2x0,5x1,…": the columns' states run-length coded (tests compare two moments). */
function runLengths(cells: Uint8Array): string {
  const out: string[] = [];
  let start = 0;
  for (let x = 1; x <= cells.length; x++) {
    if (x === cells.length || cells[x] !== cells[start]) {
      out.push(`${x - start}x${cells[start]}`);
      start = x;
    }
  }
  return out.join(',');
}
