// common/format.ts against the seed's own text: stats::GetStats()'s
// sprintf_s format and the descriptions DoTest builds (the listing in Calvin
// Hsia's blog post "Mapped Files give very fast access to huge amounts of
// data"), written out here by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatSeedStats, seedModeLabel, summaryLine } from '../../../common/format';
import type { RunResult } from '../../../common/protocol';

const result = {
  scenario: 'grow', mode: 'pagefile', offsetBits: 32, items: 1000, viewSize: 131072, initialFileSize: 65536, granularity: 65536,
  growth: 'seed', view: 'sliding', prefault: false, verified: true, elapsedMs: 12.6,
  stats: { allocs: 1000, deletions: 3, recycledAllocs: 2, bytesAllocated: 1002000, bytesFreed: 12, fileMaps: 6, mapViews: 42, compactions: 0, freeListBytes: 8, fileSize: 2097152 },
  process: { peakRssBytes: 1, virtualBytes: 2, minorFaults: 3, majorFaults: 0, processTotals: { minorFaults: 3, majorFaults: 0, peakRssBytes: 1 } },
} as RunResult;

test('formatSeedStats: the seed\'s GetStats() line, CRLF by default', () => {
  assert.equal(formatSeedStats(result),
    '#Allocs =1000 #del = 3 #recycle=2 TotAlloc= 1002000  TotDel = 12 nFileMaps=6\r\n' +
    '   nMapViews = 42  nCompcts = 0, nFreeListsize = 8, ulMemSize = 2097152, ViewSize = 131072, InitSize = 65536');
  assert.equal(formatSeedStats(result, '\n').split('\n').length, 2);
  assert.ok(formatSeedStats(result, '|').includes('nFileMaps=6|   nMapViews = 42'));
});

test('seedModeLabel: the seed\'s descriptions per scenario and mode', () => {
  const label = (scenario: string, mode: string) => seedModeLabel({ scenario, mode } as RunResult);
  assert.equal(label('grow', 'pagefile'), 'WithPageFile');
  assert.equal(label('grow', 'disk'), 'WithFileOnDisk');
  assert.equal(label('deletions', 'pagefile'), 'WithDeletionPageFile');
  assert.equal(label('deletions', 'disk'), 'WithDeletionFileOnDisk');
  assert.equal(label('random', 'pagefile'), 'RandWithPageFile');
  assert.equal(label('random', 'disk'), 'RandWithFileOnDisk');
  assert.equal(label('baseline', 'pagefile'), 'NoMemMap');
  assert.equal(label('baseline', 'disk'), 'NoMemMap');
});

test('formatBytes: B below 1 KiB, then KiB, MiB, GiB, switching exactly at each power of 1024; two decimals below 100, one from 100', () => {
  const cases: [number, string][] = [
    [0, '0 B'], [1, '1 B'], [1023, '1023 B'],
    [1024, '1.00 KiB'], [1536, '1.50 KiB'], [102348, '99.95 KiB'], [102400, '100.0 KiB'], [1048575, '1024.0 KiB'],
    [1048576, '1.00 MiB'], [1572864, '1.50 MiB'], [1073741823, '1024.0 MiB'],
    [1073741824, '1.00 GiB'], [1610612736, '1.50 GiB'], [50 * 1073741824, '50.00 GiB'],
  ];
  for (const [n, text] of cases) assert.equal(formatBytes(n), text, String(n));
});

test('summaryLine: name, the seed\'s label, whole milliseconds, verified or not, the counters on one line', () => {
  assert.equal(summaryLine('PerfMemMapGrowWithPageFile', result),
    'PerfMemMapGrowWithPageFile WithPageFile 13 ms verified #Allocs =1000 #del = 3 #recycle=2 TotAlloc= 1002000 TotDel = 12 nFileMaps=6 ' +
    'nMapViews = 42 nCompcts = 0, nFreeListsize = 8, ulMemSize = 2097152, ViewSize = 131072, InitSize = 65536');
  const bad = summaryLine('X', { ...result, verified: false, mode: 'disk' });
  assert.match(bad, /^X WithFileOnDisk 13 ms NOT verified #Allocs/);
  assert.doesNotMatch(summaryLine('X', result), /\s{2}|\r|\n/);
});
