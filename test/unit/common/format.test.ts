// common/format.ts against the seed's own text: stats::GetStats()'s
// sprintf_s format and the descriptions DoTest builds (the listing in Calvin
// Hsia's blog post "Mapped Files give very fast access to huge amounts of
// data"), written out here by hand; and the units, durations and the summary
// line with the time waited, every expected text written out by hand (1 KiB =
// 1024 B; a duration is whole ms below 1 s, tenths of a second below 1 min,
// then minutes and two-digit seconds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryUnit, formatBytes, formatDuration, formatRate, formatSeedStats, seedModeLabel, summaryLine } from '../../../common/format';
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

test('binaryUnit: the largest unit not above the value, by magnitude (negative values too)', () => {
  const cases: [number, string, number][] = [
    [0, 'B', 1], [1023, 'B', 1], [1024, 'KiB', 1024], [-1024, 'KiB', 1024], [-1023, 'B', 1],
    [1048575, 'KiB', 1024], [1048576, 'MiB', 1048576], [2 ** 40 - 1, 'GiB', 2 ** 30], [2 ** 40, 'TiB', 2 ** 40], [2 ** 60, 'TiB', 2 ** 40],
  ];
  for (const [n, unit, scale] of cases) assert.deepEqual(binaryUnit(n), { unit, scale }, String(n));
});

test('formatBytes: TiB, fractions of a byte rounded, negatives keep their sign, non-finite values as they are', () => {
  assert.equal(formatBytes(2 ** 40), '1.00 TiB');
  assert.equal(formatBytes(1536 * 2 ** 30), '1.50 TiB');
  assert.equal(formatBytes(200 * 2 ** 40), '200.0 TiB');
  assert.equal(formatBytes(12.4), '12 B');
  assert.equal(formatBytes(12.6), '13 B');
  assert.equal(formatBytes(-1536), '-1.50 KiB');
  assert.equal(formatBytes(-150 * 1024), '-150.0 KiB');
  assert.equal(formatBytes(NaN), 'NaN');
  assert.equal(formatBytes(Infinity), 'Infinity');
});

test('formatRate: the bytes of one second, then /s', () => {
  assert.equal(formatRate(0), '0 B/s');
  assert.equal(formatRate(1023), '1023 B/s');
  assert.equal(formatRate(3 * 2 ** 30), '3.00 GiB/s');
});

test('formatDuration: whole ms below a second, tenths of seconds below a minute, then minutes and two-digit seconds', () => {
  const cases: [number, string][] = [
    [0, '0 ms'], [0.4, '0 ms'], [12.6, '13 ms'], [999, '999 ms'],
    [1000, '1.0 s'], [1049, '1.0 s'], [1050, '1.1 s'], [59_940, '59.9 s'],
    [60_000, '1 min 00 s'], [61_499, '1 min 01 s'], [61_500, '1 min 02 s'], [123_456, '2 min 03 s'], [3_600_000, '60 min 00 s'],
  ];
  for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, String(ms));
});

test('summaryLine with the time waited: both times named, each in its readable form', () => {
  // elapsedMs 12.6 -> "13 ms"; waited 62,400 ms -> 62 s -> "1 min 02 s".
  assert.equal(summaryLine('T', result, 62_400),
    'T WithPageFile library 13 ms, waited 1 min 02 s, verified #Allocs =1000 #del = 3 #recycle=2 TotAlloc= 1002000 TotDel = 12 nFileMaps=6 ' +
    'nMapViews = 42 nCompcts = 0, nFreeListsize = 8, ulMemSize = 2097152, ViewSize = 131072, InitSize = 65536');
  // A wait of 0 ms is a wait, not "no wait".
  assert.match(summaryLine('T', result, 0), /^T WithPageFile library 13 ms, waited 0 ms, verified #Allocs =1000 /);
  // Seconds-long library times: whole milliseconds without a wait, tenths of seconds with one.
  const slow = { ...result, elapsedMs: 40_103.4, scenario: 'deletions' as const, mode: 'disk' as const };
  assert.match(summaryLine('Slow', slow), /^Slow WithDeletionFileOnDisk 40103 ms verified /);
  assert.match(summaryLine('Slow', slow, 41_000), /^Slow WithDeletionFileOnDisk library 40\.1 s, waited 41\.0 s, verified /);
});
