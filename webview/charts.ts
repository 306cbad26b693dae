// Live charts (chart.js) in the theme's colours, redrawn at most 20 times a
// second, decimated so long runs stay cheap.

import * as l10n from '@vscode/l10n';
import {
  Chart, Legend, LinearScale, LineController, LineElement, PointElement, Title, Tooltip,
  type ChartDataset,
} from 'chart.js';
import type { SampleMessage } from '../common/protocol';
import { binaryUnit, formatBytes, formatRate } from '../common/format';
import { chartTableRows } from './chartTable';
import { budgetWalls } from '../common/budgets';
import { decimate, type Point } from './decimate';
import { paletteFor, type SeriesColor } from './palette';
import type { StallView } from './insightModel';
import { setChartStalls, stallLabel, stallMarksPlugin } from './stallMarks';
import { RedrawScheduler } from './redrawScheduler';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip, Title);

const MAX_POINTS = 400;
const MIN_REDRAW_MS = 50; // 20 redraws a second at most

/** The unit an axis shows its data in: the binary unit of its largest value, so 16 GiB reads "16", not "16,384". */
export function axisUnit(kind: AxisKind, max: number): { scale: number; suffix: string } {
  if (kind === 'count') return { scale: 1, suffix: '' };
  const u = binaryUnit(max);
  return { scale: u.scale, suffix: kind === 'rate' ? `${u.unit}/s` : u.unit };
}

/** What an axis shows: bytes and rates take the binary unit scaled to the data, counts stay counts. */
type AxisKind = 'bytes' | 'rate' | 'count';
type AxisId = 'y' | 'y1';

interface SeriesSpec {
  label: string;
  color: SeriesColor;
  /** Each series of a chart whose sizes differ by orders of magnitude gets its own axis (y left, y1 right). */
  axis: AxisId;
  /** Raw value: bytes, bytes a second or a count. */
  value: (s: SampleMessage, prev: SampleMessage | undefined) => number | undefined;
  /** Drawn dashed (a limit, not a measurement). */
  dash?: number[];
  /** Left out (legend included) when it has no point: a budget the run does not have. */
  optional?: boolean;
}

interface ChartSpec {
  id: string;
  title: string;
  axes: Partial<Record<AxisId, { kind: AxisKind; label: string }>>;
  x: (s: SampleMessage) => number;
  xLabel: string;
  series: SeriesSpec[];
}

