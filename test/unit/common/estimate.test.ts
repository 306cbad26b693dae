// estimateRun(): bytes stored and mapping size from the parameters alone, checked against
// the independent seed model (test/model) and hand-computed sums.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { estimateRun, isLargeRun, LARGE_RUN_BYTES } from '../../../common/estimate';
import { DEFAULT_PARAMETERS } from '../../../common/parameters';

interface ModelStats { bytesAllocated: number; fileSize: number }
interface ScenarioModel { runScenario(s: string, p: { items: number }): { stats: ModelStats } }
// Loaded at run time (the model is plain ESM without types).
const modelUrl = pathToFileURL(path.resolve('test/model/scenarios.mjs')).href;
const loadModel = async (): Promise<ScenarioModel> => (await import(modelUrl)) as ScenarioModel;

test('grow: bytes stored and final file size equal the seed model', async () => {
  const model = await loadModel();
  for (const items of [1, 2, 3, 999, 2000, 2001, 4321, 20_000]) {
    const m = model.runScenario('grow', { items }).stats;
    const e = estimateRun({ ...DEFAULT_PARAMETERS, scenario: 'grow', items });
    assert.equal(e.bytesStored, m.bytesAllocated, `bytes of ${items} items`);
    assert.equal(e.fileBytes, m.fileSize, `file size of ${items} items`);
  }
});

test('grow by hand: 100,000 items = 50 cycles of 2000, 4,004,000 bytes each', () => {
  assert.equal(estimateRun({ ...DEFAULT_PARAMETERS, items: 100_000 }).bytesStored, 200_200_000);
  assert.equal(estimateRun({ ...DEFAULT_PARAMETERS, items: 3 }).bytesStored, 4 + 4 + 8);
  // the seed's RELEASE count: 2,002,000,000 bytes in a 2 GiB mapping; page file, seed growth: 3 GiB at the peak
  const e = estimateRun({ ...DEFAULT_PARAMETERS, items: 1_000_000 });
  assert.equal(e.fileBytes, 2 ** 31);
  assert.equal(e.memoryBytes, 3 * 2 ** 30);
  assert.equal(isLargeRun(e), false);
});

test('baseline: malloc bytes, no mapping', () => {
  assert.equal(estimateRun({ ...DEFAULT_PARAMETERS, scenario: 'baseline', items: 2000 }).bytesStored, 4_002_000);
  assert.equal(estimateRun({ ...DEFAULT_PARAMETERS, scenario: 'baseline', items: 3 }).bytesStored, 2 + 4 + 6);
  const e = estimateRun({ ...DEFAULT_PARAMETERS, scenario: 'baseline', items: 100_000 });
  assert.equal(e.bytesStored, 200_100_000);
  assert.equal(e.fileBytes, 0);
  assert.equal(e.diskBytes, 0);
  assert.ok(e.memoryBytes > e.bytesStored);
});

test('random: within 10% of the seed model', async () => {
  const model = await loadModel();
  const items = 20_000;
  const m = model.runScenario('random', { items }).stats;
  const e = estimateRun({ ...DEFAULT_PARAMETERS, scenario: 'random', items });
  assert.ok(e.bytesStored >= m.bytesAllocated * 0.9 && e.bytesStored <= m.bytesAllocated * 1.1, `${e.bytesStored} vs the model's ${m.bytesAllocated}`);
});

test('disk mode needs disk, page-file mode memory; big runs are large', () => {
  const disk = estimateRun({ ...DEFAULT_PARAMETERS, mode: 'disk', items: 5_000_000 });
  assert.equal(disk.bytesStored, 2500 * 4_004_000);
  assert.equal(disk.fileBytes, 2 ** 34);
  assert.equal(disk.diskBytes, 2 ** 34, 'a disk file grows in place with seed growth');
  assert.equal(disk.memoryBytes, 0);
  assert.ok(isLargeRun(disk));
  assert.ok(isLargeRun(estimateRun({ ...DEFAULT_PARAMETERS, items: 1_000_000_000 })));
  assert.equal(LARGE_RUN_BYTES, 4 * 1024 ** 3);
});
