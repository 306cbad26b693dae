// A full disk, seen from VS Code: a disk-mode scenario on a 32 MiB tmpfs
// fails in the Test Explorer and in the panel with "no space left" and how
// much was needed; no file is left. Mounting needs root on Linux: when the
// test cannot mount, it fails loudly with the reason unless
// MEMMAP_ALLOW_NO_TMPFS=1 says that is expected (then it prints why).

import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateApi, waitFor, workspaceFolder } from './util';

/** A 32 MiB tmpfs: its directory, or why there is none. */
function mount(): { dir: string; reason?: undefined } | { dir?: undefined; reason: string } {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return { reason: 'needs root on Linux to mount a tmpfs' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memmap-it-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    return { reason: `mount failed: ${String((err as { stderr?: Buffer }).stderr || err).trim()}` };
  }
}

suite('MemMap: a full disk', () => {
  test('the Test Explorer and the panel show "no space left", and no file is left', async function (this: Mocha.Context) {
    this.timeout(120_000);
    const m = mount();
    if (m.reason !== undefined) {
      console.log(`    FULL-DISK TEST NOT RUN: ${m.reason}`);
      if (process.env.MEMMAP_ALLOW_NO_TMPFS === '1') return;
      assert.fail(`cannot mount a tmpfs: ${m.reason}`);
    }
    const api = await activateApi();
    const uri = vscode.Uri.joinPath(workspaceFolder(), 'tmp-fulldisk.memmap.json');
    try {
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(
        [{ name: 'FillTheDisk', scenario: 'grow', mode: 'disk', items: 100000, offsetBits: 64, diskDir: m.dir }])));
      await waitFor(async () => (await api.listTests()).some((n) => n.label === 'tmp-fulldisk.memmap.json' && n.children.length === 1), 20_000, 'the scenario file');
      const [r] = await api.runTests([`${uri}#FillTheDisk`]);
      console.log(`    Test Explorer: ${r.status}: ${r.message}`);
      assert.equal(r.status, 'failed');
      assert.match(r.message ?? '', /no space left on device in .*: needed \d+ bytes more for growing the file to \d+ bytes/);
      assert.deepEqual(fs.readdirSync(m.dir), [], 'no file left after the Test Explorer run');

      await vscode.commands.executeCommand('memmap.openVisualizer');
      const panel = await waitFor(() => api.panelForTests(), 15_000, 'the panel');
      const before = api.controller.getHistory().length;
      await panel.handleMessage({ type: 'run', parameters: { scenario: 'grow', mode: 'disk', items: 100000, offsetBits: 64, diskDir: m.dir } });
      const last = api.controller.getHistory()[0];
      assert.equal(api.controller.getHistory().length, before + 1);
      console.log(`    panel: ${last.error && last.error.code}: ${last.error && last.error.message}`);
      assert.ok(last.error, 'the panel run ended with an error');
      assert.equal(last.error.code, 'nospace');
      assert.deepEqual(fs.readdirSync(m.dir), [], 'no file left after the panel run');
    } finally {
      await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
      spawnSync('umount', [m.dir]);
      fs.rmSync(m.dir, { recursive: true, force: true });
    }
  });
});