export const CHART_SPECS: ChartSpec[] = [
  {
    id: 'chart-bytes', title: l10n.t('Bytes allocated and file size'), xLabel: l10n.t('operations'), x: (s) => s.ops,
    axes: { y: { kind: 'bytes', label: l10n.t('bytes') } },
    series: [
      { label: l10n.t('bytes allocated'), color: 'blue', axis: 'y', value: (s) => s.counters.bytesAllocated },
      { label: l10n.t('file size'), color: 'orange', axis: 'y', value: (s) => s.counters.fileSize },
    ],
  },
  {
    id: 'chart-maps', title: l10n.t('Map views (left) and file maps (right)'), xLabel: l10n.t('operations'), x: (s) => s.ops,
    axes: { y: { kind: 'count', label: l10n.t('map views') }, y1: { kind: 'count', label: l10n.t('file maps') } },
    series: [
      { label: l10n.t('map views'), color: 'green', axis: 'y', value: (s) => s.counters.mapViews },
      { label: l10n.t('file maps'), color: 'purple', axis: 'y1', value: (s) => s.counters.fileMaps },
    ],
  },
  {
    id: 'chart-memory', title: l10n.t('Runner process: resident (left) vs virtual (right)'), xLabel: l10n.t('seconds'), x: (s) => s.elapsedMs / 1000,
    axes: { y: { kind: 'bytes', label: l10n.t('resident') }, y1: { kind: 'bytes', label: l10n.t('virtual') } },
    series: [
      { label: l10n.t('resident'), color: 'red', axis: 'y', value: (s) => s.process.rssBytes },
      { label: l10n.t('virtual'), color: 'teal', axis: 'y1', value: (s) => s.process.virtualBytes },
      // The budgets' walls (issue 15): where the run's budget ends, counted from the runner's size at the start.
      {
        label: l10n.t('memory budget (resident wall)'), color: 'orange', axis: 'y', dash: [3, 3], optional: true,
        value: (s) => budgetWalls(s.budgets).memory,
      },
      {
        label: l10n.t('address budget (virtual wall)'), color: 'purple', axis: 'y1', dash: [3, 3], optional: true,
        value: (s) => budgetWalls(s.budgets).address,
      },
    ],
  },
  {
    id: 'chart-faults', title: l10n.t('Page faults of this run: minor (left), major (right)'), xLabel: l10n.t('seconds'), x: (s) => s.elapsedMs / 1000,
    axes: { y: { kind: 'count', label: l10n.t('minor faults') }, y1: { kind: 'count', label: l10n.t('major faults') } },
    series: [
      { label: l10n.t('minor faults (this run)'), color: 'blue', axis: 'y', value: (s) => s.process.minorFaults },
      { label: l10n.t('major faults (this run)'), color: 'red', axis: 'y1', value: (s) => s.process.majorFaults },
    ],
  },
  {
    id: 'chart-throughput', title: l10n.t('Throughput (bytes allocated a second)'), xLabel: l10n.t('seconds'), x: (s) => s.elapsedMs / 1000,
    axes: { y: { kind: 'rate', label: l10n.t('allocated') } },
    series: [
      {
        label: l10n.t('allocated'), color: 'green', axis: 'y',
        value: (s, prev) => {
          if (!prev || s.elapsedMs <= prev.elapsedMs) return undefined;
          return (s.counters.bytesAllocated - prev.counters.bytesAllocated) / ((s.elapsedMs - prev.elapsedMs) / 1000);
        },
      },
    ],
  },
];

function valueText(kind: AxisKind, v: number): string {
  if (kind === 'bytes') return formatBytes(v);
  if (kind === 'rate') return formatRate(v);
  return Math.round(v).toLocaleString('en-US');
}

function themeColor(variable: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(variable).trim();
  return v || fallback;
}

interface SeriesData {
  current: Point[];
  overlay: Point[];
}

export class LiveCharts {
  private readonly charts: Chart<'line', Point[]>[] = [];
  /** Each chart's data table (its text alternative), filled while its <details> is open. */
  private readonly tables: HTMLDetailsElement[] = [];
  private readonly data: SeriesData[][] = [];
  /** Samples come far faster than anyone reads a chart: MIN_REDRAW_MS apart at least. */
  private readonly redraw = new RedrawScheduler(() => this.draw(), { minIntervalMs: MIN_REDRAW_MS });
  private prev: SampleMessage | undefined;
  private overlayLabel = '';
  /** The recording editor's scrubber: a vertical line at this sample on every chart. */
  private cursor: SampleMessage | undefined;
  /** A marked point (the heap's wall, issue 15): chart, axis, where, and its legend label. */
  private marker: { chart: string; axis: AxisId; x: number; y: number; label: string } | undefined;

