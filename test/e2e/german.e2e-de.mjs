// Phase 3 (run.mjs): code-server with the display language German (startCodeServer({ locale: 'de' }):
// `--locale de` plus a language pack entry, see useLanguagePack() in scripts/codeServer.mjs).
// The command titles come from package.nls.de.json, the panel's labels from
// l10n/bundle.l10n.de.json, which VS Code picks by vscode.env.language; the panel's
// <html lang> is that language as the extension host sees it.
// The words of common/ (counters, tooltips, the parameter checks) reach the panel
// through the same bundle: @vscode/l10n in the webview, read when shown.
// The expected German texts are written here, not read from the bundles.
import assert from 'node:assert/strict';
import { editorTab, setField, text, waitFor } from './helpers.mjs';

export const order = ['workbenchIsGerman', 'commandTitlesAreGerman', 'panelLabelsAreGerman', 'tooltipsChecksAndCountersAreGerman', 'eventsPhasesAndLayoutInGerman'];

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

export async function tooltipsChecksAndCountersAreGerman({ webview }) {
  // The parameters' tooltips (common/parameters.ts): a text field's own title, a dropdown's on its box.
  assert.equal(await webview.locator('#items').getAttribute('title'),
    'Wie viele Elemente (Zeichenketten aus i % 2000 Zeichen) der Lauf speichert. Anzahlen wie 3K, 1M, 100,000 sind erlaubt.');
  const growth = (await webview.locator('div.field:has(#growth)').getAttribute('title')) ?? '';
  assert.ok(growth.startsWith('Wie die Zuordnung wächst, wenn sie voll ist.\n'), growth);
  assert.ok(growth.includes('\nremap: den Speicher an Ort und Stelle verlängern und die Zuordnung neu anlegen; nichts wird kopiert.'), growth);
  // A panel key's tooltip (common/panelActions.ts).
  assert.equal(await webview.locator('#step-remap').getAttribute('title'),
    'Läuft bis direkt nach dem nächsten Einblenden einer Ansicht (die gleitende Ansicht bewegt sich) und hält an. (Ctrl+F10)');
  // The counters' placeholder row explains itself (common/counters.ts FIGURE_HELP).
  assert.equal(await webview.locator('tr:has(td.c-counters)').getAttribute('title'), 'Hier erscheinen die Zähler des laufenden oder des letzten Laufs.');
  // A parameter check's message under its field (validateParameters with the panel's field labels).
  await setField(webview, 'items', '0');
  await waitFor(async () => (await text(webview, '#err-items')) || null, { what: 'the message under Items' });
  assert.equal(await text(webview, '#err-items'),
    'Elemente "0" ist nicht erlaubt; erlaubt: eine ganze Zahl von 1 bis 1,000,000,000 (Kommas sowie K, M, G für Tausend, Millionen, Milliarden möglich: 100,000, 1M oder 1.5M; ein Dezimalpunkt nur vor K, M oder G)');
  // A short run: the seed's counters' rows, their names and tooltips (common/counters.ts).
  await setField(webview, 'items', '3000');
  await waitFor(async () => (await text(webview, '#err-items')) === '' || null, { what: 'the message under Items to go' });
  await webview.locator('#run').click();
  await waitFor(async () => /^fertig: /.test(await text(webview, '#run-status')) || null, { timeoutMs: 120_000, what: 'the run to end ("fertig: …")' });
  const row = webview.locator('tr:has(td.c-allocs)');
  assert.equal(((await row.locator('th').textContent()) ?? '').trim(), 'Allokationen');
  assert.equal(await row.getAttribute('title'), 'Alloc-Anforderungen (nAllocs der Vorlage). Einer der eigenen Zähler der Vorlage (ausgegeben von ihrem GetStats()).');
  const mapViews = webview.locator('tr:has(td.c-map-views)');
  assert.equal(((await mapViews.locator('th').textContent()) ?? '').trim(), 'eingeblendete Ansichten');
  // The history's columns take the counters' names too.
  const headers = (await webview.locator('#history th').allTextContents()).map((h) => h.trim());
  assert.ok(headers.includes('Allokationen'), JSON.stringify(headers));
}

/** After the German run above: the event log's and phase's words, and a layout where nothing overlaps or scrolls sideways. */
export async function eventsPhasesAndLayoutInGerman({ webview }) {
  // The event log in German: "#12 Ansicht einblenden 128.0 KiB bei 375.6 MiB (0x…)", never "map view … at …".
  const events = (await webview.locator('#event-log li').allTextContents()).map((t) => t.trim());
  assert.ok(events.length > 0, 'events in the log');
  for (const e of events) {
    assert.match(e, /^#\d+ (Zuweisung|Freigabe|Ansicht einblenden|Ansicht ausblenden|Wachstum|neue Dateizuordnung) /, e);
    assert.doesNotMatch(e, / at |map view|alloc /, e);
  }
  // The phase after the items: "3,000 / 3,000 (fertig)", not "(done)".
  assert.match(await text(webview, 'td.c-items'), /^3,000 \/ 3,000 \(fertig\)$/);
  // Layout (the tester's screenshots: the latency table over the file map, the history's Delete cut off).
  const box = async (selector) => webview.locator(selector).first().evaluate((e) => {
    const r = e.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  });
  const latency = await box('#latency');
  const right = await box('.live-right');
  const left = await box('.live-left');
  assert.ok(latency.right <= right.left + 0.5, `the latency table (right edge ${latency.right}) stays left of the file map (${right.left})`);
  assert.ok(latency.right <= left.right + 0.5, `the latency table (right edge ${latency.right}) stays in its column (${left.right})`);
  // ... with every column in view (max was scrolled out of the narrow column before): long German names wrap instead.
  const fit = await webview.locator('#latency').evaluate((t) => ({ scroll: t.scrollWidth, client: t.clientWidth }));
  assert.ok(fit.scroll <= fit.client + 1, `the latency table shows all its columns (${fit.scroll} px wide in ${fit.client})`);
  const page = await webview.locator('html').evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
  assert.ok(page.scroll <= page.client, `the panel does not scroll sideways (${page.scroll} > ${page.client})`);
  const deletes = await webview.locator('#history-table button').evaluateAll((bs) => bs.map((b) => b.getBoundingClientRect().right));
  assert.ok(deletes.length > 0, 'the history has its buttons');
  for (const r of deletes) assert.ok(r <= page.client, `a history button ends at ${r}, inside the panel (${page.client})`);
}
