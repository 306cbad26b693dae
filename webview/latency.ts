// Latency of each operation (issue 16): p50 / p99 / p99.9 / max per operation
// in a table beside the counters, and the histograms on one chart in
// power-of-two buckets of nanoseconds, counts on a log axis (a million derefs
// and ten growths on one chart).

import * as l10n from '@vscode/l10n';
import { BarController, BarElement, CategoryScale, Chart, Legend, LogarithmicScale, Title, Tooltip } from 'chart.js';
import { log2Bars } from './insightLayout';
import { LATENCY_OP_LABELS, LATENCY_OPS, type LatencyOp, type LatencyState, type LatencyView } from './insightModel';
import { derefNote, formatNs, latencyNote, samplingNote } from './insightText';
import { paletteFor, type SeriesColor } from './palette';
import { cssVar } from './residency';
import { RedrawScheduler } from './redrawScheduler';

Chart.register(BarController, BarElement, CategoryScale, LogarithmicScale, Legend, Tooltip, Title);

const OP_COLORS: Readonly<Record<LatencyOp, SeriesColor>> = {
  alloc: 'blue', deref: 'green', free: 'yellow', mapView: 'purple', unmapView: 'teal', grow: 'red',
};

export class LatencyPanel {
  readonly table: HTMLTableElement;
  /** One line under the table while it has no figures: when they come (the samples do not carry latency). */
  readonly note: HTMLElement;
  /** Under the figures: what their percentiles are of, when the library sampled. */
  readonly sampling: HTMLElement;
  readonly chartBox: HTMLElement;
  private readonly chart: Chart<'bar', number[], string>;
  private latency: Partial<Record<LatencyOp, LatencyView>> | undefined;
  private state: LatencyState = 'pending';
  private scenario: string | undefined;
  /** Results and recorded positions may come many to a frame: one render a frame. */
  private readonly redraw = new RedrawScheduler(() => this.render());