  constructor(container: HTMLElement) {
    for (const spec of CHART_SPECS) {
      const cell = document.createElement('div');
      cell.className = 'chart-cell';
      const box = document.createElement('div');
      box.className = 'chart-box';
      const canvas = document.createElement('canvas');
      canvas.id = spec.id;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', l10n.t('Chart: {0}. Its data is in the table below it.', spec.title));
      box.appendChild(canvas);
      // The chart as a table, reachable by keyboard: a <summary> is focusable and opens with Enter or Space.
      const details = document.createElement('details');
      details.className = 'chart-table';
      details.id = `${spec.id}-table`;
      const summary = document.createElement('summary');
      summary.textContent = l10n.t('Show "{0}" as a table', spec.title);
      summary.title = l10n.t('The points this chart draws (decimated to at most 400 a series), as a table a screen reader can read.');
      details.append(summary);
      const index = this.tables.length;
      details.addEventListener('toggle', () => {
        if (details.open) this.fillTable(index);
      });
      this.tables.push(details);
      cell.append(box, details);
      container.appendChild(cell);
      const series = spec.series.map(() => ({ current: [] as Point[], overlay: [] as Point[] }));
      this.data.push(series);
      const chart = new Chart<'line', Point[]>(canvas, {
        type: 'line',
        data: { datasets: [] },
        plugins: spec.id === 'chart-throughput' ? [stallMarksPlugin] : [],
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          parsing: false,
          normalized: true,
          spanGaps: true,
          // The recording editor's scrubber line is not a series: it has no legend entry.
          plugins: { title: { display: true, text: spec.title }, legend: { display: true, labels: { filter: (item) => item.text !== 'scrubber' } } },
          scales: {
            x: { type: 'linear', title: { display: true, text: spec.xLabel } },
            ...Object.fromEntries(Object.entries(spec.axes).map(([id, a]) => [id, {
              type: 'linear' as const, beginAtZero: true, position: id === 'y' ? 'left' as const : 'right' as const,
              title: { display: true, text: a.label },
              grid: { drawOnChartArea: id === 'y' },
              ticks: { callback: (v: string | number) => Number(v).toLocaleString('en-US', { maximumFractionDigits: 2 }) },
            }])),
          },
        },
      });
      this.charts.push(chart);
    }
    this.applyTheme();
    new MutationObserver(() => this.applyTheme()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  /** Replace everything (a new run, or a panel restored). */
  reset(samples: readonly SampleMessage[]): void {
    for (const series of this.data) for (const s of series) s.current = [];
    this.marker = undefined;
    this.prev = undefined;
    for (const s of samples) this.addPoints(s);
    this.redraw.request();
  }

  add(sample: SampleMessage): void {
    this.addPoints(sample);
    this.redraw.request();
  }

  /**
   * Marks where a run hit a budget's wall: its last sample's virtual size on
   * the resident/virtual chart (undefined removes the mark).
   */
  markWall(label: string | undefined, sample: SampleMessage | undefined): void {
    this.marker = label && sample
      ? { chart: 'chart-memory', axis: 'y1', x: sample.elapsedMs / 1000, y: sample.process.virtualBytes, label }
      : undefined;
    this.rebuildDatasets();
    this.redraw.request();
  }

  /** Draws the scrubber's line at this sample on every chart (undefined removes it). */
  setCursor(sample: SampleMessage | undefined): void {
    this.cursor = sample;
    this.redraw.request();
  }

  /** The marked wall's legend label, or '' (for tests and assistive tools). */
  wallLabel(): string {
    return this.marker?.label ?? '';
  }

  /** Growth stalls marked with their durations on the throughput chart's time axis (issue 16). */
  setStalls(stalls: readonly StallView[]): void {
    const i = CHART_SPECS.findIndex((s) => s.id === 'chart-throughput');
    const chart = this.charts[i];
    setChartStalls(chart as unknown as Chart, { stalls: stalls.slice(), color: paletteFor(themeColor('--vscode-editor-background', '#1e1e1e')).red });
    chart.canvas.dataset.stalls = stalls.map(stallLabel).join('|');
    this.redraw.request();
  }

  /** Draw another run dashed on the same charts (empty to remove). */
  setOverlay(label: string, samples: readonly SampleMessage[]): void {
    this.overlayLabel = label;
    let prev: SampleMessage | undefined;
    for (const series of this.data) for (const s of series) s.overlay = [];
    for (const sample of samples) {
      CHART_SPECS.forEach((spec, c) => spec.series.forEach((ser, i) => {
        const y = ser.value(sample, prev);
        if (y !== undefined && Number.isFinite(y)) this.data[c][i].overlay.push({ x: spec.x(sample), y });
      }));
      prev = sample;
    }
    this.rebuildDatasets();
    this.redraw.request();
  }

  /** Points of the overlaid run, over all charts: 0 when its curves are no longer kept. */
  overlayPointCount(): number {
    return this.data.reduce((n, series) => n + series.reduce((m, s) => m + s.overlay.length, 0), 0);
  }

  /** All charts on one canvas, two columns, on the theme's background. */
  toPng(): string {
    const cols = 2;
    const w = Math.max(...this.charts.map((c) => c.canvas.width));
    const h = Math.max(...this.charts.map((c) => c.canvas.height));
    const out = document.createElement('canvas');
    out.width = w * cols;
    out.height = h * Math.ceil(this.charts.length / cols);
    const ctx = out.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    ctx.fillStyle = themeColor('--vscode-editor-background', '#1e1e1e');
    ctx.fillRect(0, 0, out.width, out.height);
    this.charts.forEach((c, i) => ctx.drawImage(c.canvas, (i % cols) * w, Math.floor(i / cols) * h));
    return out.toDataURL('image/png');
  }

  private addPoints(sample: SampleMessage): void {
    CHART_SPECS.forEach((spec, c) => spec.series.forEach((ser, i) => {
      const y = ser.value(sample, this.prev);
      if (y !== undefined && Number.isFinite(y)) this.data[c][i].current.push({ x: spec.x(sample), y });
    }));
    this.prev = sample;
  }

  private draw(): void {
    this.rebuildDatasets();
    for (const chart of this.charts) chart.update('none');
    this.tables.forEach((d, c) => {
      if (d.open) this.fillTable(c);
    });
    // Point counts on the canvases, for tests and assistive tools.
    this.charts.forEach((chart, c) => {
      chart.canvas.dataset.points = String(this.data[c][0].current.length);
      chart.canvas.dataset.redraws = String(Number(chart.canvas.dataset.redraws ?? 0) + 1);
    });
  }

  /** Fills chart c's table with the points it draws (the current run's, decimated), in each series' unit. */
  private fillTable(c: number): void {
    const spec = CHART_SPECS[c];
    const shown = spec.series.map((ser, i) => ({ ser, points: decimate(this.data[c][i].current, MAX_POINTS) }))
      .filter(({ ser, points }) => !(ser.optional && points.length === 0));
    const rows = chartTableRows(shown.map((s) => s.points));
    const table = document.createElement('table');
    table.className = 'history';
    const caption = document.createElement('caption');
    caption.textContent = rows.length ? `${spec.title}: ${rows.length} points` : `${spec.title}: no points yet`;
    const head = document.createElement('tr');
    for (const text of [spec.xLabel, ...shown.map((s) => s.ser.label)]) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = text;
      head.append(th);
    }
    table.append(caption, head);
    const xText = (x: number) => (spec.xLabel === 'seconds' ? x.toFixed(2) : Math.round(x).toLocaleString('en-US'));
    for (const row of rows) {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = xText(row.x);
      tr.append(th);
      row.values.forEach((v, i) => {
        const td = document.createElement('td');
        td.textContent = v === undefined ? '' : valueText(spec.axes[shown[i].ser.axis]?.kind ?? 'count', v);
        tr.append(td);
      });
      table.append(tr);
    }
    this.tables[c].querySelector('table')?.remove();
    this.tables[c].append(table);
  }

