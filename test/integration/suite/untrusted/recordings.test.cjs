// The recording editor in an UNTRUSTED workspace (see untrusted.test.cjs): it only reads, so it opens.
'use strict';

const assert = require('node:assert/strict');
const vscode = require('vscode');
const { EXTENSION_ID, waitFor } = require('../util.cjs');

suite('Untrusted workspace: recorded runs', () => {
  test('a .memmaprun opens in the recording editor and draws', async function () {
    this.timeout(60_000);
    assert.equal(vscode.workspace.isTrusted, false);
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext.packageJSON.activationEvents.includes('onCustomEditor:memmap.recording'));
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'recordings', 'grow-disk.memmaprun');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'memmap.recording');
    const api = await waitFor(() => ext.isActive && ext.exports, 30_000, 'MemMap Lab to be active');
    const e = await waitFor(() => api.recordingEditorsForTests().find((x) => x.uri === uri.toString() && x.ready), 30_000, 'the editor to draw');
    assert.equal(e.error, undefined);
    assert.ok(e.length > 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
