// Issue 16, the deref histogram: its count is the number of reads the model of
// each scenario does through a dereference (test/model/scenarios.mjs, written
// from the seed's NativeMemMapDll.cpp), not a count read from the library.
// grow dereferences every item; deletions dereferences none (its read-back
// before the frees goes around mm_deref: the seed does not dereference there,
// and a deref would map views and move the counters off the seed's); random
// counts its random phase's dereferences only (its final read-back goes
// around mm_deref the same way). The panel's latency table says so
// (webview/insightText.ts derefNote).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SeedMemMapModel } from '../model/seedModel.mjs';
import { runScenario } from '../model/scenarios.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNNER = join(ROOT, 'dist', 'runner.js');
const exec = promisify(execFile);

/** The dereferences the model does for a scenario (counted on the model's own dereference). */
function modelDerefs(scenario, items) {
  const original = SeedMemMapModel.prototype.dereference;
  let n = 0;
  SeedMemMapModel.prototype.dereference = function counted(locator) {
    n++;
    return original.call(this, locator);
  };
  try {
    runScenario(scenario, { items, seed: 1 });
  } finally {
    SeedMemMapModel.prototype.dereference = original;
  }
  return n;
}

for (const [scenario, items] of [['grow', 1000], ['deletions', 1000], ['random', 3000]]) {
  test(`deref latency count = the model's dereferences: ${scenario} ${items} items`, async () => {
    assert.ok(existsSync(RUNNER), 'dist/runner.js is missing: run npm run build first');
    const { stdout } = await exec(process.execPath, [RUNNER, 'run', '--scenario', scenario, '--items', String(items), '--seed', '1', '--json'],
      { cwd: ROOT, timeout: 120000, maxBuffer: 64 << 20 });
    const r = JSON.parse(stdout);
    assert.equal(r.verified, true);
    const expected = modelDerefs(scenario, items);
    // Written down from the model: grow reads every item through a deref, deletions none.
    if (scenario === 'grow') assert.equal(expected, items);
    if (scenario === 'deletions') assert.equal(expected, 0);
    if (scenario === 'random') assert.ok(expected > 0, 'the random phase dereferences');
    assert.equal(r.latency.deref.count, expected, `${scenario}: latency.deref.count`);
  });
}
