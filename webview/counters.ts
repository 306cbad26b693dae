// The counters table, shared by the panel and the recording editor: one row a
// figure, the seed's counters from their table (common/counters.ts), each value
// cell classed by its figure (c-allocs, ...) for tests and styles.

import * as l10n from '@vscode/l10n';
import type { Phase, SampleMessage } from '../common/protocol';
import { formatBytes } from '../common/format';
import { counterSpec, counterTooltip, FIGURE_HELP, SEED_COUNTER_KEYS, type CounterUnit } from '../common/counters';

function n(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

export function counterText(unit: CounterUnit, x: number): string {
  return unit === 'bytes' ? formatBytes(x) : n(x);
}

/** fileSize -> file-size (the rows' class names). */
function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`);
}

/** [label, value, class, tooltip] of each row; `empty` names the table when there is no sample. */
export function counterRows(s: SampleMessage | undefined, empty = l10n.t('no run yet')): [string, string, string, string?][] {
  type Row = [string, string, string, string?];
  const totals = s?.process.processTotals;
  return s ? [
    [l10n.t('operations'), `${s.ops.toLocaleString('en-US')}${s.opsTotal ? ` / ~${s.opsTotal.toLocaleString('en-US')}` : ''}`, 'c-operations'],
    [l10n.t('items'), `${s.items.toLocaleString('en-US')} / ${s.itemsTotal.toLocaleString('en-US')} (${phaseLabel(s.phase)})`, 'c-items'],
    // The seed's counters, from their table: label, value in its unit, tooltip.
    ...SEED_COUNTER_KEYS.map((k): Row => {
      const c = counterSpec(k);
      return [c.label, counterText(c.unit, s.counters[k]), `c-${kebab(k)}`, counterTooltip(c)];
    }),
    [l10n.t('view'), s.counters.viewLength ? l10n.t('{0} at {1}', formatBytes(s.counters.viewLength), formatBytes(s.counters.viewOffset)) : l10n.t('none'), 'c-view'],
    [l10n.t('resident now'), formatBytes(s.process.rssBytes), 'c-resident'],
    [l10n.t('peak resident (sampled, this run)'), formatBytes(s.process.peakRssBytes), 'c-peak-resident'],
    [l10n.t('virtual'), formatBytes(s.process.virtualBytes), 'c-virtual'],
    [l10n.t('minor faults (this run)'), n(s.process.minorFaults), 'c-minor-faults'], [l10n.t('major faults (this run)'), n(s.process.majorFaults), 'c-major-faults'],
    [l10n.t('on disk'), formatBytes(s.process.diskBytes), 'c-on-disk'],
    ...(totals ? [
      [l10n.t('minor faults (runner process total)'), n(totals.minorFaults), 'c-total-minor-faults'],
      [l10n.t('major faults (runner process total)'), n(totals.majorFaults), 'c-total-major-faults'],
      [l10n.t('peak resident (runner process total)'), formatBytes(totals.peakRssBytes), 'c-total-peak-resident'],
    ] as Row[] : []),
  ] : [[l10n.t('counters'), empty, 'c-counters']];
}

export function renderCounters(table: HTMLElement, s: SampleMessage | undefined, empty?: string): void {
  table.replaceChildren(...counterRows(s, empty).map(([k, v, cls, tip]) => {
    const tr = document.createElement('tr');
    if (cls.startsWith('c-total')) tr.className = 'process-total';
    // Every figure explained (issue 18): a counter's says whether it is one of the seed's own.
    const title = tip ?? FIGURE_HELP[cls];
    if (title !== undefined) tr.title = title;
    const th = document.createElement('th');
    th.textContent = k;
    const td = document.createElement('td');
    td.textContent = v;
    td.className = cls;
    tr.append(th, td);
    return tr;
  }));
}

/** A run's phase (alloc, verify, free, random, done) in the display language. */
export function phaseLabel(phase: Phase): string {
  switch (phase) {
    case 'alloc': return l10n.t({ message: 'alloc', comment: ['the phase of a run that allocates its items'] });
    case 'verify': return l10n.t({ message: 'verify', comment: ['the phase of a run that reads its items back'] });
    case 'free': return l10n.t({ message: 'free', comment: ['the phase of a run that frees its items'] });
    case 'random': return l10n.t({ message: 'random', comment: ['the phase of a run that allocates and frees at random'] });
    case 'done': return l10n.t({ message: 'done', comment: ['the phase of a run that has ended'] });
    default: return phase;
  }
}
