// The counters table, shared by the panel and the recording editor: one row a
// figure, each value cell classed by its figure (c-allocs, ...) for tests and styles.

import type { SampleMessage } from '../extension/protocol';
import { formatBytes } from '../extension/format';

function n(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

/** [label, value, class] of each row; `empty` names the table when there is no sample. */
export function counterRows(s: SampleMessage | undefined, empty = 'no run yet'): [string, string, string][] {
  type Row = [string, string, string];
  const totals = s?.process.processTotals;
  return s ? [
    ['operations', `${s.ops.toLocaleString('en-US')}${s.opsTotal ? ` / ~${s.opsTotal.toLocaleString('en-US')}` : ''}`, 'c-operations'],
    ['items', `${s.items.toLocaleString('en-US')} / ${s.itemsTotal.toLocaleString('en-US')} (${s.phase})`, 'c-items'],
    ['allocs', n(s.counters.allocs), 'c-allocs'], ['deletions', n(s.counters.deletions), 'c-deletions'],
    ['recycled allocs', n(s.counters.recycledAllocs), 'c-recycled-allocs'],
    ['bytes allocated', formatBytes(s.counters.bytesAllocated), 'c-bytes-allocated'], ['bytes freed', formatBytes(s.counters.bytesFreed), 'c-bytes-freed'],
    ['file maps', n(s.counters.fileMaps), 'c-file-maps'], ['map views', n(s.counters.mapViews), 'c-map-views'], ['compactions', n(s.counters.compactions), 'c-compactions'],
    ['free-list bytes', formatBytes(s.counters.freeListBytes), 'c-free-list-bytes'], ['file size', formatBytes(s.counters.fileSize), 'c-file-size'],
    ['view', s.counters.viewLength ? `${formatBytes(s.counters.viewLength)} at ${formatBytes(s.counters.viewOffset)}` : 'none', 'c-view'],
    ['resident now', formatBytes(s.process.rssBytes), 'c-resident'],
    ['peak resident (sampled, this run)', formatBytes(s.process.peakRssBytes), 'c-peak-resident'],
    ['virtual', formatBytes(s.process.virtualBytes), 'c-virtual'],
    ['minor faults (this run)', n(s.process.minorFaults), 'c-minor-faults'], ['major faults (this run)', n(s.process.majorFaults), 'c-major-faults'],
    ['on disk', formatBytes(s.process.diskBytes), 'c-on-disk'],
    ...(totals ? [
      ['minor faults (runner process total)', n(totals.minorFaults), 'c-total-minor-faults'],
      ['major faults (runner process total)', n(totals.majorFaults), 'c-total-major-faults'],
      ['peak resident (runner process total)', formatBytes(totals.peakRssBytes), 'c-total-peak-resident'],
    ] as Row[] : []),
  ] : [['counters', empty, 'c-counters']];
}

export function renderCounters(table: HTMLElement, s: SampleMessage | undefined, empty?: string): void {
  table.replaceChildren(...counterRows(s, empty).map(([k, v, cls]) => {
    const tr = document.createElement('tr');
    if (cls.startsWith('c-total')) tr.className = 'process-total';
    const th = document.createElement('th');
    th.textContent = k;
    const td = document.createElement('td');
    td.textContent = v;
    td.className = cls;
    tr.append(th, td);
    return tr;
  }));
}
