// Runs inside the VS Code extension host (see index.cjs): recorded runs (issue 17). Every run goes
// into the extension's storage as a .memmaprun file; "MemMap: Save Recording..." writes one, plain,
// where asked; a Test Explorer result links to its run's recording.
'use strict';

const assert = require('node:assert/strict');
const zlib = require('node:zlib');
const vscode = require('vscode');
const { EXTENSION_ID } = require('./util.cjs');

const folder = () => vscode.workspace.workspaceFolders[0].uri;

/** A stored recording as its records (stored gzip-compressed once the run has ended). */
async function records(uri) {
  const bytes = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.parse(uri)));
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? zlib.gunzipSync(bytes) : bytes).toString('utf8');
  return text.trimEnd().split('\n').map((l) => JSON.parse(l));
}

suite('MemMap recordings', () => {
  let api;

  suiteSetup(async function () {
    this.timeout(60_000);
    api = await vscode.extensions.getExtension(EXTENSION_ID).activate();
    await api.listTests();
  });

  test('a panel run is recorded into the extension storage, compressed, with its samples and result', async function () {
    this.timeout(60_000);
    const params = { ...api.getSettings().parameters, scenario: 'grow', mode: 'pagefile', items: 5000 };
    const outcome = await api.controller.run(params, { label: 'recorded in storage', events: true });
    assert.ok(outcome.ok, JSON.stringify(outcome.error));
    await api.recordings.idle();
    const kept = (await api.recordings.list()).find((r) => r.id === outcome.record.id);
    assert.ok(kept, 'the run has a recording');
    assert.match(kept.name, /^run-\d{13}-[\w-]+\.memmaprun$/);
    assert.doesNotMatch(kept.uri, /^file:\/\/\/work|\/test\/fixtures\//, 'in the extension storage, not the workspace');
    const recs = await records(kept.uri);
    assert.equal(recs[0].format, 'memmaprun');
    assert.equal(recs[0].label, 'recorded in storage');
    assert.equal(recs[0].producer, 'panel');
    const end = recs.at(-1);
    assert.equal(end.type, 'end');
    assert.equal(end.result.stats.allocs, 5000);
    assert.ok(recs.some((r) => r.type === 'sample'), 'samples');
    assert.ok(recs.some((r) => r.type === 'events' && r.rows.length > 0), 'events');
  });

  test('MemMap: Save Recording... writes the run\'s recording, plain NDJSON, where asked', async function () {
    this.timeout(60_000);
    const [latest] = api.controller.getHistory();
    const target = vscode.Uri.joinPath(folder(), 'saved-recording.memmaprun');
    try {
      const written = await vscode.commands.executeCommand('memmap.saveRecording', latest.id, target.toString());
      assert.equal(written, target.toString());
      const text = Buffer.from(await vscode.workspace.fs.readFile(target)).toString('utf8');
      assert.ok(text.startsWith('{"format":"memmaprun","version":"1.0","type":"header"'), text.slice(0, 80));
      const last = JSON.parse(text.trimEnd().split('\n').at(-1));
      assert.equal(last.type, 'end');
      assert.deepEqual(last.result, latest.result);
    } finally {
      await vscode.workspace.fs.delete(target).then(undefined, () => undefined);
    }
    // A run id with no recording: a warning, nothing written.
    const none = await vscode.commands.executeCommand('memmap.saveRecording', 'no-such-run', target.toString());
    assert.equal(none, undefined);
  });

  test('a Test Explorer result links to its run\'s recording, which names the test', async function () {
    this.timeout(120_000);
    const [r] = await api.runTests(['seed:MemRand']);
    assert.equal(r.status, 'passed', r.message);
    const m = /Recording of MemRand: (run-\d{13}-[\w-]+\.memmaprun)/.exec(r.output);
    assert.ok(m, r.output);
    await api.recordings.idle();
    const kept = (await api.recordings.list()).find((x) => x.name === m[1]);
    assert.ok(kept, `${m[1]} is kept`);
    const [header] = await records(kept.uri);
    assert.equal(header.producer, 'test');
    assert.deepEqual(header.test, { id: 'seed:MemRand', label: 'MemRand' });
  });
});
