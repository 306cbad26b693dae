// Runs inside the VS Code extension host (see index.ts): the *.memmaprun editor
// and the comparison (issue 17). The recordings are real runs written into the
// workspace's recordings/ by run.mjs (test/fixtures/writeRecordingFixtures.ts);
// the expected figures come from each run's own messages (<name>.run.json).

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateApi, waitFor, workspaceFolder } from './util';
import type { MemMapTestApi } from '../../../extension/testApi';
import type { SampleMessage } from '../../../common/protocol';

const VIEW_TYPE = 'memmap.recording';
const file = (name: string): vscode.Uri => vscode.Uri.joinPath(workspaceFolder(), 'recordings', name);
const editorOf = (api: MemMapTestApi, uri: vscode.Uri) => api.recordingEditorsForTests().find((e) => e.uri === uri.toString());
const readJson = async (uri: vscode.Uri): Promise<{ samples: SampleMessage[] }> =>
  JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))) as { samples: SampleMessage[] };

suite('Recorded runs', () => {
  let api: MemMapTestApi;

  suiteSetup(async function () {
    this.timeout(60_000);
    api = await activateApi();
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a .memmaprun opens in the recording editor, which scrubs to any position', async function () {
    this.timeout(60_000);
    const uri = file('cli-grow.memmaprun'); // written by `runner.js run ... --record`
    const run = await readJson(file('cli-grow.run.json'));
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputCustom, 'a custom editor tab');
    assert.equal(tab.input.viewType, VIEW_TYPE);
    // The webview asks for the data, and is shown the end of the run: its last sample.
    const e = await waitFor(() => { const x = editorOf(api, uri); return x && x.ready && x.position >= 0 ? x : undefined; }, 30_000, 'the editor to draw');
    assert.equal(e.error, undefined);
    assert.equal(e.position, e.length - 1);
    assert.equal(e.ops, run.samples.at(-1)?.ops);
    e.handleMessage({ type: 'scrub', position: 0 });
    assert.equal(editorOf(api, uri)?.position, 0);
    e.handleMessage({ type: 'scrub', position: -1 });
    assert.equal(editorOf(api, uri)?.rejectedMessages, 1, 'a negative position is refused');
  });

  test('a newer format version and a damaged file each show one message, no crash', async function () {
    this.timeout(30_000);
    const cases: [string, RegExp][] = [
      ['newer-version.memmaprun', /newer than this MemMap Lab reads.*update MemMap Lab/],
      ['corrupt.memmaprun', /cannot be shown: line 2 is not JSON/],
    ];
    for (const [name, re] of cases) {
      const uri = file(name);
      await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
      const e = await waitFor(() => editorOf(api, uri), 15_000, `the editor of ${name}`);
      assert.match(e.error ?? '', re);
    }
  });

  test('a recording still being written is followed as it grows: empty, then part of the run, then all of it', async function () {
    this.timeout(90_000);
    const whole = new TextDecoder().decode(await vscode.workspace.fs.readFile(file('cli-grow.memmaprun')));
    const lines = whole.split('\n');
    const uri = file('growing.memmaprun');
    const write = (text: string) => vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    await write('');
    try {
      await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
      const empty = await waitFor(() => editorOf(api, uri), 15_000, 'the editor of an empty file');
      assert.match(empty.error ?? '', /the recording is empty/);
      await write(lines.slice(0, Math.floor(lines.length / 2)).join('\n') + '\n');
      const first = await waitFor(() => { const e = editorOf(api, uri); return e && !e.error && e.ready && e.length > 0 ? e : undefined; }, 30_000, 'the first half drawn');
      await write(whole);
      const all = await waitFor(() => { const e = editorOf(api, uri); return e && e.length > first.length ? e : undefined; }, 30_000, 'the whole run drawn');
      assert.equal(all.position, all.length - 1, 'shown at the new end, as it was at the end');
      const lastSample = lines.filter((l) => l.startsWith('{"type":"sample"')).at(-1);
      assert.ok(lastSample);
      assert.equal(all.ops, (JSON.parse(lastSample) as SampleMessage).ops);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(uri);
    }
  });

  test('Compare Recording With… on two selected files opens the comparison', async function () {
    this.timeout(30_000);
    const a = file('grow-pagefile.memmaprun');
    const b = file('grow-disk.memmaprun');
    // The Explorer passes (clicked, [selected...]).
    const panel = await vscode.commands.executeCommand('memmap.compareRecordings', a, [a, b]);
    assert.ok(panel, 'a comparison opened');
    const c = await waitFor(() => api.comparisonsForTests().find((x) => x.a === a.toString() && x.b === b.toString()), 10_000, 'the comparison');
    assert.deepEqual(c.comparison.parameters.filter((p) => p.differs).map((p) => p.label), ['Mode']);
    c.handleMessage({ type: 'align', by: 'time' });
    assert.equal(api.comparisonsForTests().find((x) => x.a === a.toString())?.by, 'time');
    const three = await vscode.commands.executeCommand('memmap.compareRecordings', a, [a, b, a]);
    assert.equal(three, undefined, 'three files are refused');
  });
});
