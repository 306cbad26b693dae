// Runs inside the VS Code extension host (see index.ts) in the TRUSTED launch: the size
// question before a large workspace scenario, a relative diskDir of a scenario file, and
// memmap.diskDir as a machine setting. The untrusted launch runs untrusted/*.test.ts.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateApi, memmapExtension, waitFor, workspaceFolder } from './util';
import type { MemMapTestApi } from '../../../extension/testApi';

const folder = () => workspaceFolder();

suite('MemMap in a trusted workspace', () => {
  let api: MemMapTestApi;

  suiteSetup(async function (this: Mocha.Context) {
    this.timeout(60_000);
    api = await activateApi();
    await api.listTests();
  });

  test('the workspace is trusted and the manifest declares limited support for untrusted ones', () => {
    assert.equal(vscode.workspace.isTrusted, true);
    assert.equal(api.gateForTests().isTrusted, true);
    const pkg = memmapExtension().packageJSON;
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('memmap.items'));
    assert.equal(pkg.contributes.configuration.properties['memmap.diskDir'].scope, 'machine');
  });

  test('a large workspace scenario asks once: Cancel runs nothing, Run runs and is remembered', async function (this: Mocha.Context) {
    this.timeout(120_000);
    const gate = api.gateForTests();
    const limit = gate.limitBytes;
    const asked: string[] = [];
    const answers = [false, true];
    // MyDiskGrow stores 20,000 items (about 40 MB); with a 1 MiB limit it counts as large.
    gate.setLimitBytes(1024 * 1024);
    gate.setConfirm(async (message) => { asked.push(message); return answers.shift() ?? false; });
    try {
      const id = `${vscode.Uri.joinPath(folder(), 'example.memmap.json').toString()}#MyDiskGrow`;
      const before = api.controller.getHistory().length;
      const [cancelled] = await api.runTests([id]);
      assert.equal(cancelled.status, 'cancelled');
      assert.match(cancelled.message ?? '', /you chose Cancel/);
      assert.equal(asked.length, 1);
      assert.match(asked[0], /"MyDiskGrow" needs about 64\.00 MiB of disk space in .*\. Run it\?/);
      assert.equal(api.controller.getHistory().length, before, 'nothing ran');
      const [ran] = await api.runTests([id]);
      assert.equal(ran.status, 'passed', ran.message);
      assert.equal(asked.length, 2);
      const [again] = await api.runTests([id]);
      assert.equal(again.status, 'passed', again.message);
      assert.equal(asked.length, 2, 'Run is remembered for the session');
      // Small seed tests never ask.
      const [seed] = await api.runTests(['seed:PerfMemMapGrowWithPageFile']);
      assert.equal(seed.status, 'passed');
      assert.equal(asked.length, 2);
    } finally {
      gate.setLimitBytes(limit);
      gate.setConfirm(undefined);
    }
  });

  test('a relative diskDir in a scenario file resolves against the workspace folder', async function (this: Mocha.Context) {
    this.timeout(60_000);
    const file = vscode.Uri.joinPath(folder(), 'reldir', 'reldir.memmap.json');
    // A directory that does not exist: the runner's message names the absolute path it tried.
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('[{"name": "RelDir", "mode": "disk", "items": 100, "diskDir": "no-such-dir/sub"}]'));
    try {
      const id = `${file.toString()}#RelDir`;
      // This test is about the diskDir, not the watcher (testExplorer.test.ts tests that): under load the
      // watcher can miss a file made in a new folder, so after 10 s the Test Explorer is refreshed.
      const added = async (): Promise<boolean> => (await api.listTests()).some((n) => n.id === file.toString() && n.children.length === 1);
      try {
        await waitFor(added, 10_000, 'the watcher to add reldir.memmap.json');
      } catch {
        await vscode.commands.executeCommand('memmap.refreshTests');
        await waitFor(added, 20_000, 'the refresh to add reldir.memmap.json');
      }
      const [r] = await api.runTests([id]);
      console.log(`    ${r.status}: ${r.message}`);
      assert.ok(r.status === 'failed' || r.status === 'errored', r.status);
      assert.ok((r.message ?? '').includes(path.join(folder().fsPath, 'no-such-dir', 'sub')), r.message);
    } finally {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), 'reldir'), { recursive: true, useTrash: false }).then(undefined, () => undefined);
    }
  });

  test('memmap.diskDir is a machine setting: a workspace value is not used', async function (this: Mocha.Context) {
    this.timeout(30_000);
    const settingsFile = path.join(folder().fsPath, '.vscode', 'settings.json');
    const original = fs.readFileSync(settingsFile, 'utf8');
    try {
      // A sentinel (benchmark.iterations: 7) shows when VS Code has read the file.
      fs.writeFileSync(settingsFile, JSON.stringify({ 'memmap.seedTests.itemScale': 0.01, 'memmap.benchmark.iterations': 7, 'memmap.diskDir': '/workspace-chose-this' }, null, 2));
      await waitFor(() => api.getSettings().benchmarkIterations === 7, 20_000, 'the workspace settings to be read');
      assert.notEqual(api.getSettings().parameters.diskDir, '/workspace-chose-this');
      assert.equal(vscode.workspace.getConfiguration('memmap').get('diskDir'), '');
    } finally {
      fs.writeFileSync(settingsFile, original);
      await waitFor(() => api.getSettings().benchmarkIterations === 5, 20_000, 'the workspace settings to be restored');
    }
  });
});
