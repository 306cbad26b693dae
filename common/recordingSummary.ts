// What the recording editor and the comparison say about a recording, in
// words: drawn by the webviews as given. Pure. The words go through
// @vscode/l10n: the extension, which builds these, configures it with the
// display language's bundle.

import * as l10n from '@vscode/l10n';
import type { Recording } from './recording';
import type { Comparison, ComparisonSide, RecordingSummary } from './protocol';
import { compareCharts, finalFigures, parameterRows, ratioTable, type Alignment } from './compare';
import { parameterDifferences } from './parameters';
import { formatDuration, formatBytes } from './format';

const n = (x: number): string => x.toLocaleString('en-US');

function when(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** Where and when it ran. */
export function recordingFacts(rec: Recording): [string, string][] {
  const h = rec.header;
  const facts: [string, string][] = [[l10n.t('started'), when(h.startedAt)]];
  if (h.platform) facts.push([l10n.t('platform'), `${h.platform}-${h.arch ?? '?'}`]);
  if (h.libraryVersion) facts.push([l10n.t('library'), h.libraryVersion]);
  if (h.pageSize) facts.push([l10n.t('OS page size'), formatBytes(h.pageSize)]);
  if (h.granularity) facts.push([l10n.t('OS allocation granularity'), formatBytes(h.granularity)]);
  facts.push([l10n.t('recorded by'), h.test ? l10n.t('{0} (test {1})', h.producer, h.test.label) : h.producer]);
  facts.push([l10n.t('format version'), h.version]);
  facts.push([l10n.t('samples'), rec.samplesSeen > rec.samples.length ? l10n.t('{0} kept of {1}', n(rec.samples.length), n(rec.samplesSeen)) : n(rec.samples.length)]);
  const e = rec.eventTotals;
  facts.push([l10n.t('events'), e.dropped
    ? l10n.t('{0} kept of {1}, {2} dropped by the runner', n(rec.events.length), n(e.seen), n(e.dropped))
    : l10n.t('{0} kept of {1}', n(rec.events.length), n(e.seen))]);
  return facts;
}

export function recordingOutcome(rec: Recording): { text: string; failed: boolean } {
  const end = rec.end;
  if (!end) {
    const last = rec.samples.at(-1);
    return {
      text: last
        ? l10n.t('no end record: the run was cut off after operation {0} ({1}); the state shown is its last sample', n(last.ops), formatDuration(last.elapsedMs))
        : l10n.t('no end record: the run was cut off before its first sample; the state shown is its last sample'),
      failed: true,
    };
  }
  if (end.error) {
    return { text: l10n.t('ended: {0}: {1}', end.error.code, end.error.message), failed: end.error.code !== 'cancelled' };
  }
  const r = end.result;
  if (!r) return { text: l10n.t('done'), failed: false };
  const waited = formatDuration(end.endedAt - rec.header.startedAt);
  return {
    text: r.verified
      ? l10n.t('done: verified; you waited {0}, the library ran {1}', waited, formatDuration(r.elapsedMs))
      : l10n.t('done: NOT verified; you waited {0}, the library ran {1}', waited, formatDuration(r.elapsedMs)),
    failed: !r.verified,
  };
}

/** The insight data as [heading, text] pairs: an object's fields one each, anything else whole. */
export function insightPairs(insight: unknown): [string, string][] | undefined {
  if (insight === undefined || insight === null) return undefined;
  const text = (v: unknown): string => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return n(v);
    const s = JSON.stringify(v, null, 1) ?? String(v);
    return s.length > 2000 ? `${s.slice(0, 2000)}…` : s;
  };
  if (typeof insight === 'object' && !Array.isArray(insight)) return Object.entries(insight as Record<string, unknown>).map(([k, v]) => [k, text(v)]);
  return [[l10n.t('insight'), text(insight)]];
}

export function summarizeRecording(rec: Recording, fileName: string): RecordingSummary {
  const out = recordingOutcome(rec);
  const notes = [...rec.notes];
  if (rec.sampled.samples) notes.push(l10n.t('the samples were thinned after the first ones (a long run): the curves keep every n-th'));
  if (rec.sampled.events || rec.eventTotals.dropped > 0 || rec.events.length < rec.eventTotals.seen) {
    notes.push(l10n.t('not every event was recorded (sampled, or dropped by the runner): the file map and the event log show those kept'));
  }
  const diffs = parameterDifferences(rec.header.parameters);
  const insight = insightPairs(rec.end?.insight);
  return {
    title: `${rec.header.label} — ${fileName}`,
    facts: recordingFacts(rec),
    parameters: [`${rec.header.parameters.scenario} ${rec.header.parameters.mode}`, ...(diffs.length ? diffs : [l10n.t('defaults')])],
    outcome: out.text,
    failed: out.failed,
    notes,
    ...(insight ? { insight } : {}),
  };
}

export function comparisonSide(rec: Recording, fileName: string): ComparisonSide {
  return { title: `${rec.header.label} — ${fileName}`, facts: [...recordingFacts(rec).slice(0, 1), [l10n.t('outcome'), recordingOutcome(rec).text]] };
}

/** The comparison of two recordings, everything the view draws. */
export function buildComparison(a: { name: string; recording: Recording }, b: { name: string; recording: Recording }, by: Alignment): Comparison {
  const ra = a.recording;
  const rb = b.recording;
  const fact = (r: Recording, k: 'platform' | 'libraryVersion' | 'pageSize' | 'granularity'): string => {
    const v = k === 'platform' ? (r.header.platform ? `${r.header.platform}-${r.header.arch ?? '?'}` : undefined) : r.header[k];
    return v === undefined ? '—' : String(v);
  };
  const facts: [string, string, string][] = [
    [l10n.t('platform'), fact(ra, 'platform'), fact(rb, 'platform')],
    [l10n.t('library'), fact(ra, 'libraryVersion'), fact(rb, 'libraryVersion')],
    [l10n.t('OS page size'), fact(ra, 'pageSize'), fact(rb, 'pageSize')],
    [l10n.t('OS allocation granularity'), fact(ra, 'granularity'), fact(rb, 'granularity')],
  ];
  return {
    a: comparisonSide(ra, a.name),
    b: comparisonSide(rb, b.name),
    by,
    parameters: parameterRows(ra.header.parameters, rb.header.parameters, facts),
    ratios: ratioTable(finalFigures(ra.end?.result, ra.samples.at(-1)), finalFigures(rb.end?.result, rb.samples.at(-1))),
    charts: compareCharts(ra.samples, rb.samples, by),
  };
}

