// readSettings(): validation with validateParameters, per-setting fallback, warnings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSettings, type SettingReader } from '../../../extension/settings';
import { DEFAULT_PARAMETERS } from '../../../common/parameters';
import { SEED_TESTS, seedTestPlan } from '../../../extension/testing/seedTests';

const reader = (values: Record<string, unknown>): SettingReader => (key) => values[key];

test('no settings: the seed defaults, no warning', () => {
  const s = readSettings(reader({}), 4096);
  assert.deepEqual(s.parameters, DEFAULT_PARAMETERS);
  assert.equal(s.seedTestsConfiguration, 'debug');
  assert.equal(s.seedTestsItemScale, 1);
  assert.equal(s.benchmarkIterations, 5);
  assert.deepEqual(s.warnings, []);
});

test('the defaults VS Code reports (diskDir "") are valid', () => {
  const s = readSettings(reader({
    viewSize: 131072, initialFileSize: 65536, granularity: 65536, mode: 'pagefile', offsetBits: 32, growth: 'seed',
    view: 'sliding', prefault: false, items: 100000, diskDir: '', seed: 1,
    'seedTests.configuration': 'debug', 'seedTests.itemScale': 1, 'benchmark.iterations': 5,
  }), 4096);
  assert.deepEqual(s.warnings, []);
  assert.deepEqual(s.parameters, DEFAULT_PARAMETERS);
  assert.equal(s.parameters.diskDir, undefined);
});

test('valid settings are taken', () => {
  const s = readSettings(reader({ mode: 'disk', items: 5000, viewSize: '256K', offsetBits: 64, diskDir: '/tmp/x', 'seedTests.configuration': 'release' }), 4096);
  assert.deepEqual(s.warnings, []);
  assert.equal(s.parameters.mode, 'disk');
  assert.equal(s.parameters.items, 5000);
  assert.equal(s.parameters.viewSize, 262144);
  assert.equal(s.parameters.offsetBits, 64);
  assert.equal(s.parameters.diskDir, '/tmp/x');
  assert.equal(s.seedTestsConfiguration, 'release');
});

test('a view size that is no multiple of the granularity warns, names the setting, and falls back', () => {
  const s = readSettings(reader({ viewSize: 100000, items: 42 }), 4096);
  assert.equal(s.warnings.length, 1);
  assert.match(s.warnings[0], /memmap\.viewSize/);
  assert.match(s.warnings[0], /multiple of the granularity/);
  assert.match(s.warnings[0], /default \(131072\)/);
  assert.equal(s.parameters.viewSize, DEFAULT_PARAMETERS.viewSize);
  assert.equal(s.parameters.items, 42, 'the valid settings stay');
});

test('several invalid settings: one warning each, each falls back', () => {
  const s = readSettings(reader({ mode: 'tape', items: 0, seed: -1, 'seedTests.itemScale': 2, 'benchmark.iterations': 0, 'seedTests.configuration': 'fast' }), 4096);
  const text = s.warnings.join('\n');
  for (const key of ['memmap.mode', 'memmap.items', 'memmap.seed', 'memmap.seedTests.itemScale', 'memmap.benchmark.iterations', 'memmap.seedTests.configuration']) {
    assert.ok(text.includes(key), `${key} named in:\n${text}`);
  }
  assert.match(text, /allowed: pagefile, disk/);
  assert.equal(s.parameters.mode, 'pagefile');
  assert.equal(s.parameters.items, DEFAULT_PARAMETERS.items);
  assert.equal(s.seedTestsItemScale, 1);
  assert.equal(s.benchmarkIterations, 5);
  assert.equal(s.seedTestsConfiguration, 'debug');
});

test('a granularity below the page size is rejected against the real page size', () => {
  const s = readSettings(reader({ granularity: 4096, viewSize: 8192, initialFileSize: 4096 }), 16384);
  assert.ok(s.warnings.some((w) => w.includes('memmap.granularity')), s.warnings.join('\n'));
  assert.equal(s.parameters.granularity, 65536);
});

test('seed tests: the seed parameters, counts per configuration, overrides and scale', () => {
  assert.deepEqual(SEED_TESTS.map((t) => t.name), [
    'PerfGrowNoMemMap', 'PerfMemMapGrowWithPageFile', 'PerfMemMapGrowWithDiskFile', 'PerfMemMapGrowWithDiskFile64',
    'MemMapWithDeletionPageFile', 'MemMapWithDeletionDiskFile', 'MemMapWithDiskFile64', 'MemMapRandWithDiskFile64',
    'MemRand', 'MemRandDiskFile',
  ]);
  const by = (n: string) => SEED_TESTS.find((t) => t.name === n)!;
  const grow = seedTestPlan(by('PerfMemMapGrowWithDiskFile64'), 'debug');
  assert.deepEqual([grow.parameters.scenario, grow.parameters.mode, grow.parameters.offsetBits, grow.parameters.items, grow.iterations], ['grow', 'disk', 64, 100000, 1]);
  assert.equal(grow.parameters.viewSize, 131072);
  assert.equal(grow.parameters.initialFileSize, 65536);
  const rel = seedTestPlan(by('MemMapWithDeletionPageFile'), 'release');
  assert.deepEqual([rel.parameters.scenario, rel.parameters.items, rel.iterations], ['deletions', 1000000, 4]);
  assert.deepEqual([seedTestPlan(by('MemMapWithDiskFile64'), 'release').parameters.items, seedTestPlan(by('MemMapWithDiskFile64'), 'release').iterations], [5000000, 1]);
  assert.deepEqual([seedTestPlan(by('MemMapRandWithDiskFile64'), 'debug').parameters.items, seedTestPlan(by('MemMapRandWithDiskFile64'), 'release').iterations], [500000, 1]);
  assert.deepEqual([seedTestPlan(by('MemRand'), 'release').parameters.items, seedTestPlan(by('MemRand'), 'release').iterations], [100000, 4]);
  assert.equal(seedTestPlan(by('PerfGrowNoMemMap'), 'debug').parameters.scenario, 'baseline');
  assert.equal(seedTestPlan(by('MemMapWithDiskFile64'), 'debug', 0.01).parameters.items, 50000);
  assert.equal(seedTestPlan(by('MemRand'), 'debug', 1e-9).parameters.items, 1, 'at least one item');
  assert.equal(seedTestPlan(by('MemRandDiskFile'), 'debug', 1, '/data').parameters.diskDir, '/data');
});

test('a relative memmap.diskDir resolves against the workspace folder, not the working directory', () => {
  const s = readSettings(reader({ diskDir: 'data/runs' }), 4096, { baseDir: '/home/u/project' });
  assert.deepEqual(s.warnings, []);
  assert.equal(s.parameters.diskDir, '/home/u/project/data/runs');
  assert.equal(readSettings(reader({ diskDir: '../scratch' }), 4096, { baseDir: '/home/u/project' }).parameters.diskDir, '/home/u/scratch');
  assert.equal(readSettings(reader({ diskDir: '/abs/dir' }), 4096, { baseDir: '/home/u/project' }).parameters.diskDir, '/abs/dir');
});

test('a relative memmap.diskDir with no folder open: one warning, the OS temp dir', () => {
  const s = readSettings(reader({ diskDir: 'data', items: 42 }), 4096);
  assert.equal(s.parameters.diskDir, undefined);
  assert.equal(s.parameters.items, 42, 'the other settings still apply');
  assert.deepEqual(s.warnings, ['Setting memmap.diskDir: "data" is a relative path and no workspace folder is open to resolve it against; allowed: an absolute path, or a path relative to the workspace folder when one is open. Using the OS temp directory.']);
});
