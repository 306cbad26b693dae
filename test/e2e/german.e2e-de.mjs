// Phase 3 (run.mjs): code-server with the display language German (startCodeServer({ locale: 'de' }):
// `--locale de` plus a language pack entry, see useLanguagePack() in scripts/codeServer.mjs).
// The command titles come from package.nls.de.json, the panel's labels from
// l10n/bundle.l10n.de.json, which VS Code picks by vscode.env.language; the panel's
// <html lang> is that language as the extension host sees it.
// The expected German texts are written here, not read from the bundles.
import assert from 'node:assert/strict';
import { editorTab, waitFor } from './helpers.mjs';

export const order = ['workbenchIsGerman', 'commandTitlesAreGerman', 'panelLabelsAreGerman'];

export async function workbenchIsGerman({ page }) {
  const language = await page.evaluate(() => globalThis._VSCODE_NLS_LANGUAGE);
  assert.equal(language, 'de', 'the workbench was served without German messages: the display language is still English');
}

/** The palette's rows for a query: each row's text is its label, then (for a translated command) the English alias. */
async function paletteRows(page, query, minRows = 1) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  // Right after the workbench loads the extension's commands may not be registered yet, and an
  // open palette does not list them when they arrive: reopen it until they are there.
  return waitFor(async () => {
    if (await input.isVisible()) await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${query}`);
    await page.waitForTimeout(500);
    const rows = (await page.locator('.quick-input-list .monaco-list-row').allTextContents()).map((l) => l.trim());
    return rows.length >= minRows && !rows.some((r) => r.startsWith('No matching commands')) ? rows : null;
  }, { timeoutMs: 60_000, intervalMs: 1_000, what: `the palette to list the ${query} commands` });
}

export async function commandTitlesAreGerman({ page }) {
  // The palette shows only the rows that fit (about nine), so each title is looked up by itself.
  for (const title of ['MemMap: Visualisierung öffnen', 'MemMap: Szenario ausführen...', 'MemMap: Alle Szenarien ausführen',
    'MemMap: Beenden', 'MemMap: Schritt', 'MemMap: Ergebnisse exportieren', 'MemMap: Szenarien in den Test-Explorer laden',
    'MemMap: Hilfe öffnen', 'MemMap: Aufzeichnung vergleichen mit…']) {
    const rows = await paletteRows(page, title);
    assert.ok(rows.some((r) => r.startsWith(title)), `"${title}" is not in the palette: ${JSON.stringify(rows)}`);
  }
  // The English title is only the alias after the German one, never the label.
  const rows = await paletteRows(page, 'MemMap: Open Visualizer');
  await page.keyboard.press('Escape');
  assert.ok(rows.some((r) => r.startsWith('MemMap: Visualisierung öffnen')), JSON.stringify(rows));
  assert.ok(!rows.some((r) => r.startsWith('MemMap: Open Visualizer')), `an English title is shown: ${JSON.stringify(rows)}`);
}

export async function panelLabelsAreGerman({ page, webview }) {
  const rows = await paletteRows(page, 'MemMap: Visualisierung');
  assert.ok(rows[0]?.startsWith('MemMap: Visualisierung öffnen'), JSON.stringify(rows));
  await page.keyboard.press('Enter');
  await editorTab(page, 'MemMap Lab').first().waitFor({ state: 'visible', timeout: 30_000 });
  await webview.locator('#run').waitFor({ state: 'attached', timeout: 60_000 });
  // The extension host's vscode.env.language, as the panel's HTML got it.
  assert.equal(await webview.locator('html').getAttribute('lang'), 'de');
  const headings = (await webview.locator('h2').allTextContents()).map((h) => h.trim());
  assert.deepEqual(headings.slice(0, 5), ['Parameter', 'Zähler', 'Dateikarte', 'Live-Diagramme', 'Verlauf und Vergleich']);
  // The tooltips and accessible names are translated too.
  assert.equal(await webview.locator('#help').getAttribute('aria-label'), 'Hilfe: README-Abschnitt über das Panel öffnen');
  assert.equal(await webview.locator('#event-log').getAttribute('aria-label'), 'Ereignisprotokoll: die letzten 200 Ereignisse des Heaps');
  const button = async (id) => ((await webview.locator(`#${id}`).textContent()) ?? '').trim();
  assert.equal(await button('run'), 'Ausführen');
  assert.equal(await button('pause'), 'Anhalten');
  assert.equal(await button('step-remap'), 'Schritt bis zum nächsten Neu-Einblenden');
  assert.equal(await button('stop'), 'Beenden');
  assert.equal(((await webview.locator('#run-status').textContent()) ?? '').trim(), 'bereit');
  assert.equal(((await webview.locator('#history p').first().textContent()) ?? '').trim(), 'Abgeschlossene Läufe erscheinen hier.');
}
