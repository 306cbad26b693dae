// The MemMap Lab panel driven as a user would, in code-server + Chromium:
// edit the view size, Run, watch the charts and counters move; step to the
// next remap and watch the view window move; switch to a dark theme. Takes
// the README's screenshots (docs/images/) on the way.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  chooseOption, click, editorTab, num, openVisualizer, reset, runCommand, setField, sleep, status, text, waitFor, waitForWorkbench,
  waitIdle, webviewValue, imagesDir,
} from './helpers.mjs';

export const order = [
  'invalidViewSizeSaysWhyInline',
  'tooBigForThirtyTwoBitOffsetsIsRefusedBeforeRun',
  'runGrowWithEditedViewSize',
  'resetClearsEverySectionAlsoOnAReopenedPanel',
  'reopenedMidRunShowsTheRunningParametersReadOnly',
  'stepToNextRemapMovesTheViewWindow',
  'stepToNextGrowthStopsAtEachGrowth',
  'keyboardOnlyRun',
  'darkThemeScreenshots',
  'restoredAfterWindowReload',
];

async function shoot(page, repo, name) {
  const file = path.join(imagesDir(repo), name);
  await page.locator('.part.editor').screenshot({ path: file });
  console.log(`      screenshot ${path.relative(repo, file)}`);
}

/**
 * Bounding boxes of the form's fields, relative to the form: they must not move while messages
 * come and go (relative, so that a scroll of the page, which moves them all alike, is not a move).
 */
async function fieldBoxes(webview) {
  return webview.locator('#form .field-box').evaluateAll((boxes) => boxes.map((b) => {
    const r = b.getBoundingClientRect();
    const f = document.getElementById('form')?.getBoundingClientRect() ?? { x: 0, y: 0 };
    return [Math.round(r.x - f.x), Math.round(r.y - f.y), Math.round(r.width), Math.round(r.height)].join(',');
  }));
}

async function historyCount(webview) {
  return webview.locator('#history-table tr.h-run').count();
}

export async function invalidViewSizeSaysWhyInline({ page, webview }) {
  await openVisualizer(page, webview);
  await webviewValue(webview, '#lib-version');
  await reset(webview);
  const boxes = await fieldBoxes(webview);
  await setField(webview, 'viewSize', '1000');
  const msg = await waitFor(async () => (await text(webview, '#err-viewSize')) || null, { what: 'the inline error' });
  // The field's label, not the internal key.
  assert.match(msg, /^View size "1000" is out of range; allowed: .*a multiple of the granularity \(64 KiB\)/);
  assert.deepEqual(await fieldBoxes(webview), boxes, 'the inline error does not move any field');
  // Run with an invalid form: the panel answers that it did not start ...
  const runs = await historyCount(webview);
  await click(webview, 'run');
  await waitFor(async () => /^not started: see the message under the field/.test(await status(webview)), { what: 'the refusal in the status' });
  await setField(webview, 'viewSize', '100K');
  await waitFor(async () => /not a multiple of the granularity/.test(await text(webview, '#err-viewSize')), { what: 'the multiple-of message' });
  await setField(webview, 'viewSize', '128K');
  await waitFor(async () => (await text(webview, '#err-viewSize')) === '', { what: 'the error to clear' });
  assert.deepEqual(await fieldBoxes(webview), boxes, 'the fields are where they were');
  // ... and the next valid run is the only one that reaches the history (the refused click ran nothing).
  await setField(webview, 'items', '3K');
  await click(webview, 'run');
  await waitFor(async () => /^done/.test(await status(webview)), { timeoutMs: 60_000, what: 'the valid run' });
  await waitFor(async () => (await historyCount(webview)) === Math.min(20, runs + 1), { what: 'one history entry more' });
  assert.equal(await text(webview, '#history-table tr.h-run td.h-items'), '3,000', 'items "3K" is 3,000 items');
  assert.equal(await text(webview, '#history-table tr.h-run td.h-view'), '128 KiB');
}

