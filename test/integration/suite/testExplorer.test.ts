// Runs inside the VS Code extension host (see index.ts): the Test Explorer tree
// (seed scenarios, workspace scenario files, watching), runs that pass, fail,
// benchmark, and cancel. Runs go through api.runTests(), which uses the same
// TestRun path as the Test Explorer (VS Code has no API to start a test run).

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateApi, waitFor, workspaceFolder } from './util';
import type { MemMapTestApi, TestNode } from '../../../extension/testApi';

// Scenario files that must fail; copied into the workspace for this suite only. (The source
// and its bundle, out/integration/suite, are both three folders below the repository.)
const FAILING_SOURCE = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'failing-scenarios');
const FAILING_FILES = ['impossible.memmap.json', 'broken.memmap.json'];

const SEED_NAMES = [
  'PerfGrowNoMemMap', 'PerfMemMapGrowWithPageFile', 'PerfMemMapGrowWithDiskFile', 'PerfMemMapGrowWithDiskFile64',
  'MemMapWithDeletionPageFile', 'MemMapWithDeletionDiskFile', 'MemMapWithDiskFile64', 'MemMapRandWithDiskFile64',
  'MemRand', 'MemRandDiskFile',
];

const folder = () => workspaceFolder();
const fileNode = (tree: TestNode[], rel: string): TestNode | undefined => tree.find((n) => n.label === rel);

