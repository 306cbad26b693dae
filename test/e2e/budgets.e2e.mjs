// Issue 15 in the panel: a mapped run in an address budget, its wall drawn on
// the resident/virtual chart, then "Compare with the heap": the same items as
// the heap baseline under the same budget, the two overlaid, the heap's wall
// marked. Takes the README's comparison screenshot (docs/images/ with
// MEMMAP_UPDATE_SCREENSHOTS=1, else test-results/).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chooseOption, click, openVisualizer, reset, setField, status, waitFor, imagesDir } from './helpers.mjs';

const series = (webview, id) => webview.locator(`#${id}`).getAttribute('data-series');

export async function compareWithTheHeapInAnAddressBudget({ page, webview, repo, workspace }) {
  // The panel's runs take memmap.addressBudget: 512 MiB here, so the comparison takes seconds.
  const settingsFile = path.join(workspace, '.vscode', 'settings.json');
  const original = fs.readFileSync(settingsFile, 'utf8');
  fs.writeFileSync(settingsFile, original.replace(/\}\s*$/, ',\n  "memmap.addressBudget": "512M"\n}\n'));
  try {
    await openVisualizer(page, webview);
    await reset(webview);
    await chooseOption(webview, 'scenario', 'grow');
    await chooseOption(webview, 'mode', 'disk');
    await chooseOption(webview, 'offsetBits', '64');
    await setField(webview, 'items', '400,000'); // about 800 MB stored through the 128 KiB view
    // The settings change reaches the extension through its file watcher: run until a run carries the budget.
    await waitFor(async () => {
      await click(webview, 'run');
      await waitFor(async () => /^(done|ended)/.test(await status(webview)), { timeoutMs: 120_000, what: 'the mapped run' });
      return /address budget \(virtual wall\)/.test(await series(webview, 'chart-memory') ?? '');
    }, { timeoutMs: 60_000, intervalMs: 500, what: 'a run with the 512 MiB address budget' });
    assert.match(await status(webview), /^done: grow disk, verified/);
    assert.equal(await webview.locator('#chart-memory').getAttribute('data-wall'), '', 'the mapped run hit no wall');

    await click(webview, 'compare-heap');
    await waitFor(async () => /^ended: nomem/.test(await status(webview)), { timeoutMs: 120_000, what: 'the heap baseline to hit its wall' });
    assert.match(await status(webview), /^ended: nomem: the heap ran out of its 512 MiB address budget at item [\d,]+ \(\d+\.\d\d MiB stored\)/);
    const wall = await webview.locator('#chart-memory').getAttribute('data-wall');
    assert.match(wall, /^the heap's wall: item [\d,]+$/);
    // Both curves: the heap's (current) and the mapped run's (overlaid, dashed), and the budget's line.
    await waitFor(async () => {
      const s = (await series(webview, 'chart-memory')) ?? '';
      return /^resident\|.*virtual\|.*address budget \(virtual wall\)/.test(s) && /virtual \(grow disk\)/.test(s) && s.includes(wall) ? s : null;
    }, { what: 'the overlay of the mapped run and the marked wall' });
    assert.match(await webview.locator('#history-table').textContent(), /baseline disk \(nomem\)/, 'the heap run is in the history as ended at its wall');
    // The resident/virtual chart in view: the heap's curves, the mapped run's dashed, the budget's line and the wall.
    await webview.locator('#chart-memory').evaluate((c) => c.scrollIntoView({ block: 'center' }));
    await new Promise((r) => setTimeout(r, 500));
    const file = path.join(imagesDir(repo), 'panel-compare-heap.png');
    await page.locator('.part.editor').screenshot({ path: file });
    console.log(`      screenshot ${path.relative(repo, file)}`);
  } finally {
    fs.writeFileSync(settingsFile, original);
  }
}