export async function tooBigForThirtyTwoBitOffsetsIsRefusedBeforeRun({ page, webview }) {
  await openVisualizer(page, webview);
  await reset(webview);
  const runs = await historyCount(webview);
  await setField(webview, 'items', '3,000,000');
  // Before Run: the message under Items, in the panel's words.
  const msg = await waitFor(async () => (await text(webview, '#err-items')) || null, { what: 'the preflight message' });
  assert.match(msg, /^this run needs about 5\.\d+ GiB and 32-bit offsets end at 4 GiB: choose Offset bits 64/);
  // The box under the field is fixed in size; the whole message is read under the form.
  assert.match(await text(webview, '#estimate'), /^Not runnable: this run needs about 5\.\d+ GiB and 32-bit offsets end at 4 GiB: choose Offset bits 64, or at most 2,145,635 Items$/);
  await click(webview, 'run');
  await waitFor(async () => /^not started/.test(await status(webview)), { what: 'the refusal' });
  // Offset bits 64 clears it; the estimate shows.
  await chooseOption(webview, 'offsetBits', '64');
  await waitFor(async () => (await text(webview, '#err-items')) === '', { what: 'the message to clear with 64-bit offsets' });
  assert.match(await text(webview, '#estimate'), /^This run stores 5\.\d+ GiB at its peak; the file grows from 64\.00 KiB to 8\.00 GiB/);
  assert.equal(await historyCount(webview), runs, 'nothing ran');
  await reset(webview);
}

export async function runGrowWithEditedViewSize({ page, webview, repo }) {
  await openVisualizer(page, webview);
  await reset(webview);
  await setField(webview, 'viewSize', '256K');
  await setField(webview, 'items', '1,500,000');
  await click(webview, 'run');
  await waitFor(async () => /^running/.test(await status(webview)), { what: 'the run to start' });
  // The charts gain points and the counters move while it runs: a first reading taken while
  // running, then a later one that must be larger (the final figures are, if the run ends first).
  const points = async () => num(await webview.locator('#chart-bytes').getAttribute('data-points'));
  await waitFor(async () => (await points()) >= 3, { what: 'chart points' });
  const points1 = await points();
  const allocs1 = num(await text(webview, 'td.c-allocs'));
  assert.match(await status(webview), /^running/, 'the first reading is taken during the run');
  assert.ok(allocs1 < 1_500_000, `allocs ${allocs1} before the end`);
  await waitFor(async () => (await points()) > points1 && num(await text(webview, 'td.c-allocs')) > allocs1,
    { what: `chart points above ${points1} and allocs above ${allocs1}` });
  if (/^running/.test(await status(webview))) await shoot(page, repo, 'panel-light.png');
  await waitIdle(webview);
  assert.match(await status(webview), /^done: grow pagefile, verified; you waited [\d.]+ (ms|s|min)\b.*, the library ran [\d.]+ (ms|s)/);
  assert.equal(num(await text(webview, 'td.c-allocs')), 1_500_000);
  assert.ok(num(await webview.locator('#chart-maps').getAttribute('data-points')) >= 3);
  // Each axis in the binary unit of its values; file maps on their own axis.
  assert.match(await webview.locator('#chart-bytes').getAttribute('data-y-axis'), /^bytes \((MiB|GiB)\)$/);
  assert.equal(await webview.locator('#chart-maps').getAttribute('data-y1-axis'), 'file maps');
  assert.match(await webview.locator('#chart-throughput').getAttribute('data-y-axis'), /^allocated \((KiB|MiB|GiB)\/s\)$/);
  // Per-run figures and the process totals, labelled apart.
  assert.match(await text(webview, '#counters'), /peak resident \(sampled, this run\).*minor faults \(this run\).*minor faults \(runner process total\)/s);
  // The run is in the history with the parameters that differ from the defaults.
  await waitFor(async () => (await historyCount(webview)) >= 1, { what: 'the history table' });
  assert.equal(await text(webview, '#history-table td.h-view'), '256 KiB', 'the edited view size is the one used');
  assert.equal(await text(webview, '#history-table td.h-items'), '1,500,000');
  assert.equal(await text(webview, '#history-table .h-params'), 'Items 1,500,000, View size 256 KiB');
}

