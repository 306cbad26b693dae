// CSV export: RFC 4180 quoting and CSV-injection neutralisation (OWASP "CSV Injection":
// prefix cells that begin with = + - @ tab or CR with a single quote, and quote the cell);
// historyToCsv's columns and rows, written out by hand; the history's process figures (issue 12).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, historyToCsv, historyToJson } from '../../../extension/exportHistory';
import { DEFAULT_PARAMETERS } from '../../../extension/parameters';
import type { RunRecord, RunResult } from '../../../extension/protocol';

test('cells that a spreadsheet would run as a formula become text', () => {
  // Expected values written out by hand from the OWASP rule, not computed.
  assert.equal(csvCell('=1+1'), `"'=1+1"`);
  assert.equal(csvCell('+1'), `"'+1"`);
  assert.equal(csvCell('-2+3'), `"'-2+3"`);
  assert.equal(csvCell('@SUM(A1:A2)'), `"'@SUM(A1:A2)"`);
  assert.equal(csvCell('\t=1'), `"'\t=1"`);
  assert.equal(csvCell('\rX'), `"'\rX"`);
  assert.equal(csvCell('=HYPERLINK("http://x","click")'), `"'=HYPERLINK(""http://x"",""click"")"`);
  // Blanks or control characters before the sign do not hide it.
  assert.equal(csvCell(' =1'), `"' =1"`);
  assert.equal(csvCell('\u0001=1'), `"'\u0001=1"`);
  // Fullwidth signs, which some spreadsheets also accept.
  assert.equal(csvCell('\uff1d1+1'), `"'\uff1d1+1"`);
});

test('ordinary cells are unchanged; quoting as RFC 4180', () => {
  assert.equal(csvCell('MyDiskGrow'), 'MyDiskGrow');
  assert.equal(csvCell('a-b=c'), 'a-b=c', 'a sign inside the text is harmless');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
  assert.equal(csvCell(undefined), '');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(0), '0');
  assert.equal(csvCell(-5), '-5', 'numbers are numbers, never formulas');
  assert.equal(csvCell(true), 'true');
});

test('historyToCsv neutralises a hostile run name and error message', () => {
  const record: RunRecord = {
    id: 'r1', label: '=cmd|\' /C calc\'!A0', startedAt: Date.UTC(2026, 0, 1), parameters: { ...DEFAULT_PARAMETERS },
    error: { code: 'invalid', message: 'x' }, samples: [],
  };
  const csv = historyToCsv([record, { ...record, id: 'r2', label: '@evil' }]);
  const lines = csv.split('\r\n');
  assert.ok(lines[1].startsWith(`"'=cmd|' /C calc'!A0",`), lines[1]);
  assert.ok(lines[2].startsWith(`"'@evil",`), lines[2]);
  assert.ok(!/(^|,)[=+\-@]/.test(lines.slice(1).join('\n')), 'no cell begins with a formula sign');
});

function record(id: string, process: RunResult['process']): RunRecord {
  const stats = { allocs: 1000, deletions: 0, recycledAllocs: 0, bytesAllocated: 2_004_000, bytesFreed: 0, fileMaps: 6, mapViews: 40, compactions: 0, freeListBytes: 0, fileSize: 2_097_152 };
  return {
    id, label: 'grow pagefile', startedAt: Date.UTC(2026, 10, 29, 3, 0, 0), endedAt: Date.UTC(2026, 10, 29, 3, 0, 2, 500),
    parameters: { ...DEFAULT_PARAMETERS, items: 1000 }, samples: [],
    result: {
      scenario: 'grow', mode: 'pagefile', offsetBits: 32, items: 1000, viewSize: 131072, initialFileSize: 65536, granularity: 65536,
      growth: 'seed', view: 'sliding', prefault: false, verified: true, elapsedMs: 1234, stats, process,
    },
  };
}

test('CSV: the run\'s own figures and the runner process totals are separate, labelled columns', () => {
  // The numbers: a 1,000-item run after big ones; its own figures are small, the process totals are not.
  const r = record('a1', { peakRssBytes: 48 << 20, virtualBytes: 900 << 20, minorFaults: 812, majorFaults: 0,
    processTotals: { peakRssBytes: 699 << 20, minorFaults: 4_300_000, majorFaults: 12 } });
  const [header, row] = historyToCsv([r]).trimEnd().split('\r\n').map((l) => l.split(','));
  const cell = (name: string) => row[header.indexOf(name)];
  assert.equal(cell('runPeakRssBytesSampled'), String(48 << 20));
  assert.equal(cell('runMinorFaults'), '812');
  assert.equal(cell('runMajorFaults'), '0');
  assert.equal(cell('processTotalPeakRssBytes'), String(699 << 20));
  assert.equal(cell('processTotalMinorFaults'), '4300000');
  assert.equal(cell('processTotalMajorFaults'), '12');
  assert.equal(cell('waitedMs'), '2500');
  assert.equal(cell('elapsedMs'), '1234');
  for (const ambiguous of ['peakRssBytes', 'minorFaults', 'majorFaults']) assert.ok(!header.includes(ambiguous), `no unlabelled ${ambiguous} column`);
  const json = JSON.parse(historyToJson([r]));
  assert.match(json.figures, /result\.process: this run .* result\.process\.processTotals: the whole runner process/);
  assert.equal(json.runs[0].result.process.processTotals.minorFaults, 4_300_000);
});

