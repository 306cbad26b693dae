// Export of the run history (RunController.getHistory()) as JSON or CSV.
// One exporter for the palette command and the panel's export button.
// The formatting is pure; the dialog and the file write come in as functions
// so this module needs no vscode import.

import type { RunRecord } from '../../common/protocol';
import { SEED_COUNTER_KEYS, type SeedCounterKey } from '../../common/counters';

export type ExportFormat = 'json' | 'csv';

/**
 * CSV columns, in order. Every stats counter of RunResult is one column. The
 * process figures say whose they are: `run…` are the run's own (faults since
 * its start, the highest resident size sampled during it), `processTotal…`
 * the whole runner process since it started (earlier runs included).
 */
export const CSV_COLUMNS = [
  'name', 'startedAt', 'scenario', 'mode', 'offsetBits', 'items', 'viewSize', 'initialFileSize', 'granularity',
  'growth', 'view', 'prefault', 'seed', 'elapsedMs', 'waitedMs', 'verified', 'error',
  ...SEED_COUNTER_KEYS,
  'runPeakRssBytesSampled', 'virtualBytes', 'runMinorFaults', 'runMajorFaults',
  'processTotalPeakRssBytes', 'processTotalMinorFaults', 'processTotalMajorFaults', 'id',
] as const;

/** Whose figures are whose, in the JSON export. */
export const PROCESS_FIGURES_NOTE = 'result.process: this run (page faults since its start, peakRssBytes the highest resident size sampled during it); '
  + 'result.process.processTotals: the whole runner process since it started, earlier runs included';

/** Without samples: the export is about results, not the live curves. */
export function historyToJson(history: readonly RunRecord[]): string {
  const runs = history.map((r) => ({
    id: r.id,
    name: r.label,
    startedAt: new Date(r.startedAt).toISOString(),
    endedAt: r.endedAt !== undefined ? new Date(r.endedAt).toISOString() : undefined,
    parameters: r.parameters,
    result: r.result,
    error: r.error,
  }));
  return JSON.stringify({ exportedAt: new Date().toISOString(), figures: PROCESS_FIGURES_NOTE, runs }, null, 2) + '\n';
}

export function historyToCsv(history: readonly RunRecord[]): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const r of history) {
    const p = r.parameters;
    const res = r.result;
    // A run that did not finish (cancelled, failed, interrupted) reports what it had reached: its last sample.
    const last = res ? undefined : r.samples.at(-1);
    const stats = res?.stats ?? last?.counters;
    const proc = res?.process ?? last?.process;
    const cell: Record<(typeof CSV_COLUMNS)[number], unknown> = {
      name: r.label,
      startedAt: new Date(r.startedAt).toISOString(),
      scenario: res?.scenario ?? p.scenario,
      mode: res?.mode ?? p.mode,
      offsetBits: res?.offsetBits ?? p.offsetBits,
      items: res?.items ?? p.items,
      viewSize: res?.viewSize ?? p.viewSize,
      initialFileSize: res?.initialFileSize ?? p.initialFileSize,
      granularity: res?.granularity ?? p.granularity,
      growth: res?.growth ?? p.growth,
      view: res?.view ?? p.view,
      prefault: res?.prefault ?? p.prefault,
      seed: p.seed,
      elapsedMs: res?.elapsedMs,
      waitedMs: r.endedAt !== undefined ? r.endedAt - r.startedAt : undefined,
      verified: res?.verified,
      error: r.error ? `${r.error.code}: ${r.error.message}` : '',
      ...(Object.fromEntries(SEED_COUNTER_KEYS.map((k) => [k, stats?.[k]])) as Record<SeedCounterKey, number | undefined>),
      runPeakRssBytesSampled: proc?.peakRssBytes,
      virtualBytes: proc?.virtualBytes,
      runMinorFaults: proc?.minorFaults,
      runMajorFaults: proc?.majorFaults,
      processTotalPeakRssBytes: proc?.processTotals?.peakRssBytes,
      processTotalMinorFaults: proc?.processTotals?.minorFaults,
      processTotalMajorFaults: proc?.processTotals?.majorFaults,
      id: r.id,
    };
    rows.push(CSV_COLUMNS.map((c) => csvCell(cell[c])).join(','));
  }
  return rows.join('\r\n') + '\r\n';
}

/**
 * One CSV field (RFC 4180 quoting). Text that a spreadsheet would take as a
 * formula, i.e. that begins (after any blanks or control characters) with
 * `=`, `+`, `-` or `@`, or begins with a tab or carriage return, is
 * neutralised as OWASP advises for CSV injection: a leading `'` makes Excel,
 * LibreOffice and Google Sheets show it as text, and the field is quoted.
 * Numbers are written as they are (a negative count never occurs, and a
 * number is never a formula).
 */
export function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  let text = String(v);
  let quote = /[",\r\n]/.test(text) || /^\s|\s$/.test(text);
  if (/^[\t\r]|^[\s\u0000-\u001f]*[=+\-@\uff1d\uff0b\uff0d\uff20]/.test(text)) {
    text = `'${text}`;
    quote = true;
  }
  return quote ? `"${text.replace(/"/g, '""')}"` : text;
}

export function formatHistory(history: readonly RunRecord[], format: ExportFormat): string {
  return format === 'csv' ? historyToCsv(history) : historyToJson(history);
}

export interface ExportUi {
  /** Asks where to save; resolves with a file path, or undefined when cancelled. */
  pickTarget(format: ExportFormat | undefined): Promise<string | undefined>;
  writeFile(path: string, text: string): Promise<void>;
}

/**
 * Exports the history to the file the user picks (never anywhere else). With
 * no format, the chosen file name decides (.csv or JSON otherwise). Resolves
 * with the path written, or undefined.
 */
export async function exportHistory(history: readonly RunRecord[], ui: ExportUi, format?: ExportFormat): Promise<string | undefined> {
  const file = await ui.pickTarget(format);
  if (!file) return undefined;
  const chosen: ExportFormat = format ?? (/\.csv$/i.test(file) ? 'csv' : 'json');
  await ui.writeFile(file, formatHistory(history, chosen));
  return file;
}