export async function resetClearsEverySectionAlsoOnAReopenedPanel({ page, webview }) {
  await openVisualizer(page, webview);
  await reset(webview);
  await setField(webview, 'items', '20000');
  await click(webview, 'run');
  await waitFor(async () => /^done/.test(await status(webview)), { timeoutMs: 60_000, what: 'the run' });
  const shows = async () => ({
    status: await status(webview),
    counters: await text(webview, '#counters'),
    fileMap: await text(webview, '#file-map-detail'),
    events: await webview.locator('#event-log li').count(),
    points: num(await webview.locator('#chart-bytes').getAttribute('data-points')),
  });
  const allShowTheRun = (s) => /^done/.test(s.status) && /allocs20,000/.test(s.counters.replace(/\s+/g, '')) && /^file /.test(s.fileMap) && s.events > 0 && s.points > 0;
  const allClear = (s) => s.status === 'idle' && /no run yet/.test(s.counters) && s.fileMap === 'no file yet' && s.events === 0 && s.points === 0;
  await waitFor(async () => allShowTheRun(await shows()), { what: 'every section to show the run' });
  // A reopened panel shows the same run in every section.
  await runCommand(page, 'View: Close Editor');
  await openVisualizer(page, webview);
  await waitFor(async () => allShowTheRun(await shows()), { what: 'the reopened panel to show the run in every section', timeoutMs: 60_000 });
  // Reset clears every section, and stays cleared on a reopened panel.
  await click(webview, 'reset');
  let last;
  await waitFor(async () => allClear(last = await shows()), { what: 'every section to clear' });
  await runCommand(page, 'View: Close Editor');
  await openVisualizer(page, webview);
  await webviewValue(webview, '#lib-version');
  await waitFor(async () => allClear(last = await shows()), { what: `the reopened panel to stay clear (${JSON.stringify(last)})`, timeoutMs: 60_000 });
}

export async function reopenedMidRunShowsTheRunningParametersReadOnly({ page, webview }) {
  await openVisualizer(page, webview);
  await reset(webview);
  await setField(webview, 'items', '2,000,000');
  await setField(webview, 'viewSize', '512K');
  await click(webview, 'run');
  await waitFor(async () => /^running/.test(await status(webview)), { what: 'the run to start' });
  // Paused, so that it is still going however long the panel takes to reopen.
  await click(webview, 'pause');
  await waitFor(async () => /^paused/.test(await status(webview)), { what: 'the run to pause' });
  await runCommand(page, 'View: Close Editor');
  await openVisualizer(page, webview);
  // The form shows the running run's parameters, disabled, while it goes.
  await waitFor(async () => (await webview.locator('#items').evaluate((e) => e.value)) === '2000000', { what: 'the running run\'s items in the form', timeoutMs: 60_000 });
  assert.equal(await webview.locator('#viewSize').evaluate((e) => e.value), '512K');
  assert.ok(await webview.locator('#items').evaluate((e) => e.hasAttribute('disabled')), 'read-only while the run goes');
  assert.match(await text(webview, '#estimate'), /^Parameters of the run in progress/);
  await click(webview, 'stop');
  await waitIdle(webview);
  assert.ok(!(await webview.locator('#items').evaluate((e) => e.hasAttribute('disabled'))), 'editable again');
}

export async function stepToNextRemapMovesTheViewWindow({ page, webview, repo }) {
  await openVisualizer(page, webview);
  await reset(webview);
  await setField(webview, 'items', '100000');
  await click(webview, 'step-remap');
  await waitFor(async () => /^paused/.test(await status(webview)), { what: 'step mode to pause' });
  await waitFor(async () => (await webview.locator('#event-log li.ev-mapView').count()) > 0, { what: 'a map-view event' });
  const opOf = (s) => num(/operation ([\d,]+)/.exec(s)?.[1]);
  const views = [];
  for (let i = 0; i < 6; i++) {
    const before = await status(webview);
    await click(webview, 'step-remap');
    await waitFor(async () => {
      const s = await status(webview);
      return /^paused/.test(s) && s !== before;
    }, { what: `step ${i + 1}` });
    // Checked at every step: the last map view in the log belongs to the operation just before the pause.
    const paused = opOf(await status(webview));
    await waitFor(async () => {
      const last = await webview.locator('#event-log li.ev-mapView').last().textContent();
      return opOf(`operation ${/^#(\d+)/.exec(last ?? '')?.[1]}`) === paused - 1;
    }, { what: `step ${i + 1}: a map view in operation ${paused - 1}` });
    await sleep(250); // the file map redraws on the next animation frame
    views.push(await text(webview, '#file-map-detail'));
  }
  const offsets = views.map((v) => /view (.*?) at (.*)$/.exec(v)?.[2]);
  console.log(`      view window after each step: ${offsets.join(' | ')}`);
  assert.ok(new Set(offsets).size >= 3, `the view window moves: ${offsets.join(', ')}`);
  assert.match(await webview.locator('#event-log').textContent(), /map view [\d.]+ KiB at [\d.]+ (B|KiB|MiB)/);
  // One plain step: exactly one more operation.
  const opsBefore = opOf(await status(webview));
  await click(webview, 'step');
  await waitFor(async () => opOf(await status(webview)) === opsBefore + 1, { what: 'one operation more' });
  await shoot(page, repo, 'panel-step-light.png');
  await click(webview, 'stop');
  await waitIdle(webview);
}

