// Runs inside the VS Code extension host (see index.cjs): issue 18's commands —
// MemMap: Open Help (the panel's "?"), the panel's key commands, and the
// walkthrough's progress set by what the user does.
'use strict';

const assert = require('node:assert/strict');
const vscode = require('vscode');
const { EXTENSION_ID, waitFor } = require('./util.cjs');

const PANEL_COMMANDS = ['memmap.panel.run', 'memmap.panel.pauseResume', 'memmap.panel.step', 'memmap.panel.stepToRemap', 'memmap.panel.stop'];

suite('MemMap conventions: help, keys, walkthrough', () => {
  let api;

  suiteSetup(async function () {
    this.timeout(60_000);
    api = await vscode.extensions.getExtension(EXTENSION_ID).activate();
    await api.listTests();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Open Help opens the README at the panel\'s section', async () => {
    const uri = await vscode.commands.executeCommand('memmap.openHelp');
    assert.match(uri, /README\.md$/);
    // The README's text at the heading of the panel's section (the preview opens beside or over it).
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    assert.ok(doc, 'the README is open');
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    const line = editor ? doc.lineAt(editor.selection.active.line).text : '';
    if (editor) assert.equal(line, '### The panel — *MemMap: Open Visualizer*');
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    assert.ok(tabs.some((l) => /README\.md/.test(l)), `a README tab: ${tabs.join(', ')}`);
  });

  test('the panel\'s key commands are registered, bound while the panel has focus, and need a panel', async () => {
    const registered = await vscode.commands.getCommands(true);
    const bindings = vscode.extensions.getExtension(EXTENSION_ID).packageJSON.contributes.keybindings;
    for (const id of PANEL_COMMANDS) {
      assert.ok(registered.includes(id), `${id} registered`);
      assert.ok(bindings.some((b) => b.command === id && b.when === "activeWebviewPanelId == 'memmap.visualizer' && memmap.panelFocused"), `${id} bound`);
      // No panel open (teardown closed it): nothing to press.
      assert.equal(await vscode.commands.executeCommand(id), false, `${id} without a panel`);
    }
    assert.equal(api.controller.isRunning, false, 'no key started a run');
  });

  test('the walkthrough: running a seed test in the Test Explorer ticks off its last step', async function () {
    this.timeout(120_000);
    const tests = await api.listTests();
    const seed = tests.find((t) => t.id === 'seed').children.find((t) => t.label === 'PerfMemMapGrowWithPageFile');
    assert.ok(seed, 'the seed\'s PerfMemMapGrowWithPageFile test');
    const [result] = await api.runTests([seed.id]);
    assert.equal(result.status, 'passed', result.message);
    await waitFor(() => api.walkthroughForTests().includes('ranSeedTests'), 10_000, 'the ranSeedTests milestone');
    // The seed's grow test ran to its end: that is step 2 (the seed's grow test) too.
    assert.ok(api.walkthroughForTests().includes('ranGrow'), api.walkthroughForTests().join());
  });
});
