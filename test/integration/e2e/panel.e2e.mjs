// The MemMap Lab panel driven as a user would, in code-server + Chromium:
// edit the view size, Run, watch the charts and counters move; step to the
// next remap and watch the view window move; switch to a dark theme. Takes
// the README's screenshots (docs/images/) on the way.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  chooseOption, click, editorTab, num, openVisualizer, reset, runCommand, setField, sleep, status, text, waitFor, waitForWorkbench,
  waitIdle, webviewValue,
} from './helpers.mjs';


export const order = [
  'invalidViewSizeSaysWhyInline',
  'runGrowWithEditedViewSize',
  'stepToNextRemapMovesTheViewWindow',
  'keyboardOnlyRun',
  'darkThemeScreenshots',
  'restoredAfterWindowReload',
];

// Screenshots go to test-results/; MEMMAP_UPDATE_SCREENSHOTS=1 writes the README's in docs/images/.
function imagesDir(repo) {
  const dir = process.env.MEMMAP_UPDATE_SCREENSHOTS === '1' ? path.join(repo, 'docs', 'images') : path.join(repo, 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

async function shoot(page, repo, name) {
  const file = path.join(imagesDir(repo), name);
  await page.locator('.part.editor').screenshot({ path: file });
  console.log(`      screenshot ${path.relative(repo, file)}`);
}

export async function invalidViewSizeSaysWhyInline({ page, webview }) {
  await openVisualizer(page, webview);
  await webviewValue(webview, '#lib-version');
  await setField(webview, 'viewSize', '1000');
  const msg = await waitFor(async () => (await text(webview, '#err-viewSize')) || null, { what: 'the inline error' });
  assert.match(msg, /viewSize "1000" is out of range; allowed: .*a multiple of the granularity \(64 KiB\)/);
  await click(webview, 'run');
  await sleep(500);
  assert.equal(await status(webview), 'idle', 'an invalid form does not start a run');
  await setField(webview, 'viewSize', '100K');
  await waitFor(async () => /not a multiple of the granularity/.test(await text(webview, '#err-viewSize')), { what: 'the multiple-of message' });
  await setField(webview, 'viewSize', '128K');
  await waitFor(async () => (await text(webview, '#err-viewSize')) === '', { what: 'the error to clear' });
}

export async function runGrowWithEditedViewSize({ page, webview, repo }) {
  await openVisualizer(page, webview);
  await reset(webview);
  await setField(webview, 'viewSize', '256K');
  await setField(webview, 'items', '600000');
  await click(webview, 'run');
  await waitFor(async () => /^running/.test(await status(webview)), { what: 'the run to start' });
  // The charts gain points and the counters move while it runs.
  const points1 = await waitFor(async () => num(await webview.locator('#chart-bytes').getAttribute('data-points')) >= 3 && num(await webview.locator('#chart-bytes').getAttribute('data-points')), { what: 'chart points' });
  const allocs1 = num(await text(webview, 'td.c-allocs'));
  await sleep(1200);
  const points2 = num(await webview.locator('#chart-bytes').getAttribute('data-points'));
  const allocs2 = num(await text(webview, 'td.c-allocs'));
  if (/^running/.test(await status(webview))) {
    assert.ok(points2 > points1, `chart points ${points1} -> ${points2}`);
    assert.ok(allocs2 > allocs1, `allocs ${allocs1} -> ${allocs2}`);
    await shoot(page, repo, 'panel-light.png');
  }
  await waitIdle(webview);
  assert.match(await status(webview), /^done: grow pagefile in \d+ ms, verified/);
  assert.equal(num(await text(webview, 'td.c-allocs')), 600000);
  assert.ok(num(await webview.locator('#chart-maps').getAttribute('data-points')) >= 3);
  // The run is in the history, with the edited view size.
  await waitFor(async () => (await webview.locator('#history-table tr').count()) >= 2, { what: 'the history table' });
  assert.equal(await text(webview, '#history-table td.h-view'), '256 KiB', 'the edited view size is the one used');
  assert.equal(await text(webview, '#history-table td.h-items'), '600,000');
}

export async function stepToNextRemapMovesTheViewWindow({ page, webview, repo }) {
  await openVisualizer(page, webview);
  await reset(webview);
  await setField(webview, 'items', '100000');
  await click(webview, 'step-remap');
  await waitFor(async () => /^paused/.test(await status(webview)), { what: 'step mode to pause' });
  await waitFor(async () => (await webview.locator('#event-log li.ev-mapView').count()) > 0, { what: 'a map-view event' });
  const views = [];
  for (let i = 0; i < 6; i++) {
    const before = await status(webview);
    await click(webview, 'step-remap');
    await waitFor(async () => {
      const s = await status(webview);
      return /^paused/.test(s) && s !== before;
    }, { what: `step ${i + 1}` });
    await sleep(250); // the file map redraws on the next animation frame
    views.push(await text(webview, '#file-map-detail'));
  }
  const offsets = views.map((v) => /view (.*?) at (.*)$/.exec(v)?.[2]);
  console.log(`      view window after each step: ${offsets.join(' | ')}`);
  assert.ok(new Set(offsets).size >= 3, `the view window moves: ${offsets.join(', ')}`);
  const last = await text(webview, '#event-log li:last-child');
  assert.match(await webview.locator('#event-log').textContent(), /map view .* at offset \d+/);
  console.log(`      last event: ${last}`);
  // One plain step: exactly one more operation.
  const opsBefore = num(/operation ([\d,]+)/.exec(await status(webview))?.[1]);
  await click(webview, 'step');
  await waitFor(async () => num(/operation ([\d,]+)/.exec(await status(webview))?.[1]) === opsBefore + 1, { what: 'one operation more' });
  await shoot(page, repo, 'panel-step-light.png');
  await click(webview, 'stop');
  await waitIdle(webview);
  await runCommand(page, 'Preferences: Toggle between Light/Dark Themes'); // back to light for later tests
}

export async function keyboardOnlyRun({ page, webview }) {
  await openVisualizer(page, webview);
  await reset(webview);
  await setField(webview, 'items', '20000');
  // Focus the Run button with the keyboard: Tab from the last form field.
  await webview.locator('#prefault').focus();
  await page.keyboard.press('Tab');
  const focused = await webview.locator('body').evaluate(() => document.activeElement?.id);
  assert.equal(focused, 'run', 'Tab moves from the form to Run');
  await page.keyboard.press('Enter');
  await waitFor(async () => /^done/.test(await status(webview)), { timeoutMs: 60_000, what: 'the keyboard-started run to finish' });
}

export async function darkThemeScreenshots({ page, webview, repo }) {
  await openVisualizer(page, webview);
  const isDark = async () => /vscode-dark/.test((await webview.locator('body').getAttribute('class')) ?? '');
  if (!(await isDark())) await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
  await waitFor(isDark, { what: 'the webview to get the dark theme' });
  // Theme colours reach the page: the foreground is light on dark.
  const fg = await webview.locator('body').evaluate((b) => getComputedStyle(b).color);
  const [r, g, b] = fg.match(/\d+/g).map(Number);
  assert.ok(r + g + b > 3 * 150, `foreground ${fg} is light`);
  await reset(webview);
  await setField(webview, 'items', '600000');
  await chooseOption(webview, 'mode', 'disk');
  await click(webview, 'run');
  await waitFor(async () => num(await webview.locator('#chart-bytes').getAttribute('data-points')) >= 8, { what: 'chart points in the dark theme' });
  await shoot(page, repo, 'panel-dark.png');
  await waitIdle(webview);
  await reset(webview);
  await setField(webview, 'items', '100000');
  await click(webview, 'step-remap');
  await waitFor(async () => /^paused/.test(await status(webview)), { what: 'step mode' });
  for (let i = 0; i < 4; i++) {
    const before = await status(webview);
    await click(webview, 'step-remap');
    await waitFor(async () => (await status(webview)) !== before && /^paused/.test(await status(webview)), { what: 'a step' });
  }
  await sleep(300);
  await shoot(page, repo, 'panel-step-dark.png');
  await click(webview, 'stop');
  await waitIdle(webview);
  await runCommand(page, 'Preferences: Toggle between Light/Dark Themes'); // back to light for later tests
}

export async function restoredAfterWindowReload({ page, webview }) {
  await openVisualizer(page, webview);
  await webviewValue(webview, '#lib-version');
  await setField(webview, 'items', '12345');
  await sleep(300); // setState is synchronous; give the host a moment to persist it
  await runCommand(page, 'Developer: Reload Window');
  await sleep(2000);
  await waitForWorkbench(page);
  // The serializer brings the panel back, with its form state and the runner's values.
  await editorTab(page, 'MemMap Lab').first().waitFor({ state: 'visible', timeout: 60_000 });
  const version = await webviewValue(webview, '#lib-version', 90_000);
  assert.match(version, /^\d+\.\d+\.\d+/);
  const items = await webview.locator('#items').evaluate((e) => e.value);
  assert.equal(items, '12345', 'the form state survives the reload (getState/setState)');
  await waitFor(async () => (await webview.locator('#history-table tr').count()) >= 2, { what: 'the history (workspace state) after the reload' });
}
