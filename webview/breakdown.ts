// Where the time goes (issue 16): one stacked bar per finished run, all on one
// scale (the longest run is the full width), so runs in the history compare at
// a glance. Each segment's tooltip gives its time and share; the page-fault
// segment says how it is estimated.

import { formatDuration } from '../common/format';
import type { RunRecord } from '../common/protocol';
import { layoutBreakdown } from './insightLayout';
import { BREAKDOWN_LABELS, BREAKDOWN_PARTS, insightOf, type BreakdownView } from './insightModel';
import { paletteFor, type SeriesColor } from './palette';
import { cssVar } from './residency';

const PART_COLORS: Readonly<Record<(typeof BREAKDOWN_PARTS)[number] | 'other', SeriesColor | 'none'>> = {
  copyCompare: 'blue', heap: 'teal', mapUnmap: 'purple', pageFaults: 'red', growth: 'orange', evict: 'yellow', runner: 'green', other: 'none',
};

/** The resolution of the layout: segments are placed in thousandths of the width. */
const UNITS = 1000;

export function breakdownSection(records: readonly RunRecord[]): HTMLElement {
  const box = document.createElement('div');
  box.id = 'breakdown';
  box.className = 'breakdown';
  const rows = records
    .map((r) => ({ r, i: insightOf(r.result) }))
    .filter((x): x is { r: RunRecord; i: ReturnType<typeof insightOf> & { breakdown: BreakdownView } } => x.i.breakdown !== undefined)
    .slice(0, 20);
  if (rows.length === 0) {
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = 'Finished runs show where their time went here (runs before the insight sampling have no breakdown).';
    box.append(p);
    return box;
  }
  const palette = paletteFor(cssVar('--vscode-editor-background', '#1e1e1e'));
  const color = (k: keyof typeof PART_COLORS) => (PART_COLORS[k] === 'none' ? cssVar('--vscode-editorWidget-background', '#444') : palette[PART_COLORS[k] as SeriesColor]);
  const legend = document.createElement('div');
  legend.className = 'legend';
  for (const k of [...BREAKDOWN_PARTS, 'other'] as const) {
    const s = document.createElement('span');
    s.className = 'swatch';
    s.style.background = color(k);
    legend.append(s, ` ${k === 'other' ? 'not accounted for' : BREAKDOWN_LABELS[k]}  `);
  }
  const layout = layoutBreakdown(rows.map(({ i }) => ({ wallMs: i.breakdown.wallMs, parts: BREAKDOWN_PARTS.map((p) => i.breakdown.parts[p]) })), UNITS);
  const table = document.createElement('div');
  table.className = 'breakdown-rows';
  rows.forEach(({ r, i }, n) => {
    const b = i.breakdown;
    const label = document.createElement('div');
    label.className = 'b-label';
    label.textContent = `${r.label}${i.cache ? ` (${i.cache})` : ''}: ${formatDuration(b.wallMs)}`;
    const bar = document.createElement('div');
    bar.className = 'b-bar';
    bar.setAttribute('role', 'img');
    const words: string[] = [];
    layout.bars[n].forEach((seg, k) => {
      const part = (k < BREAKDOWN_PARTS.length ? BREAKDOWN_PARTS[k] : 'other') as keyof typeof PART_COLORS;
      const ms = part === 'other' ? Math.max(0, b.wallMs - BREAKDOWN_PARTS.reduce((t, p) => t + b.parts[p], 0)) : b.parts[part];
      if (ms <= 0) return;
      const share = b.wallMs > 0 ? ` (${Math.round((100 * ms) / b.wallMs)}% of the wall time)` : '';
      const name = part === 'other' ? 'not accounted for' : BREAKDOWN_LABELS[part];
      const tip = `${name}: ${formatDuration(ms)}${share}`
        + (part === 'pageFaults' ? `. Estimated: ${b.faultEstimate ?? 'the run\'s page faults (OS counters) times the platform\'s measured cost of one minor fault; a major fault\'s disk time is not in it'}.` : '');
      words.push(`${name} ${formatDuration(ms)}`);
      if (seg.w <= 0) return;
      const s = document.createElement('div');
      s.className = `b-seg b-${part}`;
      s.style.left = `${seg.x / (UNITS / 100)}%`;
      s.style.width = `${seg.w / (UNITS / 100)}%`;
      s.style.background = color(part);
      s.title = tip;
      bar.append(s);
    });
    bar.setAttribute('aria-label', `${r.label}: ${words.join(', ')}`);
    bar.title = `${r.label}: ${words.join(', ')}`;
    table.append(label, bar);
  });
  const scale = document.createElement('p');
  scale.className = 'note';
  scale.textContent = `One scale for all runs: the full width is ${formatDuration(layout.scaleMs)}.`;
  box.append(legend, table, scale);
  return box;
}
