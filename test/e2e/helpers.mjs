// Shared helpers for the Playwright UI tests (phase 2) that drive VS Code in code-server.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn() until it returns a truthy value; throws with `what` after timeoutMs. */
export async function waitFor(fn, { timeoutMs = 30_000, intervalMs = 200, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    }
    await sleep(intervalMs);
  }
}

/** Waits until the workbench has rendered and the editor area is ready for keyboard input. */
export async function waitForWorkbench(page, timeoutMs = 120_000) {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  // The explorer shows the workspace once the remote file system is connected.
  await page.locator('.explorer-folders-view, .part.sidebar').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * Runs a command by its palette label ("Category: Title") through F1 / Ctrl+Shift+P. The palette
 * does not refresh while open, and an extension's commands appear only once the extension host
 * has scanned it, so it is reopened until the command shows up.
 */
export async function runCommand(page, label, { timeoutMs = 60_000 } = {}) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    try {
      if (!(await input.isVisible())) {
        await page.keyboard.press(attempt % 2 === 0 ? 'F1' : 'Control+Shift+P');
        await input.waitFor({ state: 'visible', timeout: 5_000 });
      }
      await input.fill(`>${label}`);
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      await page.keyboard.press('Enter');
      await input.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {});
      return;
    } catch (e) {
      lastError = e;
      await page.keyboard.press('Escape').catch(() => {});
      await sleep(1000);
    }
  }
  const shown = await page.locator('.quick-input-list .monaco-list-row').allTextContents().catch(() => []);
  throw new Error(`command "${label}" not found in the command palette within ${timeoutMs} ms `
    + `(palette showed: ${JSON.stringify(shown.slice(0, 5))}): ${lastError?.message?.split('\n')[0]}`);
}

/**
 * The Test Explorer's row with this label, visible. The tree is virtual: a row scrolled out of
 * sight (an earlier test expanded groups) is not in the page, and under load the view can show
 * before the first discovery. So the view is focused again, scrolled to its top (Home) and, every
 * other round, the tests rediscovered, until the row shows.
 */
export async function testExplorerRow(page, label, { timeoutMs = 120_000 } = {}) {
  const row = page.locator('.test-explorer .monaco-list-row', { hasText: label }).first();
  let round = 0;
  await waitFor(async () => {
    await runCommand(page, round % 2 === 1 ? 'MemMap: Load Scenarios into the Test Explorer' : 'Testing: Focus on Test Explorer View');
    round++;
    await page.locator('.test-explorer .monaco-list').first().press('Home').catch(() => {});
    try {
      await row.waitFor({ state: 'visible', timeout: 10_000 });
      return true;
    } catch {
      return false;
    }
  }, { timeoutMs, intervalMs: 0, what: `"${label}" in the Test Explorer` });
  return row;
}

/** The editor tab with this label, if any. */
export function editorTab(page, label) {
  return page.locator('.tabs-container .tab', { hasText: label });
}

/** Opens "MemMap: Open Visualizer" unless its tab is already there; waits for the webview. */
export async function openVisualizer(page, webview) {
  if (await editorTab(page, 'MemMap Lab').count() === 0) {
    await runCommand(page, 'MemMap: Open Visualizer');
  }
  await editorTab(page, 'MemMap Lab').first().waitFor({ state: 'visible', timeout: 30_000 });
  await webview.locator('body').waitFor({ state: 'attached', timeout: 60_000 });
}

/** Text of an element inside the webview once it is non-empty and no longer the "…" placeholder. */
export async function webviewValue(webview, selector, timeoutMs = 60_000) {
  return waitFor(async () => {
    const t = (await webview.locator(selector).textContent({ timeout: 2_000 }))?.trim();
    return t && t !== '…' && t !== '...' ? t : null;
  }, { timeoutMs, what: `webview element ${selector} to show a value` });
}

export function osPageSize() {
  return Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim());
}

// --- the panel's controls ----------------------------------------------------

export const text = async (webview, sel) => ((await webview.locator(sel).first().textContent({ timeout: 5_000 })) ?? '').trim();
export const num = (s) => Number(String(s).replace(/[^\d.]/g, ''));

export async function setField(webview, id, value) {
  const input = webview.locator(`#${id} input`);
  await input.fill(value);
  await input.dispatchEvent('input');
}

export async function click(webview, id) {
  await webview.locator(`#${id}`).click();
}

export async function chooseOption(webview, id, value) {
  // vscode-dropdown: open it and click the option.
  await webview.locator(`#${id}`).click();
  await webview.locator(`#${id} vscode-option[value="${value}"]`).click();
}

export async function status(webview) {
  return text(webview, '#run-status');
}

export async function waitIdle(webview, timeoutMs = 120_000) {
  await waitFor(async () => /^(done|ended|idle)/.test(await status(webview)), { timeoutMs, what: 'the run to end' });
}

/** No run in progress: Stop is disabled (whatever the status line says, e.g. "not started: …"). */
async function stopDisabled(webview) {
  return (await webview.locator('#stop').getAttribute('disabled')) !== null;
}

/** Stops what runs, presses Reset, and waits until every section shows the cleared state. */
export async function reset(webview) {
  if (!(await stopDisabled(webview))) {
    await click(webview, 'stop');
    await waitIdle(webview);
  }
  await waitFor(() => stopDisabled(webview), { timeoutMs: 120_000, what: 'no run in progress' });
  await click(webview, 'reset');
  await waitFor(async () => (await status(webview)) === 'idle' && /no run yet/.test(await text(webview, '#counters')),
    { what: 'Reset to clear the status and the counters' });
}

/**
 * The webview still answers: a script runs in it and an animation frame (where the file map
 * draws) completes within `ms`. A webview stuck in a loop answers neither.
 */
export async function webviewAnswers(webview, ms = 15_000) {
  let timer;
  const answer = webview.locator('body').evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(document.readyState))));
  const deadline = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`the webview did not answer within ${ms} ms (frozen?)`)), ms); });
  try {
    return await Promise.race([answer, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The workbench itself still answers: the command palette opens and closes. */
export async function workbenchAnswers(page, ms = 15_000) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible', timeout: ms });
  // Escape closes the palette (a first one may go to an open notification centre instead).
  await waitFor(async () => {
    if (!(await input.isVisible())) return true;
    await input.focus().catch(() => {});
    await page.keyboard.press('Escape');
    return !(await input.isVisible());
  }, { timeoutMs: ms, intervalMs: 500, what: 'the command palette to close' });
}

// Screenshots go to test-results/; MEMMAP_UPDATE_SCREENSHOTS=1 writes the README's in docs/images/.
export function imagesDir(repo) {
  const dir = process.env.MEMMAP_UPDATE_SCREENSHOTS === '1' ? path.join(repo, 'docs', 'images') : path.join(repo, 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