suite('MemMap Test Explorer', () => {
  let api: MemMapTestApi;

  suiteSetup(async function (this: Mocha.Context) {
    this.timeout(60_000);
    api = await activateApi();
    const target = vscode.Uri.joinPath(folder(), 'failing');
    for (const f of FAILING_FILES) {
      await vscode.workspace.fs.copy(vscode.Uri.file(path.join(FAILING_SOURCE, f)), vscode.Uri.joinPath(target, f), { overwrite: true });
    }
    // The file system watcher picks them up.
    await waitFor(async () => {
      const tree = await api.listTests();
      return FAILING_FILES.every((f) => fileNode(tree, `failing/${f}`));
    }, 20_000, 'the watcher to add the failing scenario files');
  });

  suiteTeardown(async () => {
    for (const f of FAILING_FILES) await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), 'failing', f)).then(undefined, () => undefined);
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), 'failing'), { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  test('the tree: ten seed tests under "Seed scenarios", the fixture files with ranges', async () => {
    assert.equal(api.testController.id, 'memmap');
    assert.equal(api.testController.label, 'MemMap');
    const tree = await api.listTests();
    console.log(`    roots: ${tree.map((n) => `${n.label} (${n.children.length})`).join(', ')}`);
    assert.equal(tree[0].label, 'Seed scenarios');
    assert.deepEqual(tree[0].children.map((c) => c.label), SEED_NAMES);
    const big = tree[0].children.find((c) => c.label === 'MemMapWithDiskFile64');
    assert.ok(big, 'MemMapWithDiskFile64 is listed');
    assert.match(big.description ?? '', /grow · disk · 64-bit · 50,000 items/, 'the 5,000,000 override, scaled by 0.01');

    const example = fileNode(tree, 'example.memmap.json');
    assert.ok(example, 'example.memmap.json is listed');
    assert.deepEqual(example.children.map((c) => c.label), ['MyDiskGrow']);
    assert.deepEqual(example.children[0].range, { start: { line: 0, character: 1 }, end: { line: 0, character: 75 } });

    const impossible = fileNode(tree, 'failing/impossible.memmap.json');
    assert.ok(impossible, 'failing/impossible.memmap.json is listed');
    assert.deepEqual(impossible.children.map((c) => c.label), ['ViewNotMultipleOfGranularity', 'ZeroItems']);
    assert.equal(impossible.children[1].range?.start.line, 7);
    const broken = fileNode(tree, 'failing/broken.memmap.json');
    assert.ok(broken, 'failing/broken.memmap.json is listed');
    assert.match(broken.error ?? '', /not valid JSON/);
  });

  test('a run that passes: every seed test and the example scenario, with the counters', async function (this: Mocha.Context) {
    this.timeout(240_000);
    const ids = [...SEED_NAMES.map((n) => `seed:${n}`), `${vscode.Uri.joinPath(folder(), 'example.memmap.json')}#MyDiskGrow`];
    const t0 = Date.now();
    const results = await api.runTests(ids);
    console.log(`    ${results.length} tests in ${Date.now() - t0} ms: ${results.map((r) => `${r.label} ${r.status} ${r.durationMs} ms`).join('; ')}`);
    assert.equal(results.length, 11);
    for (const r of results) {
      assert.equal(r.status, 'passed', `${r.label}: ${r.message}`);
      assert.match(r.output, /#Allocs =\d+ #del = \d+ #recycle=\d+ TotAlloc= \d+ {2}TotDel = \d+ nFileMaps=\d+\r\n {3}nMapViews = /);
      assert.ok(r.durationMs > 0);
    }
    const grow = results.find((r) => r.label === 'PerfMemMapGrowWithPageFile');
    assert.ok(grow, 'PerfMemMapGrowWithPageFile ran');
    assert.match(grow.output, / PerfMemMapGrowWithPageFile WithPageFile #Allocs =1000 /);
    assert.match(results.find((r) => r.label === 'MemMapWithDeletionDiskFile')?.output ?? '', /WithDeletionFileOnDisk #Allocs =1000 #del = 1000 /);
  });

  test('a run that fails: impossible parameters and a file that is not JSON, with the reasons', async function (this: Mocha.Context) {
    this.timeout(60_000);
    const base = vscode.Uri.joinPath(folder(), 'failing');
    const impossible = vscode.Uri.joinPath(base, 'impossible.memmap.json').toString();
    const broken = vscode.Uri.joinPath(base, 'broken.memmap.json').toString();
    const results = await api.runTests([impossible, broken]);
    const by = Object.fromEntries(results.map((r) => [r.label, r]));
    console.log(`    ${results.map((r) => `${r.label}: ${r.status}: ${r.message}`).join('\n    ')}`);
    assert.equal(by.ViewNotMultipleOfGranularity.status, 'failed');
    assert.match(by.ViewNotMultipleOfGranularity.message ?? '', /viewSize .*not a multiple of the granularity/);
    assert.equal(by.ZeroItems.status, 'failed');
    assert.match(by.ZeroItems.message ?? '', /items 0 is not allowed/);
    assert.equal(by['failing/broken.memmap.json'].status, 'failed');
    assert.match(by['failing/broken.memmap.json'].message ?? '', /not valid JSON/);
    // Nothing crashed: the runner still runs.
    const again = await api.runTests(['seed:PerfGrowNoMemMap']);
    assert.equal(again[0].status, 'passed');
  });

  test('the Benchmark profile reports median and spread', async function (this: Mocha.Context) {
    this.timeout(120_000);
    const [r] = await api.runTests(['seed:MemRand'], { profile: 'benchmark' });
    assert.equal(r.status, 'passed', r.message);
    assert.match(r.output, /Benchmark MemRand: 5 iteration\(s\), median [\d.]+ ms, spread [\d.]+ ms/);
    assert.equal((r.output.match(/#Allocs =/g) || []).length, 5);
  });

  test('a new scenario file is picked up by the watcher, expectations are checked, cancel stops at once', async function (this: Mocha.Context) {
    this.timeout(120_000);
    const uri = vscode.Uri.joinPath(folder(), 'tmp-long.memmap.json');
    const text = JSON.stringify([
      { name: 'Expect', scenario: 'grow', items: 1000, expect: { allocs: 1000, deletions: 0, verified: true } },
      { name: 'ExpectWrong', scenario: 'grow', items: 1000, expect: { allocs: 999 } },
      { name: 'Long', scenario: 'random', items: 3000000 },
    ], null, 2);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    try {
      const node = await waitFor(async () => {
        const f = fileNode(await api.listTests(), 'tmp-long.memmap.json');
        return f && f.children.length === 3 ? f : null;
      }, 20_000, 'the watcher to add tmp-long.memmap.json');
      assert.deepEqual(node.children.map((c) => c.label), ['Expect', 'ExpectWrong', 'Long']);

      const checked = await api.runTests([`${uri}#Expect`, `${uri}#ExpectWrong`]);
      assert.equal(checked[0].status, 'passed', checked[0].message);
      assert.equal(checked[1].status, 'failed');
      assert.match(checked[1].message ?? '', /allocs: expected 999, got 1000/);

      // Long (3,000,000 random iterations in page-file mode) would take a 4 GiB mapping, 6 GiB
      // while it grows: it asks first (trust.ts). Answer Run; it is cancelled long before that.
      const asked: string[] = [];
      api.gateForTests().setConfirm(async (message) => { asked.push(message); return true; });
      const cts = new vscode.CancellationTokenSource();
      const cancelled = api.runTests([`${uri}#Long`, 'seed:MemRand'], { token: cts.token });
      await waitFor(() => api.controller.isRunning && api.controller.currentRecord?.label === 'Long' && api.controller.currentRecord.samples.length > 0,
        30_000, 'the long run to start');
      const t0 = Date.now();
      cts.cancel();
      const results = await cancelled;
      const ms = Date.now() - t0;
      console.log(`    cancelled in ${ms} ms: ${results.map((r) => `${r.label} ${r.status}`).join(', ')}`);
      assert.equal(results[0].status, 'cancelled');
      assert.equal(results[1].status, 'skipped', 'the test after a cancel does not start');
      assert.ok(ms < 5000, `cancel took ${ms} ms`);
      assert.equal(api.controller.isRunning, false);
      assert.equal(asked.length, 1);
      assert.match(asked[0], /"Long" needs about 6\.00 GiB of memory/);
    } finally {
      api.gateForTests().setConfirm(undefined);
      await vscode.workspace.fs.delete(uri);
    }
    await waitFor(async () => !fileNode(await api.listTests(), 'tmp-long.memmap.json'), 20_000, 'the watcher to remove the file');
  });
});
