// Live charts (chart.js) in the theme's colours, redrawn at most 20 times a
// second, decimated so long runs stay cheap.

import {
  Chart, Legend, LinearScale, LineController, LineElement, PointElement, Title, Tooltip,
  type ChartDataset,
} from 'chart.js';
import type { SampleMessage } from '../extension/protocol';
import { decimate, type Point } from './decimate';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip, Title);

const MAX_POINTS = 400;
const MIN_REDRAW_MS = 50; // 20 redraws a second at most

interface SeriesSpec {
  label: string;
  color: string; // a --vscode-charts-* variable name
  value: (s: SampleMessage, prev: SampleMessage | undefined) => number | undefined;
}

interface ChartSpec {
  id: string;
  title: string;
  yLabel: string;
  x: (s: SampleMessage) => number;
  xLabel: string;
  series: SeriesSpec[];
}

const MIB = 1024 * 1024;

export const CHART_SPECS: ChartSpec[] = [
  {
    id: 'chart-bytes', title: 'Bytes allocated and file size', yLabel: 'MiB', xLabel: 'operations', x: (s) => s.ops,
    series: [
      { label: 'bytes allocated', color: '--vscode-charts-blue', value: (s) => s.counters.bytesAllocated / MIB },
      { label: 'file size', color: '--vscode-charts-orange', value: (s) => s.counters.fileSize / MIB },
    ],
  },
  {
    id: 'chart-maps', title: 'Map views and file maps', yLabel: 'count', xLabel: 'operations', x: (s) => s.ops,
    series: [
      { label: 'map views', color: '--vscode-charts-green', value: (s) => s.counters.mapViews },
      { label: 'file maps', color: '--vscode-charts-purple', value: (s) => s.counters.fileMaps },
    ],
  },
  {
    id: 'chart-memory', title: 'Runner process: resident vs virtual', yLabel: 'MiB', xLabel: 'seconds', x: (s) => s.elapsedMs / 1000,
    series: [
      { label: 'resident', color: '--vscode-charts-red', value: (s) => s.process.rssBytes / MIB },
      { label: 'virtual', color: '--vscode-charts-yellow', value: (s) => s.process.virtualBytes / MIB },
    ],
  },
  {
    id: 'chart-faults', title: 'Page faults', yLabel: 'faults', xLabel: 'seconds', x: (s) => s.elapsedMs / 1000,
    series: [
      { label: 'minor', color: '--vscode-charts-blue', value: (s) => s.process.minorFaults },
      { label: 'major', color: '--vscode-charts-red', value: (s) => s.process.majorFaults },
    ],
  },
  {
    id: 'chart-throughput', title: 'Throughput', yLabel: 'MB/s', xLabel: 'seconds', x: (s) => s.elapsedMs / 1000,
    series: [
      {
        label: 'allocated MB/s', color: '--vscode-charts-green',
        value: (s, prev) => {
          if (!prev || s.elapsedMs <= prev.elapsedMs) return undefined;
          return (s.counters.bytesAllocated - prev.counters.bytesAllocated) / 1e6 / ((s.elapsedMs - prev.elapsedMs) / 1000);
        },
      },
    ],
  },
];

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
  private readonly data: SeriesData[][] = [];
  private dirty = false;
  private lastDraw = 0;
  private timer: number | undefined;
  private prev: SampleMessage | undefined;
  private overlayLabel = '';

  constructor(container: HTMLElement) {
    for (const spec of CHART_SPECS) {
      const box = document.createElement('div');
      box.className = 'chart-box';
      const canvas = document.createElement('canvas');
      canvas.id = spec.id;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', spec.title);
      box.appendChild(canvas);
      container.appendChild(box);
      const series = spec.series.map(() => ({ current: [] as Point[], overlay: [] as Point[] }));
      this.data.push(series);
      const chart = new Chart<'line', Point[]>(canvas, {
        type: 'line',
        data: { datasets: [] },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          parsing: false,
          normalized: true,
          spanGaps: true,
          plugins: { title: { display: true, text: spec.title }, legend: { display: true } },
          scales: {
            x: { type: 'linear', title: { display: true, text: spec.xLabel } },
            y: { type: 'linear', beginAtZero: true, title: { display: true, text: spec.yLabel } },
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
    this.prev = undefined;
    for (const s of samples) this.addPoints(s);
    this.schedule();
  }

  add(sample: SampleMessage): void {
    this.addPoints(sample);
    this.schedule();
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
    this.schedule();
  }

  pointCount(chartIndex: number): number {
    return this.data[chartIndex]?.[0]?.current.length ?? 0;
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

  private schedule(): void {
    this.dirty = true;
    if (this.timer !== undefined) return;
    const wait = Math.max(0, MIN_REDRAW_MS - (performance.now() - this.lastDraw));
    this.timer = window.setTimeout(() => {
      this.timer = undefined;
      requestAnimationFrame(() => this.draw());
    }, wait);
  }

  private draw(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.lastDraw = performance.now();
    this.rebuildDatasets();
    for (const chart of this.charts) chart.update('none');
    // Point counts on the canvases, for tests and assistive tools.
    this.charts.forEach((chart, c) => {
      chart.canvas.dataset.points = String(this.data[c][0].current.length);
      chart.canvas.dataset.redraws = String(Number(chart.canvas.dataset.redraws ?? 0) + 1);
    });
  }

  private rebuildDatasets(): void {
    CHART_SPECS.forEach((spec, c) => {
      const sets: ChartDataset<'line', Point[]>[] = [];
      spec.series.forEach((ser, i) => {
        const color = themeColor(ser.color, '#888');
        sets.push({ label: ser.label, data: decimate(this.data[c][i].current, MAX_POINTS), borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 2 });
        if (this.data[c][i].overlay.length > 0) {
          sets.push({ label: `${ser.label} (${this.overlayLabel})`, data: decimate(this.data[c][i].overlay, MAX_POINTS), borderColor: color, backgroundColor: color, borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 });
        }
      });
      this.charts[c].data.datasets = sets;
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
