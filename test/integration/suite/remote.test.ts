// Runs inside the VS Code extension host (see index.ts). Remote development:
// MemMap Lab is a workspace extension (it runs where the workspace and the
// runner are), and an export goes to the URI the save dialog returns, written
// and read through vscode.workspace.fs, never through a local path. In
// code-server the UI is in the browser and this extension host is the server's
// (vscode.env.remoteName is set): the setup of Remote-SSH, WSL and dev containers.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateApi, memmapExtension, waitFor, workspaceFolder } from './util';
import type { MemMapTestApi, PaletteRunResult } from '../../../extension/testApi';

suite('Remote development', () => {
  let api: MemMapTestApi;

  suiteSetup(async function (this: Mocha.Context) {
    this.timeout(60_000);
    api = await activateApi();
    await api.listTests();
  });

  test('MemMap Lab runs as a workspace extension', () => {
    const ext = memmapExtension();
    assert.deepEqual((ext.packageJSON as { extensionKind?: unknown }).extensionKind, ['workspace']);
    assert.equal(ext.extensionKind, vscode.ExtensionKind.Workspace);
    const web = vscode.env.uiKind === vscode.UIKind.Web;
    console.log(`    uiKind ${web ? 'web' : 'desktop'}, remoteName ${vscode.env.remoteName ?? '(none)'}, workspace ${workspaceFolder().toString()}`);
    // In the browser (code-server) the extension host is a remote one.
    if (web) assert.ok(vscode.env.remoteName, 'code-server: the extension host should be remote');
  });

  test('Export Results writes to the save dialog\'s URI; the file reads back through vscode.workspace.fs', async function (this: Mocha.Context) {
    this.timeout(120_000);
    if (api.controller.getHistory().length === 0) {
      const r = await vscode.commands.executeCommand<PaletteRunResult>('memmap.runScenario', 'PerfMemMapGrowWithDiskFile');
      assert.equal(r.status, 'passed', JSON.stringify(r));
    }
    const ws = workspaceFolder();
    // The dialog proposes memmap-results.json in the workspace folder; accepting it saves there.
    const target = vscode.Uri.joinPath(ws, 'memmap-results.json');
    const files = vscode.workspace.getConfiguration('files');
    const hadSimple = files.inspect('simpleDialog.enable')?.globalValue;
    // VS Code's own save dialog (quick input): it browses the workspace's file system, as with Remote-SSH.
    await files.update('simpleDialog.enable', true, vscode.ConfigurationTarget.Global);
    try {
      await Promise.resolve(vscode.workspace.fs.delete(target)).catch(() => undefined);
      let done = false;
      let written: string | undefined;
      const pending = Promise.resolve(vscode.commands.executeCommand<string | undefined>('memmap.exportResults', 'json'))
        .then((v) => { done = true; written = v; }, (e: unknown) => { done = true; throw e; });
      await waitFor(async () => {
        if (done) return true;
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        await new Promise((r) => setTimeout(r, 250));
        return done;
      }, 30_000, 'the save dialog to be answered');
      await pending;
      assert.equal(typeof written, 'string', 'the command resolves with the URI it wrote');
      const uri = vscode.Uri.parse(written as string);
      // The URI in the workspace's file system (file: on the extension host's machine here), as the dialog gave it.
      assert.equal(uri.scheme, ws.scheme);
      assert.equal(uri.toString(), target.toString());
      const parsed = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))) as { runs: { id: string; name: string }[] };
      assert.deepEqual(parsed.runs.map((r) => r.id), api.controller.getHistory().map((r) => r.id));
      assert.ok(parsed.runs.every((r) => typeof r.name === 'string' && r.name.length > 0));
      await vscode.workspace.fs.delete(uri);
    } finally {
      await files.update('simpleDialog.enable', hadSimple, vscode.ConfigurationTarget.Global);
    }
  });
});
