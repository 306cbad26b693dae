// Runs inside the VS Code extension host (see index.ts): recorded runs (issue 17). Every run goes
// into the extension's storage as a .memmaprun file; "MemMap: Save Recording..." writes one, plain,
// where asked; a Test Explorer result links to its run's recording.

import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import * as vscode from 'vscode';
import { activateApi, waitFor, workspaceFolder } from './util';
import type { MemMapTestApi } from '../../../extension/testApi';

/** A recording's records, read from its URI (stored gzip-compressed once the run has ended). */
async function records(uri: string): Promise<Record<string, unknown>[]> {
  const bytes = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.parse(uri)));
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? zlib.gunzipSync(bytes) : bytes).toString('utf8');
  return text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

suite('MemMap recordings', () => {
  let api: MemMapTestApi;

  suiteSetup(async function (this: Mocha.Context) {
    this.timeout(60_000);
    api = await activateApi();
    await api.listTests();
  });

  test('a panel run is recorded into the extension storage, compressed, with its samples and result', async function (this: Mocha.Context) {
    this.timeout(60_000);
    const params = { ...api.getSettings().parameters, scenario: 'grow' as const, mode: 'pagefile' as const, items: 5000 };
    const outcome = await api.controller.run(params, { label: 'recorded in storage', events: true });
    assert.ok(outcome.ok, JSON.stringify(outcome.error));
    await api.recordings.idle();
    const kept = (await api.recordings.list()).find((r) => r.id === outcome.record.id);
    assert.ok(kept, 'the run has a recording');
    assert.match(kept.name, /^run-\d{13}-[\w-]+\.memmaprun$/);
    assert.ok(!kept.uri.startsWith(workspaceFolder().toString()), 'in the extension storage, not the workspace');
    const recs = await records(kept.uri);
    assert.equal(recs[0].format, 'memmaprun');
    assert.equal(recs[0].label, 'recorded in storage');
    assert.equal(recs[0].producer, 'panel');
    const end = recs[recs.length - 1] as { type: string; result: { stats: { allocs: number } } };
    assert.equal(end.type, 'end');
    assert.equal(end.result.stats.allocs, 5000);
    assert.ok(recs.some((r) => r.type === 'sample'), 'samples');
    assert.ok(recs.some((r) => r.type === 'events' && Array.isArray(r.rows) && r.rows.length > 0), 'events');
  });

  test('MemMap: Save Recording... writes the run\'s recording, plain NDJSON, where asked', async function (this: Mocha.Context) {
    this.timeout(60_000);
    const [latest] = api.controller.getHistory();
    const target = vscode.Uri.joinPath(workspaceFolder(), 'saved-recording.memmaprun');
    try {
      const written = await vscode.commands.executeCommand<string | undefined>('memmap.saveRecording', latest.id, target.toString());
      assert.equal(written, target.toString());
      const text = Buffer.from(await vscode.workspace.fs.readFile(target)).toString('utf8');
      assert.ok(text.startsWith('{"format":"memmaprun","version":"1.0","type":"header"'), text.slice(0, 80));
      const lines = text.trimEnd().split('\n');
      const last = JSON.parse(lines[lines.length - 1]) as { type: string; result: unknown };
      assert.equal(last.type, 'end');
      assert.deepEqual(last.result, latest.result);
    } finally {
      await vscode.workspace.fs.delete(target).then(undefined, () => undefined);
    }
    // A run id with no recording: a warning, nothing written.
    const none = await vscode.commands.executeCommand<string | undefined>('memmap.saveRecording', 'no-such-run', target.toString());
    assert.equal(none, undefined);
  });

  test('a Test Explorer result links to its run\'s recording, which names the test', async function (this: Mocha.Context) {
    this.timeout(120_000);
    const [r] = await api.runTests(['seed:MemRand']);
    assert.equal(r.status, 'passed', r.message);
    const m = /Recording of MemRand: \S*[\\/](run-\d{13}-[\w-]+\.memmaprun)\r?$/m.exec(r.output);
    assert.ok(m, r.output);
    await api.recordings.idle();
    const kept = (await api.recordings.list()).find((x) => x.name === m[1]);
    assert.ok(kept, `${m[1]} is kept`);
    const [header] = await records(kept.uri);
    assert.equal(header.producer, 'test');
    assert.deepEqual(header.test, { id: 'seed:MemRand', label: 'MemRand' });
  });
  test('"Open Recording" on a test item opens its latest run\'s recording in the recording editor', async function (this: Mocha.Context) {
    this.timeout(120_000);
    // No run yet in this window: a message, nothing opened.
    const before = await vscode.commands.executeCommand<string | undefined>('memmap.openTestRecording', 'seed:MemRandDiskFile');
    assert.equal(before, undefined);
    const [r] = await api.runTests(['seed:MemRand']);
    assert.equal(r.status, 'passed', r.message);
    const m = /Recording of MemRand: (\S*[\\/]run-\d{13}-[\w-]+\.memmaprun)\r?$/m.exec(r.output);
    assert.ok(m, r.output);
    // The menu passes the TestItem itself.
    const item = { id: 'seed:MemRand', label: 'MemRand' };
    const opened = await vscode.commands.executeCommand<string | undefined>('memmap.openTestRecording', item);
    assert.ok(opened, 'a recording was opened');
    assert.equal(vscode.Uri.parse(opened).fsPath, vscode.Uri.file(m[1]).fsPath, 'the one the result names');
    await waitFor(async () => api.recordingEditorsForTests().some((e) => e.uri === opened && e.ready), 30_000, 'the recording editor to show it');
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputCustom, 'a custom editor is active');
    assert.equal((tab.input as vscode.TabInputCustom).viewType, 'memmap.recording');
    assert.equal((tab.input as vscode.TabInputCustom).uri.toString(), opened);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