export async function stepToNextGrowthStopsAtEachGrowth({ page, webview }) {
  await openVisualizer(page, webview);
  await reset(webview);
  await setField(webview, 'items', '100000');
  await click(webview, 'step-grow');
  await waitFor(async () => /^paused/.test(await status(webview)), { what: 'step mode to pause' });
  // Re-checked at every step: a new grow event, the file doubled from the step before.
  let size = 0;
  for (let i = 0; i < 4; i++) {
    // The log keeps the last 200 events, so a new growth is told by its text (its operation number), not by a count.
    const lastGrow = async () => ((await webview.locator('#event-log li.ev-grow').count()) ? (await webview.locator('#event-log li.ev-grow').last().textContent()) ?? '' : '');
    const previous = await lastGrow();
    const before = await status(webview);
    await click(webview, 'step-grow');
    await waitFor(async () => (await lastGrow()) !== previous && /^paused/.test(await status(webview)) && (await status(webview)) !== before,
      { what: `growth ${i + 1}` });
    const last = await lastGrow();
    // Paused right after the growth's operation.
    assert.equal(num(/^#(\d+)/.exec(last)?.[1]) + 1, num(/operation ([\d,]+)/.exec(await status(webview))?.[1]), `paused right after the growth: ${last}`);
    const m = /grow ([\d.]+) (KiB|MiB) → ([\d.]+) (KiB|MiB)/.exec(last);
    assert.ok(m, last);
    const bytes = (v, u) => Number(v) * (u === 'MiB' ? 1024 * 1024 : 1024);
    assert.equal(bytes(m[3], m[4]), 2 * bytes(m[1], m[2]), `growth ${i + 1} doubles: ${last}`);
    if (size) assert.equal(bytes(m[1], m[2]), size, `growth ${i + 1} starts where the last ended`);
    size = bytes(m[3], m[4]);
  }
  await click(webview, 'stop');
  await waitIdle(webview);
}

export async function keyboardOnlyRun({ page, webview }) {
  await openVisualizer(page, webview);
  await reset(webview);
  await setField(webview, 'items', '20000');
  // Focus the Run button with the keyboard: Tab through the last form fields (Prefault, then Evict before verify).
  await webview.locator('#prefault').focus();
  await page.keyboard.press('Tab');
  assert.equal(await webview.locator('body').evaluate(() => document.activeElement?.id), 'coldVerify', 'Tab moves from Prefault to Evict before verify (cold)');
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
  await reset(webview);
  // A run in progress when the window reloads.
  await setField(webview, 'items', '2,000,000');
  await click(webview, 'run');
  await waitFor(async () => /^running/.test(await status(webview)) && num(await text(webview, 'td.c-allocs')) > 0, { what: 'the run to be under way' });
  // Paused, so that it is still going when the reload comes (its first sample has saved it already).
  await click(webview, 'pause');
  await waitFor(async () => /^paused/.test(await status(webview)), { what: 'the run to pause' });
  await sleep(2500); // the run in progress is saved into the history every 2 s (samples go on while paused)
  await runCommand(page, 'Developer: Reload Window');
  await sleep(2000);
  await waitForWorkbench(page);
  // The serializer brings the panel back, with its form state and the runner's values.
  await editorTab(page, 'MemMap Lab').first().waitFor({ state: 'visible', timeout: 60_000 });
  const version = await webviewValue(webview, '#lib-version', 90_000);
  assert.match(version, /^\d+\.\d+\.\d+/);
  const items = await webview.locator('#items').evaluate((e) => e.value);
  assert.equal(items, '2,000,000', 'the form state survives the reload (getState/setState)');
  // The run did not vanish: it is in the history as interrupted, with the counters it had reached.
  const first = webview.locator('#history-table tr.h-run').first();
  await waitFor(async () => /interrupted by a window reload/.test((await first.textContent({ timeout: 2_000 })) ?? ''), { what: 'the interrupted run in the history', timeoutMs: 60_000 });
  const allocs = num(await first.locator('td').nth(5).textContent());
  assert.ok(allocs > 0 && allocs < 2_000_000, `the counters reached: ${allocs} allocs`);
  await reset(webview);
}
