// The packaged extension, as a user gets it: the VSIX built by `npm run
// package` is installed into a fresh code-server; in the Testing view the ten
// seed tests and a workspace scenario appear, and "Test: Run All Tests" turns
// them all green. Prints `vsix: N passed, M failed`.
//   node test/integration/vsix.mjs [--vsix FILE] [--scale 0.01]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer, paths, startCodeServer } from '../../scripts/codeServer.mjs';
import { runCommand, sleep, waitFor, waitForWorkbench } from '../e2e/helpers.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const vsix = path.resolve(arg('vsix', path.join(repo, `memmap-lab-${process.platform}-${process.arch}.vsix`)));
const scale = Number(arg('scale', '0.01'));
const SEED_TESTS = ['PerfGrowNoMemMap', 'PerfMemMapGrowWithPageFile', 'PerfMemMapGrowWithDiskFile', 'PerfMemMapGrowWithDiskFile64',
  'MemMapWithDeletionPageFile', 'MemMapWithDeletionDiskFile', 'MemMapWithDiskFile64', 'MemMapRandWithDiskFile64', 'MemRand', 'MemRandDiskFile'];

const checks = [];
const check = (name, ok, detail = '') => {
  checks.push({ name, ok });
  console.log(`  ${ok ? 'PASS' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
};

if (!fs.existsSync(vsix)) {
  console.error(`vsix: ${vsix} not found: run npm run package first`);
  console.log('vsix: 0 passed, 1 failed');
  process.exit(1);
}
await ensureCodeServer();
const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'memmap-vsix-ws-'));
fs.copyFileSync(path.join(repo, 'test', 'fixtures', 'workspace', 'example.memmap.json'), path.join(ws, 'example.memmap.json'));
fs.mkdirSync(path.join(ws, '.vscode'));
fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'memmap.seedTests.itemScale': scale }));
const server = await startCodeServer({ workspace: ws });
let browser;
try {
  const p = paths();
  const r = spawnSync(p.nodeBin, [p.csEntry, '--extensions-dir', path.join(server.tmpDir, 'extensions'),
    '--user-data-dir', path.join(server.tmpDir, 'user-data'), '--install-extension', vsix], { encoding: 'utf8' });
  check('the VSIX installs into code-server', r.status === 0 && /successfully installed/.test(r.stdout + r.stderr), path.basename(vsix));
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  await page.goto(`${server.url}?folder=${encodeURIComponent(ws)}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await waitForWorkbench(page);
  await runCommand(page, 'Testing: Focus on Test Explorer View');
  const rows = page.locator('.test-explorer .monaco-list-row');
  const labels = () => rows.allTextContents();
  const has = (all, name) => all.some((t) => t.startsWith(name));
  await waitFor(async () => has(await labels(), 'Seed scenarios'), { timeoutMs: 90_000, what: 'Seed scenarios in the Testing view' });
  // Expand every group to see the tests.
  for (let round = 0; round < 3; round++) {
    const collapsed = page.locator('.test-explorer .monaco-list-row[aria-expanded="false"]');
    for (let n = await collapsed.count(); n > 0; n--) {
      await collapsed.first().click();
      await page.keyboard.press('ArrowRight');
      await sleep(200);
    }
  }
  const names = await labels();
  // A row's text is the test's name followed by its description (scenario · mode · ...).
  const missing = SEED_TESTS.filter((t) => !names.some((n) => new RegExp(`^${t}(baseline|grow|deletions|random) · `).test(n.trim())));
  check('the Testing view lists the ten seed tests under "Seed scenarios"', missing.length === 0, missing.length ? `missing ${missing.join(', ')}` : '');
  check('it lists the scenario of example.memmap.json', has(names, 'example.memmap.json') && has(names, 'MyDiskGrow'));
  console.log(`    tree: ${names.map((n) => n.replace(/\s+/g, ' ').trim()).join(' | ')}`);
  const started = Date.now();
  await runCommand(page, 'Test: Run All Tests');
  await sleep(1500);
  const states = await waitFor(async () => {
    const all = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    return all.length && all.every((l) => !/Queued|Running/i.test(l)) && all.some((l) => /Passed|Failed/i.test(l)) ? all : null;
  }, { timeoutMs: 10 * 60_000, intervalMs: 1000, what: 'Run All Tests to finish' });
  const summary = (await page.locator('.test-explorer .result-summary, .testing-view-summary, .test-explorer-filter').allTextContents().catch(() => [])).join(' ');
  const notPassed = states.filter((l) => !/Passed/i.test(l));
  check(`"Run All Tests" turns every test green (${((Date.now() - started) / 1000).toFixed(1)} s)`, notPassed.length === 0,
    notPassed.length ? notPassed.join('; ') : `${states.length} rows passed ${summary}`.trim());
  await page.screenshot({ path: path.join(repo, 'test-results', 'vsix-testing-view.png') }).catch(() => {});
} catch (err) {
  check('the packaged extension works in code-server', false, err instanceof Error ? err.message.split('\n')[0] : String(err));
} finally {
  await browser?.close().catch(() => {});
  await server.stop();
  fs.rmSync(ws, { recursive: true, force: true });
}
const failed = checks.filter((c) => !c.ok).length;
console.log(`vsix: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
