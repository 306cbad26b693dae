// historyToCsv (extension/exportHistory.ts): the columns and the rows written
// out by hand. (The process figures' columns are checked in
// test/process/history.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { historyToCsv } from '../../../extension/commands/exportHistory';
import { DEFAULT_PARAMETERS } from '../../../common/parameters';
import type { RunRecord, RunResult } from '../../../common/protocol';
import { historyRecord } from './historyFixture';

const record = historyRecord;

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
