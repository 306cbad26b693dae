// The recording editor in an UNTRUSTED workspace (see untrusted.test.ts): it only reads, so it opens.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { memmapExtension, waitFor, workspaceFolder } from '../util';

suite('Untrusted workspace: recorded runs', () => {
  test('a .memmaprun opens in the recording editor and draws', async function () {
    this.timeout(60_000);
    assert.equal(vscode.workspace.isTrusted, false);
    const ext = memmapExtension();
    assert.ok((ext.packageJSON.activationEvents as string[]).includes('onCustomEditor:memmap.recording'));
    const uri = vscode.Uri.joinPath(workspaceFolder(), 'recordings', 'grow-disk.memmaprun');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'memmap.recording');
    const api = await waitFor(() => (ext.isActive ? ext.exports : undefined), 30_000, 'MemMap Lab to be active');
    const e = await waitFor(() => api.recordingEditorsForTests().find((x) => x.uri === uri.toString() && x.ready), 30_000, 'the editor to draw');
    assert.equal(e.error, undefined);
    assert.ok(e.length > 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
