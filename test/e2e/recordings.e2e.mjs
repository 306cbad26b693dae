// Recorded runs (issue 17) driven as a user would, in code-server + Chromium:
// open a .memmaprun file written by the CLI's --record, see the editor with its charts, drag and key the
// timeline scrubber and watch the counters, the file map and the event log
// follow; a file of a newer format says so; two recordings selected in the
// Explorer compare side by side, and the comparison survives a window reload; the editor's
// "Compare with…" button compares with a file picked in the dialog. The recordings are real runs written into the
// workspace's recordings/ by run.mjs; the expected figures come from each run's
// own messages (<name>.run.json), never typed here. Takes the README's
// screenshots of the editor and the comparison.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chooseOption, editorTab, runCommand, sleep, text, waitFor, waitForWorkbench, imagesDir } from './helpers.mjs';

export const order = ['opensARecordingWithChartsAndScrubs', 'newerFormatShowsOneMessage', 'comparesTwoRecordingsFromTheExplorer', 'comparesFromTheEditorsButton'];

const n = (x) => x.toLocaleString('en-US');

async function shoot(page, repo, name) {
  const file = path.join(imagesDir(repo), name);
  await page.locator('.part.editor').screenshot({ path: file });
  console.log(`      screenshot ${path.relative(repo, file)}`);
}

/** A screenshot of the editor in a taller window, so the charts below the counters show too. */
async function tallShot(page, repo, name) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: size.width, height: 1500 });
  try {
    await sleep(1000); // the webview lays out and the charts redraw at the new size
    await shoot(page, repo, name);
  } finally {
    await page.setViewportSize(size);
  }
}

/** The webview of the visible editor (others may stay in the page, hidden). */
function visibleWebview(page) {
  return page.locator('iframe.webview:visible').contentFrame().frameLocator('iframe#active-frame');
}

function run(workspace, name) {
  return JSON.parse(fs.readFileSync(path.join(workspace, 'recordings', `${name}.run.json`), 'utf8'));
}

/** Opens a workspace file through the quick picker (F1 without ">" searches files). */
async function openFile(page, name) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await waitFor(async () => {
    if (!(await input.isVisible())) await page.keyboard.press('F1');
    await input.fill(name);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    await row.waitFor({ state: 'visible', timeout: 5_000 });
    await page.keyboard.press('Enter');
    return true;
  }, { timeoutMs: 60_000, intervalMs: 1000, what: `quick open of ${name}` });
  await editorTab(page, name).first().waitFor({ state: 'visible', timeout: 30_000 });
}

const allocs = async (wv) => text(wv, 'td.c-allocs');
const where = async (wv) => text(wv, '#scrub-position');