  constructor() {
    this.table = document.createElement('table');
    this.table.id = 'latency';
    this.table.className = 'counters latency';
    this.note = document.createElement('p');
    this.note.id = 'latency-note';
    this.note.className = 'note';
    this.sampling = document.createElement('p');
    this.sampling.id = 'latency-sampling';
    this.sampling.className = 'note';
    this.chartBox = document.createElement('div');
    this.chartBox.className = 'chart-box';
    const canvas = document.createElement('canvas');
    canvas.id = 'chart-latency';
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', l10n.t('Latency histogram per operation'));
    this.chartBox.append(canvas);
    this.chart = new Chart<'bar', number[], string>(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        plugins: {
          title: { display: true, text: l10n.t('Latency histogram (power-of-two buckets)') },
          legend: { display: true },
          tooltip: { callbacks: { title: (items) => (items[0] ? `${items[0].label}` : '') } },
        },
        scales: {
          x: { type: 'category', title: { display: true, text: l10n.t('duration (bucket from)') } },
          y: {
            type: 'logarithmic', min: 0.5, title: { display: true, text: l10n.t('operations (log)') },
            // Whole counts only: 1, 10, 100, ... (a log axis also offers 0.5, 2, 5).
            ticks: { callback: (v: string | number) => (Number.isInteger(Math.log10(Number(v))) ? Number(v).toLocaleString('en-US') : '') },
          },
        },
      },
    });
    this.render();
  }

  /**
   * The figures, or none with the reason (`state`): 'live' for a running run's
   * figures so far (from a sample: no histogram yet), 'pending' before its
   * first, 'noResult' for a run that failed, 'noData' for a record from before
   * the histograms.
   */
  set(latency: Partial<Record<LatencyOp, LatencyView>> | undefined, state: LatencyState = latency ? 'shown' : 'pending', scenario?: string): void {
    this.scenario = scenario;
    this.state = state === 'baseline' ? 'baseline' : latency ? (state === 'live' ? 'live' : 'shown') : state === 'shown' || state === 'live' ? 'pending' : state;
    // The baseline's histograms are empty (malloc is not timed): no table of zeros, the note says why.
    this.latency = this.state === 'baseline' ? undefined : latency;
    this.redraw.request();
  }

  private render(): void {
    const l = this.latency;
    const head = document.createElement('tr');
    for (const h of [l10n.t('latency'), l10n.t('count'), 'p50', 'p99', 'p99.9', l10n.t('max')]) {
      const th = document.createElement('th');
      th.textContent = h;
      head.append(th);
    }
    const rows: HTMLTableRowElement[] = [head];
    for (const op of LATENCY_OPS) {
      const v = l?.[op];
      const tr = document.createElement('tr');
      tr.className = `l-${op}`;
      const th = document.createElement('th');
      th.textContent = LATENCY_OP_LABELS[op];
      th.title = op === 'grow' ? l10n.t('A growth of the file: the allocation that triggered it stalls for this long.') : l10n.t('Time per {0} in the library, measured with the tick counter.', LATENCY_OP_LABELS[op]);
      tr.append(th);
      if (v && v.timed < v.count) tr.title = l10n.t('{0} of {1} timed: p50 to max are of those', v.timed.toLocaleString('en-US'), v.count.toLocaleString('en-US'));
      const cells = v ? [v.count.toLocaleString('en-US'), formatNs(v.p50Ns), formatNs(v.p99Ns), formatNs(v.p999Ns), formatNs(v.maxNs)] : ['—', '—', '—', '—', '—'];
      ['count', 'p50', 'p99', 'p999', 'max'].forEach((cls, i) => {
        const td = document.createElement('td');
        td.className = `l-${cls}`;
        td.textContent = v && v.timed === 0 && i > 0 ? '—' : cells[i];
        tr.append(td);
      });
      rows.push(tr);
    }
    const baseline = this.state === 'baseline';
    this.table.replaceChildren(...(baseline ? [] : rows));
    this.table.hidden = baseline;
    const deref = this.state === 'shown' ? derefNote(this.scenario) : '';
    if (deref) this.table.querySelector('tr.l-deref th')?.setAttribute('title', deref);
    const note = [latencyNote(this.state), deref].filter((x) => x !== '').join(' ');
    this.note.textContent = note;
    this.note.hidden = note === '';
    this.note.dataset.state = this.state;
    const sampling = this.state === 'shown' || this.state === 'live' ? samplingNote(l) : '';
    this.sampling.textContent = sampling;
    this.sampling.hidden = sampling === '';
    // The chart, far from the table, says it too: a second title line.
    const title = this.chart.options.plugins?.title;
    if (title) title.text = note ? [l10n.t('Latency histogram (power-of-two buckets)'), note] : l10n.t('Latency histogram (power-of-two buckets)');
    // The chart: one dataset per operation over the union of the power-of-two bars.
    const bars = LATENCY_OPS.map((op) => [op, log2Bars(l?.[op]?.buckets ?? [])] as const).filter(([, b]) => b.length > 0);
    const lows = [...new Set(bars.flatMap(([, b]) => b.map((x) => x.lowNs)))].sort((a, b) => a - b);
    const palette = paletteFor(cssVar('--vscode-editor-background', '#1e1e1e'));
    this.chart.data.labels = lows.map((x) => formatNs(x));
    this.chart.data.datasets = bars.map(([op, b]) => {
      const byLow = new Map(b.map((x) => [x.lowNs, x.count]));
      return {
        label: LATENCY_OP_LABELS[op],
        data: lows.map((x) => byLow.get(x) ?? 0),
        backgroundColor: palette[OP_COLORS[op]],
        borderColor: palette[OP_COLORS[op]],
      };
    });
    const fg = cssVar('--vscode-foreground', '#ccc');
    for (const axis of Object.values(this.chart.options.scales ?? {})) {
      if (!axis) continue;
      axis.ticks = { ...axis.ticks, color: fg };
    }
    this.chart.update('none');
    this.chart.canvas.dataset.series = this.chart.data.datasets.map((d) => d.label ?? '').join('|');
    this.chart.canvas.dataset.buckets = String(lows.length);
  }
}
