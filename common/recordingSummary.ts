// What the recording editor and the comparison say about a recording, in
// words: drawn by the webviews as given. Pure.

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
  const facts: [string, string][] = [['started', when(h.startedAt)]];
  if (h.platform) facts.push(['platform', `${h.platform}-${h.arch ?? '?'}`]);
  if (h.libraryVersion) facts.push(['library', h.libraryVersion]);
  if (h.pageSize) facts.push(['OS page size', formatBytes(h.pageSize)]);
  if (h.granularity) facts.push(['OS allocation granularity', formatBytes(h.granularity)]);
  facts.push(['recorded by', h.test ? `${h.producer} (test ${h.test.label})` : h.producer]);
  facts.push(['format version', h.version]);
  facts.push(['samples', rec.samplesSeen > rec.samples.length ? `${n(rec.samples.length)} kept of ${n(rec.samplesSeen)}` : n(rec.samples.length)]);
  const e = rec.eventTotals;
  facts.push(['events', `${n(rec.events.length)} kept of ${n(e.seen)}${e.dropped ? `, ${n(e.dropped)} dropped by the runner` : ''}`]);
  return facts;
}

export function recordingOutcome(rec: Recording): { text: string; failed: boolean } {
  const end = rec.end;
  if (!end) {
    const last = rec.samples.at(-1);
    return {
      text: `no end record: the run was cut off${last ? ` after operation ${n(last.ops)} (${formatDuration(last.elapsedMs)})` : ' before its first sample'}; the state shown is its last sample`,
      failed: true,
    };
  }
  if (end.error) {
    return { text: `ended: ${end.error.code}: ${end.error.message}`, failed: end.error.code !== 'cancelled' };
  }
  const r = end.result;
  if (!r) return { text: 'done', failed: false };
  return {
    text: `done: ${r.verified ? 'verified' : 'NOT verified'}; you waited ${formatDuration(end.endedAt - rec.header.startedAt)}, the library ran ${formatDuration(r.elapsedMs)}`,
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
  return [['insight', text(insight)]];
}

export function summarizeRecording(rec: Recording, fileName: string): RecordingSummary {
  const out = recordingOutcome(rec);
  const notes = [...rec.notes];
  if (rec.sampled.samples) notes.push('the samples were thinned after the first ones (a long run): the curves keep every n-th');
  if (rec.sampled.events || rec.eventTotals.dropped > 0 || rec.events.length < rec.eventTotals.seen) {
    notes.push('not every event was recorded (sampled, or dropped by the runner): the file map and the event log show those kept');
  }
  const diffs = parameterDifferences(rec.header.parameters);
  const insight = insightPairs(rec.end?.insight);
  return {
    title: `${rec.header.label} — ${fileName}`,
    facts: recordingFacts(rec),
    parameters: [`${rec.header.parameters.scenario} ${rec.header.parameters.mode}`, ...(diffs.length ? diffs : ['defaults'])],
    outcome: out.text,
    failed: out.failed,
    notes,
    ...(insight ? { insight } : {}),
  };
}

export function comparisonSide(rec: Recording, fileName: string): ComparisonSide {
  return { title: `${rec.header.label} — ${fileName}`, facts: [...recordingFacts(rec).slice(0, 1), ['outcome', recordingOutcome(rec).text]] };
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
    ['platform', fact(ra, 'platform'), fact(rb, 'platform')],
    ['library', fact(ra, 'libraryVersion'), fact(rb, 'libraryVersion')],
    ['OS page size', fact(ra, 'pageSize'), fact(rb, 'pageSize')],
    ['OS allocation granularity', fact(ra, 'granularity'), fact(rb, 'granularity')],
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