export async function opensARecordingWithChartsAndScrubs({ page, repo, workspace }) {
  // The recording: `runner.js run --scenario grow --items 200000 --record cli-grow.memmaprun`.
  const r = run(workspace, 'cli-grow');
  await runCommand(page, 'View: Close All Editors');
  await openFile(page, 'cli-grow.memmaprun');
  const wv = visibleWebview(page);
  await waitFor(async () => /cli-grow\.memmaprun/.test(await text(wv, '#recording-title')), { timeoutMs: 60_000, what: 'the recording editor' });
  // The charts: one point a recorded sample; the end of the run shown first.
  await waitFor(async () => Number(await wv.locator('#chart-bytes').getAttribute('data-points')) === r.samples.length,
    { what: `${r.samples.length} points on the bytes chart` });
  assert.equal(await allocs(wv), n(r.samples.at(-1).counters.allocs));
  assert.match(await text(wv, '#run-status'), /^done: verified/);
  const last = r.samples.at(-1);
  assert.equal(await wv.locator('#chart-bytes').getAttribute('data-cursor'), String(last.ops), 'the scrubber line at the last sample');
  // The panel's insight views (issue 16), drawn from the recorded result: the alloc latency count is the run's allocs
  // (a grow run allocates every item once), and the residency strip has its cells.
  await waitFor(async () => (await text(wv, '#latency tr.l-alloc td.l-count')) === n(last.counters.allocs),
    { what: `the latency table from the recorded result (${last.counters.allocs} allocs)` });
  assert.ok((await wv.locator('#cache-state').textContent()).startsWith('Verify read warm'), 'cold/warm from the recorded result');

  // Keys: Home goes to the start, Shift+→ to each next sample; the counters follow the run's samples.
  const slider = wv.locator('#scrubber');
  await slider.focus();
  await page.keyboard.press('Home');
  await waitFor(async () => /^position 1 of /.test(await where(wv)), { what: 'the start' });
  for (const i of [0, 1, 2]) {
    await page.keyboard.press('Shift+ArrowRight');
    await waitFor(async () => (await allocs(wv)) === n(r.samples[i].counters.allocs) && new RegExp(`sample ${i + 1} of `).test(await where(wv)),
      { what: `sample ${i + 1}: allocs ${r.samples[i].counters.allocs}` });
  }
  // ←: one position back, onto the events before that sample.
  const before = await where(wv);
  await page.keyboard.press('ArrowLeft');
  await waitFor(async () => (await where(wv)) !== before, { what: 'one position back' });

  // Drag the slider (it goes by operation number) from a tenth to six tenths of the run: the
  // counters are those of the sample the position line names, a later one than before.
  const ops = async () => text(wv, 'td.c-operations');
  const opsBefore = await ops();
  const box = await slider.boundingBox();
  await page.mouse.move(box.x + box.width * 0.1, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.35, box.y + box.height / 2, { steps: 8 });
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  const sampleShown = async () => Number(/sample ([\d,]+) of /.exec(await where(wv))?.[1].replace(/,/g, '') ?? NaN);
  const k = await waitFor(async () => {
    const i = await sampleShown();
    return i > 3 && (await ops()).split(' / ')[0] === n(r.samples[i - 1].ops) ? i : null;
  }, { what: 'the counters of a later sample' });
  assert.notEqual(await ops(), opsBefore, 'the counters changed');
  assert.equal(await allocs(wv), n(r.samples[k - 1].counters.allocs), `allocs of sample ${k}`);
  assert.equal(await text(wv, 'td.c-map-views'), n(r.samples[k - 1].counters.mapViews), `map views of sample ${k}`);
  const lastOpOfRun = r.samples.at(-1).ops;
  const shownOp = Number(/operation ([\d,]+)/.exec(await where(wv))[1].replace(/,/g, ''));
  assert.ok(shownOp > 0.4 * lastOpOfRun && shownOp < 0.8 * lastOpOfRun, `operation ${shownOp} is near 60 % of ${lastOpOfRun}`);
  // The event log and the file map show that moment too.
  const log = await wv.locator('#event-log li').allTextContents();
  assert.ok(log.length > 0, 'the event log shows the events up to there');
  const lastLogged = Number(/^#(\d+)/.exec(log.at(-1))?.[1]);
  assert.ok(lastLogged <= shownOp, `the last event logged (#${lastLogged}) is not after the position (operation ${shownOp})`);
  assert.match(await text(wv, '#file-map-detail'), /^file [\d.]+ (KiB|MiB|GiB): live/);
  await sleep(300); // the charts redraw the scrubber line
  await tallShot(page, repo, 'recording-editor.png');
}

export async function newerFormatShowsOneMessage({ page }) {
  await openFile(page, 'newer-version.memmaprun');
  const wv = visibleWebview(page);
  const msg = await waitFor(async () => (await text(wv, '#recording-error')) || null, { timeoutMs: 30_000, what: 'the message' });
  assert.match(msg, /^newer-version\.memmaprun cannot be shown: this recording is format version 2\.0, newer than this MemMap Lab reads \(1\.x\); update MemMap Lab to open it$/);
  assert.equal(await wv.locator('canvas').count(), 0, 'nothing else is drawn');
}

export async function comparesTwoRecordingsFromTheExplorer({ page, repo, workspace }) {
  const a = run(workspace, 'grow-disk');
  const b = run(workspace, 'grow-pagefile');
  await runCommand(page, 'View: Close All Editors');
  await runCommand(page, 'View: Show Explorer');
  const row = (name) => page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  if (!(await row('grow-disk.memmaprun').isVisible())) await row('recordings').click();
  await row('grow-disk.memmaprun').waitFor({ state: 'visible', timeout: 30_000 });
  // Select both: a click selects one (and opens it), Ctrl+click adds the other; then the context menu.
  // The Explorer selects the active editor's file when that editor opens: the second file is added
  // once the first one's editor is open.
  await waitFor(async () => {
    await row('grow-disk.memmaprun').click();
    await editorTab(page, 'grow-disk.memmaprun').first().waitFor({ state: 'visible', timeout: 10_000 });
    await sleep(500);
    await row('grow-pagefile.memmaprun').click({ modifiers: ['Control'] });
    await sleep(500);
    return (await page.locator('.explorer-folders-view .monaco-list-row.selected').count()) === 2;
  }, { timeoutMs: 60_000, intervalMs: 1000, what: 'two selected files' });
  await row('grow-pagefile.memmaprun').click({ button: 'right' });
  const item = page.locator('.context-view .action-label', { hasText: 'Compare Recording With…' }).first();
  await item.waitFor({ state: 'visible', timeout: 10_000 });
  // A click that lands while the menu is still being laid out is lost (the menu stays open): click again then.
  await waitFor(async () => {
    if (await item.isVisible()) {
      await item.hover();
      await item.click({ timeout: 5_000 }).catch(() => {});
    }
    return editorTab(page, 'Compare:').first().isVisible();
  }, { timeoutMs: 30_000, intervalMs: 2_000, what: 'the comparison tab' });
  const wv = visibleWebview(page);
  await waitFor(async () => (await wv.locator('#ratios tr').count()) > 1, { timeoutMs: 30_000, what: 'the ratio table' });
  // The Explorer passes the files in their order there: grow-disk (A), grow-pagefile (B).
  assert.match(await text(wv, '#side-a'), /A: grow-disk/);
  const differs = await wv.locator('#parameters tr.differs th').allTextContents();
  assert.deepEqual(differs.filter((t) => !/^OS |platform|library/.test(t)), ['Mode']);
  const mapViews = wv.locator('#ratios tr', { hasText: 'map views' });
  const cells = await mapViews.locator('td').allTextContents();
  const [ma, mb] = [a.result.stats.mapViews, b.result.stats.mapViews];
  assert.deepEqual(cells, [n(ma), n(mb), `${(mb / ma).toFixed(2)}×`]);
  assert.equal(await wv.locator('#cmp-bytes-allocated').getAttribute('data-x-axis'), 'operations');
  await sleep(300);
  await tallShot(page, repo, 'recording-compare.png');
  // By time, side by side.
  await chooseOption(wv, 'align-by', 'time');
  await waitFor(async () => (await wv.locator('#cmp-bytes-allocated').getAttribute('data-x-axis')) === 'seconds', { what: 'curves by time' });
  await chooseOption(wv, 'layout', 'side');
  await waitFor(async () => (await wv.locator('#cmp-bytes-allocated-a').count()) === 1 && (await wv.locator('#cmp-bytes-allocated-b').count()) === 1,
    { what: 'the runs side by side' });
  assert.equal(await wv.locator('#cmp-bytes-allocated-a').getAttribute('data-x-axis'), 'seconds');
  // B has a value at every time either run sampled, from its first sample to its last.
  const times = [...new Set([...a.samples, ...b.samples].map((s) => s.elapsedMs))];
  const inB = times.filter((t) => t >= b.samples[0].elapsedMs && t <= b.samples.at(-1).elapsedMs).length;
  assert.equal(await wv.locator('#cmp-bytes-allocated-b').getAttribute('data-points'), String(inB));
  // A reloaded window brings the comparison back, by time and side by side still.
  await runCommand(page, 'Developer: Reload Window');
  await sleep(2000);
  await waitForWorkbench(page);
  await editorTab(page, 'Compare:').first().waitFor({ state: 'visible', timeout: 60_000 });
  const again = visibleWebview(page);
  await waitFor(async () => (await again.locator('#cmp-bytes-allocated-a').getAttribute('data-x-axis', { timeout: 2_000 })) === 'seconds',
    { timeoutMs: 90_000, what: 'the comparison restored' });
  assert.deepEqual(await again.locator('#ratios tr', { hasText: 'map views' }).locator('td').allTextContents(), cells);
  await runCommand(page, 'View: Close All Editors');
}

export async function comparesFromTheEditorsButton({ page, workspace }) {
  await runCommand(page, 'View: Close All Editors');
  await openFile(page, 'grow-pagefile.memmaprun');
  const wv = visibleWebview(page);
  await waitFor(async () => /grow-pagefile/.test(await text(wv, '#recording-title')), { timeoutMs: 60_000, what: 'the recording editor' });
  await wv.locator('#compare').click();
  // The other recording, picked in VS Code's file dialog (in the browser: a path in the quick input).
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  // The simple file dialog fills in its folder once it has loaded, which can overwrite a path typed
  // before that: type the path, wait until the box still holds it, press Enter; again while the dialog stays.
  const other = path.join(workspace, 'recordings', 'grow-disk.memmaprun');
  const tab = editorTab(page, 'Compare: grow-pagefile.memmaprun ↔ grow-disk.memmaprun').first();
  await waitFor(async () => {
    if (await tab.isVisible()) return true;
    if (await input.isVisible()) {
      await input.fill(other);
      await sleep(700);
      if ((await input.inputValue()) === other) await page.keyboard.press('Enter');
    }
    await sleep(1500);
    return tab.isVisible();
  }, { timeoutMs: 60_000, intervalMs: 500, what: 'the comparison opened from the picked file' });
  const cmp = visibleWebview(page);
  await waitFor(async () => /A: grow-pagefile/.test(await text(cmp, '#side-a')) && /B: grow-disk/.test(await text(cmp, '#side-b')),
    { timeoutMs: 30_000, what: 'A: the editor\'s recording, B: the one picked' });
  await runCommand(page, 'View: Close All Editors');
}