test('CSV: a run that did not finish gives the counters it reached (its last sample), with its error', () => {
  const counters = { allocs: 536_818, deletions: 0, recycledAllocs: 0, bytesAllocated: 1_073_000_000, bytesFreed: 0, fileMaps: 16, mapViews: 58_888,
    compactions: 0, freeListBytes: 0, fileSize: 1 << 30, viewSize: 131072, initialFileSize: 65536, offsetFreeMem: 1_073_000_000, unmapViews: 58_887,
    bytesCopied: 0, viewOffset: 0, viewLength: 131072 };
  const proc = { rssBytes: 5 << 20, peakRssBytes: 9 << 20, virtualBytes: 1 << 31, minorFaults: 70_000, majorFaults: 1, diskBytes: 0,
    processTotals: { minorFaults: 90_000, majorFaults: 2, peakRssBytes: 10 << 20 } };
  const sample = { type: 'sample' as const, elapsedMs: 3000, ops: 536_818, opsTotal: 2_000_000, items: 536_817, itemsTotal: 1_000_000, phase: 'alloc' as const, counters, process: proc };
  const cancelled: RunRecord = { ...record('c1', proc), result: undefined, error: { code: 'cancelled', message: 'the run was cancelled' }, samples: [sample] };
  const [header, row] = historyToCsv([cancelled]).trimEnd().split('\r\n').map((l) => l.split(','));
  const cell = (name: string) => row[header.indexOf(name)];
  assert.equal(cell('allocs'), '536818');
  assert.equal(cell('mapViews'), '58888');
  assert.equal(cell('fileMaps'), '16');
  assert.equal(cell('runMinorFaults'), '70000');
  assert.equal(cell('processTotalMinorFaults'), '90000');
  assert.equal(cell('verified'), '', 'no verdict for a run that did not finish');
  assert.match(cell('error'), /^cancelled: /);
});

/** The CSV header, written out: the run, its parameters and times, the ten seed counters, the process figures, the id. */
const HEADER = 'name,startedAt,scenario,mode,offsetBits,items,viewSize,initialFileSize,granularity,growth,view,prefault,seed,' +
  'elapsedMs,waitedMs,verified,error,allocs,deletions,recycledAllocs,bytesAllocated,bytesFreed,fileMaps,mapViews,compactions,' +
  'freeListBytes,fileSize,runPeakRssBytesSampled,virtualBytes,runMinorFaults,runMajorFaults,processTotalPeakRssBytes,' +
  'processTotalMinorFaults,processTotalMajorFaults,id';

test('historyToCsv: no runs is the header alone; every line ends in CRLF', () => {
  assert.equal(historyToCsv([]), `${HEADER}\r\n`);
});

test('historyToCsv: a finished run is one row, every cell in its column; a comma in a name is quoted', () => {
  const r = record('a1', { peakRssBytes: 5000, virtualBytes: 6000, minorFaults: 70, majorFaults: 1, processTotals: { peakRssBytes: 8000, minorFaults: 90, majorFaults: 2 } });
  const run: RunRecord = { ...r, label: 'grow, pagefile', parameters: { ...r.parameters, seed: 7 } };
  // record(): 1,000 items, startedAt 2026-11-29 03:00:00 UTC, ended 2.5 s later, elapsedMs 1234, verified.
  const row = '"grow, pagefile",2026-11-29T03:00:00.000Z,grow,pagefile,32,1000,131072,65536,65536,seed,sliding,false,7,' +
    '1234,2500,true,,1000,0,0,2004000,0,6,40,0,0,2097152,5000,6000,70,1,8000,90,2,a1';
  assert.equal(historyToCsv([run]), `${HEADER}\r\n${row}\r\n`);
});

test('historyToCsv: a run with neither a result nor a sample gives its parameters, its error, and empty figures', () => {
  const p = { ...DEFAULT_PARAMETERS, scenario: 'random' as const, mode: 'disk' as const, items: 500, offsetBits: 64 as const, seed: 3 };
  const run: RunRecord = { id: 'e1', label: 'early', startedAt: Date.UTC(2026, 0, 2, 12, 30), parameters: p, samples: [],
    error: { code: 'crashed', message: 'the runner exited with signal SIGKILL' } };
  // No endedAt: no time waited. The parameters stand in for the result's settings.
  const row = 'early,2026-01-02T12:30:00.000Z,random,disk,64,500,131072,65536,65536,seed,sliding,false,3,' +
    ',,,crashed: the runner exited with signal SIGKILL,,,,,,,,,,,,,,,,,,e1';
  assert.equal(historyToCsv([run]), `${HEADER}\r\n${row}\r\n`);
});

test('historyToCsv: rows keep the history\'s order (newest first, as the controller keeps it)', () => {
  const proc: RunResult['process'] = { peakRssBytes: 1, virtualBytes: 2, minorFaults: 3, majorFaults: 0, processTotals: { peakRssBytes: 1, minorFaults: 3, majorFaults: 0 } };
  const a = { ...record('a', proc), label: 'first' };
  const b = { ...record('b', proc), label: 'second' };
  const lines = historyToCsv([b, a]).split('\r\n');
  assert.deepEqual(lines.map((l) => l.split(',')[0]), ['name', 'second', 'first', '']);
  assert.deepEqual(lines.slice(1, 3).map((l) => l.split(',').at(-1)), ['b', 'a']);
});
