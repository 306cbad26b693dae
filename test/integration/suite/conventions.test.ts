// Runs inside the VS Code extension host (see index.ts): issue 18's commands —
// MemMap: Open Help (the panel's "?"), the panel's key commands, and the
// walkthrough's progress set by what the user does.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateApi, memmapExtension, waitFor } from './util';
import type { MemMapTestApi } from '../../../extension/testApi';

const PANEL_COMMANDS = ['memmap.panel.run', 'memmap.panel.pauseResume', 'memmap.panel.step', 'memmap.panel.stepToRemap', 'memmap.panel.stop'];
const PANEL_WHEN = "activeWebviewPanelId == 'memmap.visualizer' && !sideBarFocus && !panelFocus && !auxiliaryBarFocus && !inputFocus";

/** A keybinding contribution as package.json declares it. */
interface DeclaredKey { command: string; key: string; when?: string }

suite('MemMap conventions: help, keys, walkthrough', () => {
  let api: MemMapTestApi;

  suiteSetup(async function (this: Mocha.Context) {
    this.timeout(60_000);
    api = await activateApi();
    await api.listTests();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Open Help opens the README at the panel\'s section', async () => {
    const uri = await vscode.commands.executeCommand<string>('memmap.openHelp');
    assert.match(uri, /README\.md$/);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    assert.ok(doc, 'the README is open');
    // Its text editor (when the preview has not replaced it) has the cursor on the section's heading.
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    if (editor) assert.equal(doc.lineAt(editor.selection.active.line).text, '### The panel — *MemMap: Open Visualizer*');
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    assert.ok(tabs.some((l) => /README\.md/.test(l)), `a README tab: ${tabs.join(', ')}`);
  });

  test('the panel\'s key commands are registered, bound while the panel has focus, and need a panel', async () => {
    const registered = await vscode.commands.getCommands(true);
    const bindings = (memmapExtension().packageJSON as { contributes: { keybindings: DeclaredKey[] } }).contributes.keybindings;
    for (const id of PANEL_COMMANDS) {
      assert.ok(registered.includes(id), `${id} registered`);
      assert.ok(bindings.some((b) => b.command === id && b.when === PANEL_WHEN), `${id} bound while the panel has focus`);
      // No panel open (teardown closed it): nothing to press.
      assert.equal(await vscode.commands.executeCommand(id), false, `${id} without a panel`);
    }
    assert.equal(api.controller.isRunning, false, 'no key started a run');
  });

  test('the walkthrough: a seed grow test run in the Test Explorer ticks off its grow and Test Explorer steps', async function (this: Mocha.Context) {
    this.timeout(120_000);
    const tests = await api.listTests();
    const seed = tests.find((t) => t.id === 'seed')?.children.find((t) => t.label === 'PerfMemMapGrowWithPageFile');
    assert.ok(seed, 'the seed\'s PerfMemMapGrowWithPageFile test');
    const [result] = await api.runTests([seed.id]);
    assert.equal(result.status, 'passed', result.message);
    await waitFor(() => api.walkthroughForTests().includes('ranSeedTests'), 10_000, 'the ranSeedTests milestone');
    assert.ok(api.walkthroughForTests().includes('ranGrow'), api.walkthroughForTests().join());
  });
});
