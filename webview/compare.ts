// The comparison of two recordings (issue 17): curves overlaid or side by
// side, aligned by operation number or by time (the extension aligns them when
// asked), the ratios of the final figures and the parameters, the differing
// ones marked. Draws what the extension sends.

import './l10nSetup';
import * as l10n from '@vscode/l10n';
import { el, vsCodeApi } from './dom';
import {
  Chart, Legend, LinearScale, LineController, LineElement, PointElement, Title, Tooltip, type ChartDataset,
} from 'chart.js';
import { type Comparison, type ComparisonSide, type FromCompareView, type ToCompareView } from '../common/protocol';
import { binaryUnit } from '../common/format';
import { dropdown } from './toolkit';
import { paletteFor } from './palette';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip, Title);

const vscode = vsCodeApi<FromCompareView>();

type Layout = 'overlay' | 'side';
interface SavedState {
  layout?: Layout;
  by?: 'ops' | 'time';
  files?: { a: string; b: string };
}

function css(variable: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(variable).trim() || fallback;
}

class CompareView {
  private readonly sides = el('section', { className: 'compare-sides' });
  private readonly parameters = el('table', { id: 'parameters', className: 'history compare-table' });
  private readonly ratios = el('table', { id: 'ratios', className: 'history compare-table' });
  private readonly chartBox = el('section', { id: 'compare-charts', className: 'charts' });
  private readonly charts: Chart<'line', { x: number; y: number }[]>[] = [];
  private layout: Layout;
  private data: Comparison | undefined;
  private files: { a: string; b: string } | undefined;

  constructor(root: HTMLElement) {
    const saved = (vscode.getState() as SavedState | undefined) ?? {};
    this.layout = saved.layout === 'side' ? 'side' : 'overlay';
    const align = dropdown('align-by', l10n.t('Align the curves by'), [{ value: 'ops', label: l10n.t('operation number') }, { value: 'time', label: l10n.t('time since the start') }], saved.by === 'time' ? 'time' : 'ops');
    align.onChange(() => vscode.postMessage({ type: 'align', by: align.get() }));
    const layout = dropdown('layout', l10n.t('Show the runs'), [{ value: 'overlay', label: l10n.t('overlaid') }, { value: 'side', label: l10n.t('side by side') }], this.layout);
    layout.onChange(() => {
      this.layout = layout.get() === 'side' ? 'side' : 'overlay';
      this.save();
      this.drawCharts();
    });
    root.append(el('h1', { text: l10n.t('Compare recordings') }), this.sides,
      el('div', { className: 'form' }, align.element, layout.element),
      el('h2', { text: l10n.t('Final figures (B ÷ A)') }), this.ratios,
      el('h2', { text: l10n.t('Parameters (the ones that differ are marked)') }), this.parameters,
      el('h2', { text: l10n.t('Curves') }), this.chartBox);
    window.addEventListener('message', (e: MessageEvent) => this.onMessage(e.data as ToCompareView));
    vscode.postMessage({ type: 'ready' });
  }

  private onMessage(m: ToCompareView): void {
    // One kind of message today; anything else is not drawn.
    if (m?.type !== 'comparison') return;
    this.data = m.comparison;
    this.files = m.files;
    this.save();
    this.drawTables(m.comparison);
    this.drawCharts();
  }

  /** The layout, the alignment and the files: what a reloaded window needs to show this again. */
  private save(): void {
    vscode.setState({ layout: this.layout, by: this.data?.by, files: this.files } satisfies SavedState);
  }

  private drawTables(c: Comparison): void {
    const side = (s: ComparisonSide, which: 'a' | 'b') => el('div', { className: `compare-side side-${which}`, id: `side-${which}` },
      el('h2', {}, el('span', { className: `swatch swatch-${which}` }), ` ${which.toUpperCase()}: ${s.title}`),
      el('div', { className: 'runner-info' }, ...s.facts.flatMap(([k, v], i) => [i ? ' · ' : '', `${k} `, el('strong', { text: v })])));
    this.sides.replaceChildren(side(c.a, 'a'), side(c.b, 'b'));
    const head = (...cells: string[]) => el('tr', {}, ...cells.map((t) => el('th', { text: t })));
    this.ratios.replaceChildren(head('', 'A', 'B', 'B ÷ A'), ...c.ratios.map((r) => el('tr', { className: r.differs ? 'differs' : '' },
      el('th', { text: r.label }), el('td', { text: r.a }), el('td', { text: r.b }), el('td', { text: r.ratio, className: 'ratio' }))));
    this.parameters.replaceChildren(head('', 'A', 'B'), ...c.parameters.map((p) => {
      const tr = el('tr', { className: p.differs ? 'differs' : '' }, el('th', { text: p.label }), el('td', { text: p.a }), el('td', { text: p.b }));
      if (p.differs) tr.title = l10n.t('differs');
      return tr;
    }));
  }

