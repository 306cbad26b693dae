// Runs inside the VS Code extension host (see index.ts) only in the UNTRUSTED launch
// (run.mjs: code-server with workspace trust on, the startup prompt off, and
// memmap.seedTests.itemScale 0.02 in the user settings; the workspace sets 0.01).

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateApi, memmapExtension, workspaceFolder } from '../util';
import type { MemMapTestApi, PaletteRunResult } from '../../../../extension/testApi';

const folder = () => workspaceFolder();
const exampleId = () => `${vscode.Uri.joinPath(folder(), 'example.memmap.json').toString()}#MyDiskGrow`;

suite('Untrusted workspace', () => {
  let api: MemMapTestApi;

  suiteSetup(async function (this: Mocha.Context) {
    this.timeout(60_000);
    api = await activateApi();
    await api.listTests();
  });

  test('the workspace is untrusted and MemMap Lab is active in it', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.equal(api.gateForTests().isTrusted, false);
    assert.equal(memmapExtension().isActive, true);
  });

  test('the workspace\'s memmap.* settings are not used; the user\'s are', () => {
    assert.equal(api.getSettings().seedTestsItemScale, 0.02, 'user 0.02, not the workspace\'s 0.01');
  });

  test('the Test Explorer shows the workspace scenarios; running one says why and runs nothing', async function (this: Mocha.Context) {
    this.timeout(60_000);
    const tree = await api.listTests();
    const file = tree.find((n) => n.label === 'example.memmap.json');
    assert.ok(file, 'example.memmap.json is listed');
    assert.deepEqual(file.children.map((c) => c.label), ['MyDiskGrow']);
    assert.match(file.description ?? '', /runs once the workspace is trusted/);
    const before = api.controller.getHistory().length;
    const [r] = await api.runTests([exampleId()]);
    assert.equal(r.status, 'errored');
    assert.match(r.message ?? '', /this workspace is not trusted.*Manage Workspace Trust/);
    assert.match(r.output, /not trusted/);
    assert.equal(api.controller.getHistory().length, before, 'no run started');
  });

  test('Run Scenario... of a workspace scenario says why and runs nothing', async function (this: Mocha.Context) {
    this.timeout(60_000);
    const before = api.controller.getHistory().length;
    const r = await vscode.commands.executeCommand<PaletteRunResult>('memmap.runScenario', 'MyDiskGrow');
    assert.equal(r.status, 'errored');
    assert.match(r.message ?? '', /not trusted/);
    assert.equal(api.controller.getHistory().length, before);
  });

  test('seed scenarios, the panel and the results stay available', async function (this: Mocha.Context) {
    this.timeout(120_000);
    const [r] = await api.runTests(['seed:PerfMemMapGrowWithPageFile']);
    assert.equal(r.status, 'passed', r.message);
    const last = api.controller.getHistory()[0]; // newest first
    assert.equal(last.label, 'PerfMemMapGrowWithPageFile');
    assert.ok(last.result, 'the run has a result');
    assert.equal(last.result.items, 2000, '100,000 items scaled by the user\'s 0.02');
    await vscode.commands.executeCommand('memmap.openVisualizer');
    assert.ok(api.panelForTests(), 'the panel opens');
  });
});
