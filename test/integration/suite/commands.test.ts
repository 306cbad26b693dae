// Runs inside the VS Code extension host (see index.ts): the palette commands,
// the settings validation, the status bar, the summary in the history, export.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateApi, memmapExtension, waitFor, workspaceFolder } from './util';
import type { MemMapTestApi, PaletteRunResult } from '../../../extension/testApi';

/** A command contribution as package.json declares it. */
interface DeclaredCommand { command: string; category?: string }

/** Runs memmap.runScenario as the palette does and returns its result. */
const runScenario = (name: string): Thenable<PaletteRunResult> => vscode.commands.executeCommand<PaletteRunResult>('memmap.runScenario', name);

const COMMANDS = [
  'memmap.openVisualizer', 'memmap.runScenario', 'memmap.runAll', 'memmap.stop', 'memmap.step',
  'memmap.exportResults', 'memmap.refreshTests', 'memmap.saveRecording',
];

function config() {
  return vscode.workspace.getConfiguration('memmap');
}

suite('MemMap commands and settings', () => {
  let api: MemMapTestApi;

  suiteSetup(async function (this: Mocha.Context) {
    this.timeout(60_000);
    api = await activateApi();
    await api.listTests(); // discovery done
  });

  suiteTeardown(async () => {
    for (const key of ['viewSize', 'items', 'mode']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('every command is declared in the MemMap category and registered', async () => {
    const ext = memmapExtension();
    const declared: DeclaredCommand[] = ext.packageJSON.contributes.commands;
    const registered = await vscode.commands.getCommands(true);
    for (const id of COMMANDS) {
      const c = declared.find((x) => x.command === id);
      assert.ok(c, `${id} is not declared`);
      assert.equal(c.category, 'MemMap');
      assert.ok(registered.includes(id), `${id} is not registered`);
    }
    const events: string[] = ext.packageJSON.activationEvents;
    assert.ok(!events.includes('*'), 'activation must stay lazy');
    assert.ok(events.includes('workspaceContains:**/*.memmap.json'));
  });

  test('settings: the test workspace scale is read; an invalid view size warns and falls back', async function (this: Mocha.Context) {
    this.timeout(20_000);
    assert.equal(api.getSettings().seedTestsItemScale, 0.01, 'test/fixtures/workspace/.vscode/settings.json sets 0.01');
    assert.deepEqual(api.getSettings().warnings, []);
    await config().update('viewSize', 100000, vscode.ConfigurationTarget.Workspace);
    const s = await waitFor(() => { const x = api.getSettings(); return x.warnings.length ? x : null; }, 10_000, 'a settings warning');
    console.log(`    warning: ${s.warnings[0]}`);
    assert.match(s.warnings.join('\n'), /memmap\.viewSize.*not a multiple of the granularity.*allowed/s);
    assert.equal(s.parameters.viewSize, 131072, 'falls back to the seed default');
    await config().update('viewSize', 262144, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.getSettings().parameters.viewSize === 262144, 10_000, 'the valid view size');
    assert.deepEqual(api.getSettings().warnings, []);
    await config().update('viewSize', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.getSettings().parameters.viewSize === 131072, 10_000, 'the default view size again');
  });

  test('Stop and Step with no run say so and do nothing', async () => {
    assert.equal(api.controller.isRunning, false);
    assert.equal(await vscode.commands.executeCommand('memmap.stop'), false);
    assert.equal(await vscode.commands.executeCommand('memmap.step'), false);
  });

  test('Run Scenario... runs a seed test by name and records it', async function (this: Mocha.Context) {
    this.timeout(120_000);
    const before = api.controller.getHistory().length;
    const result = await runScenario('PerfMemMapGrowWithDiskFile');
    console.log(`    ${JSON.stringify(result)}`);
    assert.equal(result.status, 'passed', result.message);
    const last = api.controller.getHistory()[0];
    assert.equal(api.controller.getHistory().length, before + 1);
    assert.equal(last.label, 'PerfMemMapGrowWithDiskFile');
    assert.ok(last.result, 'the run has a result');
    assert.equal(last.result.mode, 'disk');
    assert.equal(last.result.items, 1000, '100,000 x itemScale 0.01');
    assert.equal(last.result.verified, true);
  });

  test('Run Scenario... "custom" runs the settings', async function (this: Mocha.Context) {
    this.timeout(120_000);
    await config().update('items', 3000, vscode.ConfigurationTarget.Workspace);
    await config().update('mode', 'disk', vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.getSettings().parameters.items === 3000 && api.getSettings().parameters.mode === 'disk', 10_000, 'the settings');
    const result = await runScenario('custom:deletions');
    assert.equal(result.status, 'passed', result.message);
    const r = api.controller.getHistory()[0].result;
    assert.ok(r, 'the run has a result');
    assert.deepEqual([r.scenario, r.mode, r.items], ['deletions', 'disk', 3000]);
    await config().update('items', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('mode', undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('a palette run shows live bytes and MiB/s in the status bar, steps, and stops at once', async function (this: Mocha.Context) {
    this.timeout(120_000);
    await config().update('items', 3_000_000, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.getSettings().parameters.items === 3_000_000, 10_000, 'items setting');
    const running = runScenario('custom:random');
    const text = await waitFor(() => { const t = api.statusBarText(); return t && /\d (B|KiB|MiB|GiB)\/s/.test(t) ? t : null; }, 30_000, 'the status bar');
    console.log(`    status bar: ${text}`);
    assert.match(text, /MemMap .*\d.* · [\d.]+ (B|KiB|MiB|GiB)\/s/);
    assert.equal(await vscode.commands.executeCommand('memmap.step'), true);
    const t0 = Date.now();
    assert.equal(await vscode.commands.executeCommand('memmap.stop'), true);
    const result = await running;
    const ms = Date.now() - t0;
    console.log(`    stopped in ${ms} ms: ${JSON.stringify(result)}`);
    assert.equal(result.status, 'cancelled');
    assert.ok(ms < 5000, `stop took ${ms} ms`);
    await waitFor(() => api.statusBarText() === undefined, 5000, 'the status bar item to hide');
    assert.equal(api.controller.isRunning, false);
    await config().update('items', undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('Run Scenario... with an unknown name fails clearly', async () => {
    await assert.rejects(Promise.resolve(runScenario('NoSuchTest')), /no scenario named "NoSuchTest"/);
  });

  test('Export Results writes JSON and CSV only where the save dialog says, never to a file passed in', async function (this: Mocha.Context) {
    this.timeout(90_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memmap-export-'));
    const planted = vscode.Uri.file(path.join(dir, 'planted.csv'));
    const ws = workspaceFolder();
    // The dialog proposes memmap-results.<format> in the workspace folder; accepting it saves there.
    const chosen = { json: vscode.Uri.joinPath(ws, 'memmap-results.json'), csv: vscode.Uri.joinPath(ws, 'memmap-results.csv') };
    const files = vscode.workspace.getConfiguration('files');
    const hadSimple = files.inspect('simpleDialog.enable')?.globalValue;
    // VS Code's own (quick input) save dialog, which commands can answer, on every host.
    await files.update('simpleDialog.enable', true, vscode.ConfigurationTarget.Global);
    const answerDialog = async (pending: Thenable<string | undefined>, command: string): Promise<string | undefined> => {
      let done = false;
      let value: string | undefined;
      const settled = Promise.resolve(pending).then((v) => { done = true; value = v; }, (e: unknown) => { done = true; throw e; });
      await waitFor(async () => {
        if (done) return true;
        await vscode.commands.executeCommand(command);
        await new Promise((r) => setTimeout(r, 250));
        return done;
      }, 30_000, `the save dialog to be answered with ${command}`);
      await settled;
      return value;
    };
    try {
      for (const f of Object.values(chosen)) fs.rmSync(f.fsPath, { force: true });
      // A caller passes a file (and the format): the file is ignored, the dialog decides.
      const json = await answerDialog(vscode.commands.executeCommand<string | undefined>('memmap.exportResults', planted, 'json'), 'workbench.action.acceptSelectedQuickOpenItem');
      const csv = await answerDialog(vscode.commands.executeCommand<string | undefined>('memmap.exportResults', planted.toString(), 'csv'), 'workbench.action.acceptSelectedQuickOpenItem');
      assert.ok(json && csv, `the export wrote ${json} and ${csv}`);
      assert.equal(vscode.Uri.parse(json).fsPath, chosen.json.fsPath);
      assert.equal(vscode.Uri.parse(csv).fsPath, chosen.csv.fsPath);
      assert.equal(fs.existsSync(planted.fsPath), false, 'nothing is written to the file a caller passed');

      const parsed: { runs: { name: string; result: { verified: boolean } }[] } = JSON.parse(fs.readFileSync(chosen.json.fsPath, 'utf8'));
      const n = api.controller.getHistory().length;
      assert.equal(parsed.runs.length, n);
      assert.ok(parsed.runs.some((r) => r.name === 'PerfMemMapGrowWithDiskFile' && r.result.verified));
      const lines = fs.readFileSync(chosen.csv.fsPath, 'utf8').trimEnd().split('\r\n');
      const header = lines[0].split(',');
      for (const col of ['name', 'scenario', 'mode', 'items', 'elapsedMs', 'verified', 'allocs', 'deletions', 'recycledAllocs',
        'bytesAllocated', 'bytesFreed', 'fileMaps', 'mapViews', 'compactions', 'freeListBytes', 'fileSize']) {
        assert.ok(header.includes(col), `CSV column ${col}`);
      }
      assert.equal(lines.length, n + 1);
      const rowLine = lines.find((l) => l.startsWith('PerfMemMapGrowWithDiskFile,'));
      assert.ok(rowLine, 'a CSV row for PerfMemMapGrowWithDiskFile');
      const row = rowLine.split(',');
      assert.equal(row[header.indexOf('items')], '1000');
      assert.equal(row[header.indexOf('allocs')], '1000');

      // Cancelled dialog: nothing written, the command resolves with undefined.
      fs.rmSync(chosen.csv.fsPath, { force: true });
      const cancelled = await answerDialog(vscode.commands.executeCommand<string | undefined>('memmap.exportResults', planted, 'csv'), 'workbench.action.closeQuickOpen');
      assert.equal(cancelled, undefined);
      assert.equal(fs.existsSync(chosen.csv.fsPath), false);
      assert.equal(fs.existsSync(planted.fsPath), false);
    } finally {
      await files.update('simpleDialog.enable', hadSimple, vscode.ConfigurationTarget.Global);
      for (const f of Object.values(chosen)) fs.rmSync(f.fsPath, { force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