  private drawCharts(): void {
    const c = this.data;
    for (const ch of this.charts.splice(0)) ch.destroy();
    this.chartBox.replaceChildren();
    if (!c) return;
    this.chartBox.classList.toggle('side-by-side', this.layout === 'side');
    const palette = paletteFor(css('--vscode-editor-background', '#1e1e1e'));
    const fg = css('--vscode-foreground', '#ccc');
    const grid = css('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
    const xTitle = c.by === 'ops' ? l10n.t('operations') : l10n.t('seconds');
    for (const spec of c.charts) {
      const max = Math.max(0, ...spec.a.map((v) => v ?? 0), ...spec.b.map((v) => v ?? 0));
      const unit = spec.kind === 'bytes' ? binaryUnit(max) : { unit: '', scale: 1 };
      const points = (ys: (number | null)[]) => {
        const out: { x: number; y: number }[] = [];
        ys.forEach((y, i) => {
          if (y !== null) out.push({ x: c.by === 'ops' ? spec.x[i] : spec.x[i] / 1000, y: y / unit.scale });
        });
        return out;
      };
      const a = points(spec.a);
      const b = points(spec.b);
      const xMax = spec.x.length ? (c.by === 'ops' ? spec.x[spec.x.length - 1] : spec.x[spec.x.length - 1] / 1000) : 1;
      const set = (label: string, data: { x: number; y: number }[], color: string, dash: number[]): ChartDataset<'line', { x: number; y: number }[]> =>
        // A dashed series' legend box is its dashed outline, not a filled box.
        ({ label, data, borderColor: color, backgroundColor: dash.length ? 'transparent' : color, borderDash: dash, pointRadius: 0, borderWidth: 2 });
      const add = (id: string, title: string, sets: ChartDataset<'line', { x: number; y: number }[]>[], count: string) => {
        const box = el('div', { className: 'chart-box' });
        const canvas = el('canvas', { id });
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', title);
        canvas.dataset.points = count;
        canvas.dataset.xAxis = xTitle;
        box.append(canvas);
        this.chartBox.append(box);
        this.charts.push(new Chart<'line', { x: number; y: number }[]>(canvas, {
          type: 'line',
          data: { datasets: sets },
          options: {
            animation: false, responsive: true, maintainAspectRatio: false, parsing: false, spanGaps: false,
            plugins: { title: { display: true, text: title, color: fg }, legend: { display: true, labels: { color: fg } } },
            scales: {
              // Side by side, both charts of a figure get the same ranges, so their heights compare.
              x: { type: 'linear', min: 0, max: xMax, title: { display: true, text: xTitle, color: fg }, ticks: { color: fg }, grid: { color: grid } },
              y: {
                type: 'linear', beginAtZero: true, suggestedMax: max > 0 ? max / unit.scale : undefined,
                title: { display: true, text: unit.unit ? `${spec.title} (${unit.unit})` : spec.title, color: fg }, ticks: { color: fg }, grid: { color: grid },
              },
            },
          },
        }));
      };
      if (this.layout === 'overlay') {
        add(spec.id, spec.title, [set('A', a, palette.blue, []), set('B', b, palette.orange, [6, 4])], `${a.length}|${b.length}`);
      } else {
        add(`${spec.id}-a`, `${spec.title} — A`, [set('A', a, palette.blue, [])], String(a.length));
        add(`${spec.id}-b`, `${spec.title} — B`, [set('B', b, palette.orange, [6, 4])], String(b.length));
      }
    }
  }
}

new CompareView(document.getElementById('app')!);
