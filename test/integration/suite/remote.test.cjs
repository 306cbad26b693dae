// Runs inside the VS Code extension host (see index.cjs). Remote development:
// MemMap Lab is a workspace extension (it runs where the workspace and the
// runner are), and an export goes to the URI the save dialog returns, written
// and read through vscode.workspace.fs, never through a local path. In
// code-server the UI is in the browser and this extension host is the server's:
// the remote setup of Remote-SSH, WSL and dev containers.
'use strict';

const assert = require('node:assert/strict');
const vscode = require('vscode');
const { EXTENSION_ID, waitFor } = require('./util.cjs');

suite('Remote development', () => {
  let api;

  suiteSetup(async function () {
    this.timeout(60_000);
    api = await vscode.extensions.getExtension(EXTENSION_ID).activate();
    await api.listTests();
  });

  test('MemMap Lab runs as a workspace extension', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.deepEqual(ext.packageJSON.extensionKind, ['workspace']);
    assert.equal(ext.extensionKind, vscode.ExtensionKind.Workspace);
    console.log(`    uiKind ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'}, remoteName ${vscode.env.remoteName ?? '(none)'}, workspace ${vscode.workspace.workspaceFolders?.[0]?.uri.toString()}`);
  });

  test('Export Results writes to the save dialog\'s URI; the file reads back through vscode.workspace.fs', async function () {
    this.timeout(120_000);
    if (api.controller.getHistory().length === 0) {
      const r = await vscode.commands.executeCommand('memmap.runScenario', 'PerfMemMapGrowWithDiskFile');
      assert.equal(r.status, 'passed', JSON.stringify(r));
    }
    const n = api.controller.getHistory().length;
    const ws = vscode.workspace.workspaceFolders[0].uri;
    // The dialog proposes memmap-results.json in the workspace folder; accepting it saves there.
    const target = vscode.Uri.joinPath(ws, 'memmap-results.json');
    const files = vscode.workspace.getConfiguration('files');
    const hadSimple = files.inspect('simpleDialog.enable')?.globalValue;
    // VS Code's own save dialog (quick input): it browses the workspace's file system, as with Remote-SSH.
    await files.update('simpleDialog.enable', true, vscode.ConfigurationTarget.Global);
    try {
      await vscode.workspace.fs.delete(target).then(undefined, () => undefined);
      let done = false;
      let written;
      const pending = vscode.commands.executeCommand('memmap.exportResults', 'json').then((v) => { done = true; written = v; }, (e) => { done = true; throw e; });
      await waitFor(async () => {
        if (done) return true;
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        await new Promise((r) => setTimeout(r, 250));
        return done;
      }, 30_000, 'the save dialog to be answered');
      await pending;
      assert.equal(typeof written, 'string', 'the command resolves with the URI it wrote');
      const uri = vscode.Uri.parse(written);
      // The URI of the workspace's file system (file: on the extension host's machine here), not a path of the UI's machine.
      assert.equal(uri.scheme, ws.scheme);
      assert.equal(uri.toString(), target.toString());
      const bytes = await vscode.workspace.fs.readFile(uri);
      const parsed = JSON.parse(new TextDecoder().decode(bytes));
      assert.equal(parsed.runs.length, n);
      assert.ok(parsed.runs.every((r) => typeof r.id === 'string' && typeof r.name === 'string'));
      assert.deepEqual(parsed.runs.map((r) => r.id), api.controller.getHistory().map((r) => r.id));
      await vscode.workspace.fs.delete(uri);
    } finally {
      await files.update('simpleDialog.enable', hadSimple, vscode.ConfigurationTarget.Global);
    }
  });
});
