// Where the time goes (issue 16): one stacked bar per finished run, all on one
// scale (the longest run is the full width), so runs in the history compare at
// a glance. Each segment's tooltip gives its time and share; the page-fault
// segment says how it is estimated, and, when the estimate was more than the
// time the library's steps had left (so the library cut it to that), says so
// in its tooltip, in the bar's words and in the row's label, and is hatched.

import * as l10n from '@vscode/l10n';
import { formatDuration } from '../common/format';
import type { RunRecord } from '../common/protocol';
import { layoutBreakdown } from './insightLayout';
import { BREAKDOWN_LABELS, BREAKDOWN_PARTS, insightOf, type BreakdownView } from './insightModel';
import { breakdownLabel, breakdownTotalNote, faultCapText, segmentTexts } from './insightText';
import { paletteFor, type SeriesColor } from './palette';
import { cssVar } from './residency';

const PART_COLORS: Readonly<Record<(typeof BREAKDOWN_PARTS)[number] | 'other', SeriesColor | 'none'>> = {
  copyCompare: 'blue', heap: 'teal', mapUnmap: 'purple', pageFaults: 'red', growth: 'orange', evict: 'yellow', runner: 'green', other: 'none',
};

/** The resolution of the layout: segments are placed in thousandths of the width. */
const UNITS = 1000;

type Part = keyof typeof PART_COLORS;

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
    p.textContent = l10n.t('Finished runs show where their time went here (runs before the insight sampling have no breakdown).');
    box.append(p);
    return box;
  }
  const palette = paletteFor(cssVar('--vscode-editor-background', '#1e1e1e'));
  const color = (k: Part) => (PART_COLORS[k] === 'none' ? cssVar('--vscode-editorWidget-background', '#444') : palette[PART_COLORS[k] as SeriesColor]);
  const legend = document.createElement('div');
  legend.className = 'legend';
  for (const k of [...BREAKDOWN_PARTS, 'other'] as const) {
    const s = document.createElement('span');
    s.className = 'swatch';
    s.style.background = color(k);
    legend.append(s, ` ${k === 'other' ? l10n.t('not accounted for') : BREAKDOWN_LABELS[k]}  `);
  }
  const layout = layoutBreakdown(rows.map(({ i }) => ({ wallMs: i.breakdown.wallMs, parts: BREAKDOWN_PARTS.map((p) => i.breakdown.parts[p]) })), UNITS);
  const table = document.createElement('div');
  table.className = 'breakdown-rows';
  let anyCapped = false;
  rows.forEach(({ r, i }, n) => {
    const b = i.breakdown;
    const capped = b.faults.capped;
    anyCapped ||= capped;
    const label = document.createElement('div');
    label.className = 'b-label';
    const run = { label: r.label, scenario: r.result?.scenario ?? r.parameters?.scenario, mode: r.result?.mode ?? r.parameters?.mode };
    label.textContent = `${breakdownLabel(run, i.cache, b)}${capped ? ` — ${l10n.t('page faults capped')}` : ''}`;
    label.dataset.pausedMs = String(Math.round(b.pausedMs));
    if (capped) label.title = faultCapText(b);
    const bar = document.createElement('div');
    bar.className = 'b-bar';
    bar.setAttribute('role', 'img');
    if (capped) bar.dataset.faultsCapped = 'true';
    const words: string[] = [];
    layout.bars[n].forEach((seg, k) => {
      const part = (k < BREAKDOWN_PARTS.length ? BREAKDOWN_PARTS[k] : 'other') as Part;
      const t = segmentTexts(b, part);
      if (!t) return;
      words.push(t.words);
      if (seg.w <= 0) return;
      const s = document.createElement('div');
      s.className = `b-seg b-${part}${part === 'pageFaults' && capped ? ' b-capped' : ''}`;
      s.style.left = `${seg.x / (UNITS / 100)}%`;
      s.style.width = `${seg.w / (UNITS / 100)}%`;
      s.style.backgroundColor = color(part);
      s.title = t.tip;
      bar.append(s);
    });
    bar.setAttribute('aria-label', `${r.label}: ${words.join(', ')}`);
    bar.title = `${r.label}: ${words.join(', ')}`;
    table.append(label, bar);
  });
  const scale = document.createElement('p');
  scale.className = 'note';
  scale.textContent = `${l10n.t('One scale for all runs: the full width is {0}.', formatDuration(layout.scaleMs))} ${breakdownTotalNote()}`;
  box.append(legend, table, scale);
  if (anyCapped) {
    const note = document.createElement('p');
    note.className = 'note';
    note.id = 'breakdown-capped';
    note.textContent = l10n.t('Hatched: a page-fault part cut to the time the library\'s steps had left; its estimate (faults counted × the cost of one fault measured on this machine) was more. Hover it for both figures.');
    box.append(note);
  }
  return box;
}