  private rebuildDatasets(): void {
    const palette = paletteFor(themeColor('--vscode-editor-background', '#1e1e1e'));
    CHART_SPECS.forEach((spec, c) => {
      // Each axis in the binary unit of its largest value (current and overlay alike).
      const units: Partial<Record<AxisId, { scale: number; suffix: string }>> = {};
      const maxes: Partial<Record<AxisId, number>> = {};
      for (const [id, a] of Object.entries(spec.axes) as [AxisId, { kind: AxisKind; label: string }][]) {
        let max = 0;
        spec.series.forEach((ser, i) => {
          if (ser.axis !== id) return;
          for (const p of this.data[c][i].current) max = Math.max(max, p.y);
          for (const p of this.data[c][i].overlay) max = Math.max(max, p.y);
        });
        units[id] = axisUnit(a.kind, max);
        maxes[id] = max;
        const axis = this.charts[c].options.scales?.[id] as { title?: { text?: string } } | undefined;
        if (axis?.title) axis.title.text = units[id]!.suffix ? `${a.label} (${units[id]!.suffix})` : a.label;
        // The axis titles on the canvas, for tests and assistive tools.
        this.charts[c].canvas.dataset[id === 'y' ? 'yAxis' : 'y1Axis'] = axis?.title?.text ?? a.label;
      }
      const scaled = (pts: Point[], id: AxisId) => {
        const k = units[id]?.scale ?? 1;
        return k === 1 ? decimate(pts, MAX_POINTS) : decimate(pts, MAX_POINTS).map((p) => ({ x: p.x, y: p.y / k }));
      };
      const sets: ChartDataset<'line', Point[]>[] = [];
      spec.series.forEach((ser, i) => {
        const color = palette[ser.color];
        if (ser.optional && this.data[c][i].current.length === 0 && this.data[c][i].overlay.length === 0) return;
        sets.push({
          label: ser.label, data: scaled(this.data[c][i].current, ser.axis), yAxisID: ser.axis, borderColor: color, backgroundColor: color,
          pointRadius: 0, borderWidth: 2, ...(ser.dash ? { borderDash: ser.dash } : {}),
        });
        if (this.data[c][i].overlay.length > 0) {
          sets.push({ label: `${ser.label} (${this.overlayLabel})`, data: scaled(this.data[c][i].overlay, ser.axis), yAxisID: ser.axis, borderColor: color, backgroundColor: color, borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 });
        }
      });
      const mark = this.marker;
      if (mark && mark.chart === spec.id) {
        const k = units[mark.axis]?.scale ?? 1;
        const color = palette.red;
        sets.push({
          label: mark.label, data: [{ x: mark.x, y: mark.y / k }], yAxisID: mark.axis, borderColor: color, backgroundColor: color,
          pointRadius: 7, pointStyle: 'crossRot', borderWidth: 3, showLine: false,
        });
      }
      const cur = this.cursor;
      if (cur) {
        // A vertical line from 0 to the top of the left axis at the scrubbed sample.
        const x = spec.x(cur);
        const top = (maxes.y ?? 0) / (units.y?.scale ?? 1);
        sets.push({
          label: 'scrubber', data: [{ x, y: 0 }, { x, y: top > 0 ? top : 1 }], yAxisID: 'y', borderColor: palette.red, backgroundColor: palette.red,
          pointRadius: 0, borderWidth: 1.5, borderDash: [2, 2],
        });
      }
      this.charts[c].canvas.dataset.cursor = cur ? String(spec.x(cur)) : '';
      this.charts[c].data.datasets = sets;
      this.charts[c].canvas.dataset.wall = mark && mark.chart === spec.id ? mark.label : '';
      // The legend's series, for tests and assistive tools.
      this.charts[c].canvas.dataset.series = sets.map((s) => s.label ?? '').join('|');
      // The colours drawn, for the high-contrast tests (each against the background).
      this.charts[c].canvas.dataset.colors = [...new Set(sets.map((s) => String(s.borderColor)))].join('|');
    });
  }

  private applyTheme(): void {
    const fg = themeColor('--vscode-foreground', '#ccc');
    const grid = themeColor('--vscode-editorWidget-border', themeColor('--vscode-panel-border', 'rgba(128,128,128,0.3)'));
    Chart.defaults.color = fg;
    Chart.defaults.borderColor = grid;
    Chart.defaults.font.family = themeColor('--vscode-font-family', 'sans-serif');
    for (const chart of this.charts) {
      const scales = chart.options.scales ?? {};
      for (const axis of Object.values(scales)) {
        if (!axis) continue;
        axis.ticks = { ...axis.ticks, color: fg };
        axis.grid = { ...axis.grid, color: grid };
        const title = (axis as { title?: { color?: string } }).title;
        if (title) title.color = fg;
      }
      if (chart.options.plugins?.title) chart.options.plugins.title.color = fg;
      if (chart.options.plugins?.legend?.labels) chart.options.plugins.legend.labels.color = fg;
    }
    this.rebuildDatasets();
    for (const chart of this.charts) chart.update('none');
  }
}
