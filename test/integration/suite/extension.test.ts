// Runs inside the VS Code extension host (see index.ts).

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, activateApi, waitFor } from './util';
import type { MemMapTestApi } from '../../../extension/testApi';

const OPEN_COMMAND = 'memmap.openVisualizer';
const VIEW_TYPE = 'memmap.visualizer';

function visualizerTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(VIEW_TYPE));
}

suite('MemMap Lab extension', () => {
  let api: MemMapTestApi | undefined;

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('is installed and activates', async () => {
    const ext = vscode.extensions.getExtension<MemMapTestApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} not found; have: ${vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.')).join(', ')}`);
    api = await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test(`declares and registers ${OPEN_COMMAND}`, async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} not found`);
    const declared = ((ext.packageJSON.contributes?.commands ?? []) as { command: string }[]).map((c) => c.command);
    assert.ok(declared.includes(OPEN_COMMAND), `package.json does not contribute ${OPEN_COMMAND}`);
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes(OPEN_COMMAND), `${OPEN_COMMAND} is not registered`);
  });

  test(`${OPEN_COMMAND} opens a ${VIEW_TYPE} webview tab`, async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(visualizerTabs().length, 0);
    await vscode.commands.executeCommand(OPEN_COMMAND);
    const tabs = await waitFor(() => { const t = visualizerTabs(); return t.length ? t : null; }, 15_000, 'the visualizer tab');
    assert.equal(tabs.length, 1);
    assert.equal(tabs[0].label, 'MemMap Lab');
  });

  test('exported API getRunnerInfo() reports the native library', async () => {
    if (!api) api = await activateApi();
    assert.ok(api && typeof api.getRunnerInfo === 'function', 'activate() must return { getRunnerInfo() }');
    const info = await api.getRunnerInfo();
    console.log(`    runner info: ${JSON.stringify(info)}`);
    assert.match(String(info.libraryVersion), /^\d+\.\d+\.\d+/);
    assert.ok(Number.isInteger(info.pageSize) && info.pageSize > 0, `pageSize ${info.pageSize}`);
    assert.ok(Number.isInteger(info.granularity) && info.granularity > 0 && info.granularity % info.pageSize === 0,
      `granularity ${info.granularity} is not a positive multiple of pageSize ${info.pageSize}`);
    assert.equal(typeof info.platform, 'string');
    assert.ok(info.platform.length > 0);
  });
});
