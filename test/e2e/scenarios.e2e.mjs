// Every scenario run from the panel to its end, and Run All Scenarios with the
// panel open; after each, the webview and the workbench must still answer.
// (Issue 12: deletions and random froze the webview, and the browser window
// with it, in the file map's layout loop.)
import assert from 'node:assert/strict';
import {
  chooseOption, click, num, openVisualizer, reset, runCommand, setField, status, text, waitFor,
  webviewAnswers, webviewValue, workbenchAnswers,
} from './helpers.mjs';

export const order = ['everyScenarioRunsToItsEndFromThePanel', 'runAllScenariosWithThePanelOpen', 'deleteOneRunThenClearTheHistory'];

const ITEMS = 20000;

export async function everyScenarioRunsToItsEndFromThePanel({ page, webview }) {
  await openVisualizer(page, webview);
  await webviewValue(webview, '#lib-version');
  for (const scenario of ['baseline', 'grow', 'deletions', 'random']) {
    await reset(webview);
    await chooseOption(webview, 'scenario', scenario);
    await setField(webview, 'items', String(ITEMS));
    await click(webview, 'run');
    await waitFor(async () => new RegExp(`^(done|ended).*\\b${scenario}\\b`).test(await status(webview)),
      { timeoutMs: 90_000, what: `the ${scenario} run to end` });
    const s = await status(webview);
    assert.match(s, /^done/, `${scenario}: ${s}`);
    assert.match(s, /verified/, `${scenario}: ${s}`);
    // The file map has drawn the end state (the draw is where the loop hung) and the webview answers.
    await webviewAnswers(webview);
    const detail = await text(webview, '#file-map-detail');
    if (scenario !== 'baseline') assert.match(detail, /^file \d/, `${scenario}: the file map shows the file: ${detail}`);
    const allocs = num(await text(webview, 'td.c-allocs'));
    assert.ok(allocs >= ITEMS, `${scenario}: ${allocs} allocs for ${ITEMS} items`);
    console.log(`      ${scenario}: ${s} | ${detail}`);
    await workbenchAnswers(page);
  }
}

export async function runAllScenariosWithThePanelOpen({ page, webview }) {
  await openVisualizer(page, webview);
  await reset(webview);
  const before = await webview.locator('#history-table tr.h-run').count();
  await runCommand(page, 'MemMap: Run All Scenarios');
  // The summary notification ends the command (the fixture workspace scales items to 1%). A toast
  // can hide before it is read: then the notification centre still lists it.
  const summaryRe = /MemMap: (\d+) passed, (\d+) failed, (\d+) cancelled of (\d+) scenarios/;
  let m = null;
  let centreOpened = false;
  await waitFor(async () => {
    const texts = await page.locator('.notifications-toasts, .notifications-center').allTextContents();
    m = summaryRe.exec(texts.join(' '));
    if (!m && !centreOpened && (await webview.locator('#stop').getAttribute('disabled')) !== null && /^done: /.test(await status(webview))) {
      // Idle again: look in the notification centre.
      await runCommand(page, 'Notifications: Show Notifications');
      centreOpened = true;
    }
    return m;
  }, { timeoutMs: 150_000, intervalMs: 500, what: 'the Run All summary notification' });
  console.log(`      ${m[0]}`);
  assert.equal(Number(m[2]), 0, `no scenario failed: ${m[0]}`);
  assert.ok(Number(m[4]) >= 10, `the ten seed tests at least: ${m[0]}`);
  await webviewAnswers(webview);
  await workbenchAnswers(page);
  // Every run reached the open panel: the history grew by one entry a run (its first 20 are shown).
  await waitFor(async () => (await webview.locator('#history-table tr.h-run').count()) >= Math.min(20, before + Number(m[4])),
    { what: 'the history to list every run' });
  await page.keyboard.press('Escape');
}

export async function deleteOneRunThenClearTheHistory({ page, webview }) {
  await openVisualizer(page, webview);
  const rows = webview.locator('#history-table tr.h-run');
  await waitFor(async () => (await rows.count()) >= 2, { what: 'runs in the history' });
  const firstId = await rows.first().locator('vscode-button[id^="delete-"]').getAttribute('id');
  const secondText = await rows.nth(1).textContent();
  await click(webview, firstId);
  await waitFor(async () => (await webview.locator(`#${firstId}`).count()) === 0, { what: 'the deleted run to leave the table' });
  assert.equal(await rows.first().textContent(), secondText, 'the next run moves up');
  // Clear history asks first (a modal dialog of VS Code), then empties the table.
  await click(webview, 'history-clear');
  const confirm = page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Clear History' });
  await confirm.waitFor({ state: 'visible', timeout: 15_000 });
  await confirm.click();
  await waitFor(async () => /Finished runs appear here/.test(await text(webview, '#history')), { what: 'the history to be empty' });
  assert.equal(await rows.count(), 0);
}
