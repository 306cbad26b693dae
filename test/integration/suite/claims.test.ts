// Runs inside the VS Code extension host (see index.ts): the Test Explorer's
// group "The blog's claims" (issue 15), run with the Run profile as a user
// would, through api.runTests() (the Test Explorer's own TestRun path).

import * as assert from 'node:assert/strict';
import { activateApi } from './util';
import type { MemMapTestApi } from '../../../extension/testApi';

suite('MemMap Test Explorer: the blog\'s claims', () => {
  let api: MemMapTestApi;

  suiteSetup(async function (this: Mocha.Context) {
    this.timeout(60_000);
    api = await activateApi();
  });

  test('the group lists both claims, after the seed scenarios', async () => {
    const tree = await api.listTests();
    const i = tree.findIndex((n) => n.label === 'The blog\'s claims');
    assert.ok(i > 0, `roots: ${tree.map((n) => n.label).join(', ')}`);
    assert.equal(tree[0].label, 'Seed scenarios');
    assert.deepEqual(tree[i].children.map((c) => c.label), ['beyond a 4 GB process', 'the heap\'s wall']);
    assert.match(tree[i].children[0].description ?? '', /^grow · disk · 64-bit · 8 GiB stored in a 4 GiB address budget$/);
    assert.match(tree[i].children[1].description ?? '', /^baseline · the same [\d,]+ items · 4 GiB address budget · expected to end with nomem$/);
  });

  test('the Run profile: the mapped file gets 8 GiB past a 4 GiB budget, the heap hits its wall cleanly; both pass', async function (this: Mocha.Context) {
    this.timeout(600_000);
    const t0 = Date.now();
    const results = await api.runTests(['claims:beyond4GB', 'claims:heapsWall']);
    const took = (Date.now() - t0) / 1000;
    console.log(`    the blog's claims, Run profile, ${took.toFixed(1)} s: ${results.map((r) => `${r.label} ${r.status} ${(r.durationMs / 1000).toFixed(1)} s: ${r.message}`).join('; ')}`);
    assert.deepEqual(results.map((r) => [r.label, r.status]), [['beyond a 4 GB process', 'passed'], ['the heap\'s wall', 'passed']],
      results.map((r) => r.message).join('\n'));
    assert.match(results[0].message ?? '', /^8(\.\d\d)? GiB stored and verified in a 16 GiB file; the runner grew by at most [\d.]+ [MG]iB of its 4 GiB address budget$/);
    assert.match(results[1].message ?? '', /^the heap hit its wall cleanly: the heap ran out of its 4 GiB address budget at item [\d,]+ \(\d\.\d\d GiB stored\)/);
    assert.match(results[1].output, /address budget 4 GiB \(the library counts its C-heap use/);
  });
});
