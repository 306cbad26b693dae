// Integration tests (`npm run test:integration`, part of `npm test`).
//
// Host, chosen automatically and printed:
//  (a) VS Code desktop, when VSCODE_EXECUTABLE points at an executable: @vscode/test-electron
//      runs the extension-host suite (phase 1). Phase 2 needs the browser host and is skipped.
//      (Nothing is downloaded: this project's machines cannot reach the VS Code download server.)
//  (b) otherwise code-server (VS Code in the browser, installed into ~/.cache/memmap-lab by
//      scripts/codeServer.mjs) and Debian's Chromium driven by playwright-core:
//      phase 1 "extension host suite": test/integration/suite/*.ts (TypeScript, typed against the
//               extension's MemMapTestApi), bundled by esbuild into out/integration/suite/, run
//               by its index.js through the smoke-test driver (payload extensionTestsPath), its
//               output via codeAutomationLog;
//      phase 2 "UI e2e": test/e2e/*.e2e.mjs, each exported async function a test.
// Last line: `integration: N passed, M failed`; exit code 1 on any failure.
//
// Environment: VSCODE_EXECUTABLE, CHROMIUM_PATH (default /usr/bin/chromium), MEMMAP_LAB_CACHE,
// MEMMAP_IT_TIMEOUT_MIN (global, default 25), MEMMAP_IT_SUITE_TIMEOUT_MIN (phase 1, default 10),
// MEMMAP_IT_EXTENSION_PATH, MEMMAP_E2E_GREP (run only e2e tests whose name contains it), MEMMAP_IT_HEADED=1 (show the browser),
// MEMMAP_IT_PHASES (subset of suite,untrusted,e2e), MEMMAP_IT_SUITE_GREP (a regular expression: only extension-host tests whose full title matches it).
// Phase 1b "untrusted workspace": code-server again with workspace trust on; the suite's index then runs suite/untrusted/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CODE_SERVER_VERSION, buildWorkbenchUrl, ensureCodeServer, killDescendants, startCodeServer,
} from '../../scripts/codeServer.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
// MEMMAP_IT_EXTENSION_PATH: test another extension folder (e.g. a stand-in while developing the harness).
const extensionPath = path.resolve(process.env.MEMMAP_IT_EXTENSION_PATH || repo);
const workspace = path.join(repo, 'test', 'fixtures', 'workspace');
const suiteSource = path.join(here, 'suite');
// The suite compiled: each *.test.ts and index.ts bundled on its own (vscode and mocha stay external).
const suiteOut = path.join(repo, 'out', 'integration', 'suite');
const testsPath = path.join(suiteOut, 'index.js');
const e2eDir = path.join(repo, 'test', 'e2e');
const resultsDir = path.join(repo, 'test-results');
const minutes = (name, dflt) => Number(process.env[name] || dflt) * 60_000;
const GLOBAL_TIMEOUT = minutes('MEMMAP_IT_TIMEOUT_MIN', 25);
const SUITE_TIMEOUT = minutes('MEMMAP_IT_SUITE_TIMEOUT_MIN', 10);
const E2E_TEST_TIMEOUT = 3 * 60_000;
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage',
];

// Harmless messages of an offline code-server (marketplace, GitHub auth).
const NOISE = [/ENOTFOUND/, /open-vsx\.org/, /github/i, /AccountPolicyGate/, /Long running operations during shutdown/];

// MEMMAP_IT_PHASES: a comma-separated subset of suite, untrusted, e2e, german (default: all four).
const PHASES = (process.env.MEMMAP_IT_PHASES || 'suite,untrusted,e2e,german').split(',').map((p) => p.trim());
const wantPhase = (p) => PHASES.includes(p);

const t0 = Date.now();
const results = []; // { name, ok, error? }
const timings = [];
const cleanups = []; // async () => void, run in reverse order
let finished = false;

const say = (...a) => console.log(...a);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

function record(name, ok, error) {
  results.push({ name, ok, error });
  say(`  ${ok ? 'PASS' : 'FAIL'} ${name}${ok ? '' : `\n       ${String(error?.stack || error?.message || error).split('\n').join('\n       ')}`}`);
}

async function timed(label, fn) {
  const start = Date.now();
  try { return await fn(); } finally { timings.push(`${label} ${secs(Date.now() - start)}`); }
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${secs(ms)}`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

async function cleanup() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try { await withTimeout(Promise.resolve().then(fn), 20_000, 'cleanup step'); } catch (e) { say(`cleanup: ${e.message}`); }
  }
}

async function finish(extraFailure) {
  if (finished) return;
  finished = true;
  if (extraFailure) record(extraFailure.name, false, extraFailure.error);
  await cleanup();
  // Safety net: nothing this run started may outlive it (e.g. VS Code after a timeout).
  const leftovers = await killDescendants().catch(() => []);
  if (leftovers.length) say(`integration: ended ${leftovers.length} leftover process(es): ${leftovers.join(' ')}`);
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  say(`\nintegration timings: ${[...timings, `total ${secs(Date.now() - t0)}`].join(', ')}`);
  for (const r of results.filter((x) => !x.ok)) say(`  failed: ${r.name}`);
  const ok = failed === 0 && passed > 0;
  if (passed === 0 && failed === 0) say('no integration test ran');
  say(`integration: ${passed} passed, ${ok ? failed : Math.max(failed, 1)} failed`);
  process.exit(ok ? 0 : 1);
}

// Global timeout and signals: always end code-server, Chromium and VS Code.
const globalTimer = setTimeout(() => {
  say(`\nintegration: global timeout of ${secs(GLOBAL_TIMEOUT)} reached; stopping everything`);
  finish({ name: 'global timeout', error: new Error(`integration tests did not finish within ${secs(GLOBAL_TIMEOUT)}`) });
}, GLOBAL_TIMEOUT);
globalTimer.unref();
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    say(`\nintegration: ${sig} received; stopping everything`);
    finish({ name: `interrupted by ${sig}`, error: new Error(sig) });
  });
}

function ensureBuilt() {
  if (extensionPath !== repo) { say(`integration: extension under test: ${extensionPath}`); return; }
  if (fs.existsSync(path.join(repo, 'dist', 'extension.js'))) return;
  say('integration: dist/extension.js missing; running `npm run build`');
  const r = spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status ?? r.signal})`);
}

/** Bundles test/integration/suite/**.ts (index.ts and every *.test.ts) into out/integration/suite. */
async function buildSuite() {
  const esbuild = await import('esbuild');
  fs.rmSync(suiteOut, { recursive: true, force: true });
  const entryPoints = fs.readdirSync(suiteSource, { recursive: true }).map(String)
    .filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => path.join(suiteSource, f));
  await esbuild.build({
    entryPoints, outdir: suiteOut, outbase: suiteSource, bundle: true, platform: 'node', format: 'cjs',
    target: 'node20', sourcemap: 'inline', external: ['vscode', 'mocha'], logLevel: 'warning',
  });
  say(`integration: bundled ${entryPoints.length} suite file(s) into ${path.relative(repo, suiteOut)}`);
}

function isExecutable(p) {
  try { fs.accessSync(p, fs.constants.X_OK); return fs.statSync(p).isFile(); } catch { return false; }
}

// Counts of the extension-host suite from its `memmap-suite-result {...}` line (suite/index.ts).
function recordSuite(result, exitCode, error, label = 'extension host suite') {
  if (result) {
    const tests = Array.isArray(result.tests) ? result.tests : [];
    for (const t of tests) results.push({ name: `${label}: ${t.title}`, ok: !!t.ok });
    // Failures outside tests (hooks) are counted by mocha but have no test entry.
    const listedFailed = tests.filter((t) => !t.ok).length;
    for (let i = tests.filter((t) => t.ok).length; i < result.passed; i++) results.push({ name: `${label} test ${i + 1}`, ok: true });
    for (let i = listedFailed; i < result.failed; i++) results.push({ name: `${label}: failure ${i + 1} (see log above)`, ok: false });
    say(`  ${label}: ${result.passed} passed, ${result.failed} failed, ${result.pending} pending (exit code ${exitCode})`);
    if (exitCode !== 0 && result.failed === 0) record(`${label} exit code`, false, error || new Error(`exit code ${exitCode}`));
  } else {
    record(label, exitCode === 0, error || new Error(`exit code ${exitCode}; no result line from the suite`));
  }
}

// ---------------------------------------------------------------------------------------------
// (a) VS Code desktop through @vscode/test-electron

async function runDesktop(executable) {
  say(`integration: host = VS Code desktop via @vscode/test-electron (VSCODE_EXECUTABLE=${executable})`);
  say('integration: phase 1b (untrusted workspace) and phase 2 (UI e2e) run only in the code-server host; skipped');
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    say('integration: note: no DISPLAY; VS Code desktop needs one on Linux (e.g. run under xvfb-run -a)');
  }
  const { runTests } = await import('@vscode/test-electron');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'memmap-vscode-'));
  cleanups.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const resultFile = path.join(tmp, 'suite-result.json');
  say('\n== phase 1: extension host suite ==');
  let code; let error;
  await timed('phase 1', async () => {
    try {
      code = await withTimeout(runTests({
        vscodeExecutablePath: executable,
        extensionDevelopmentPath: extensionPath,
        extensionTestsPath: testsPath,
        extensionTestsEnv: { MEMMAP_SUITE_RESULT: resultFile },
        launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome',
          '--skip-release-notes', `--user-data-dir=${path.join(tmp, 'user-data')}`, `--extensions-dir=${path.join(tmp, 'extensions')}`],
      }), SUITE_TIMEOUT, 'extension host suite');
    } catch (e) {
      error = e;
      code = 1;
    }
  });
  let result = null;
  try { result = JSON.parse(fs.readFileSync(resultFile, 'utf8')); } catch { /* no file */ }
  recordSuite(result, code, error);
}

// ---------------------------------------------------------------------------------------------
// (b) code-server + Chromium + playwright-core

async function launchBrowser() {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!isExecutable(executablePath)) throw new Error(`Chromium not found at ${executablePath} (Debian: apt-get install chromium; or set CHROMIUM_PATH)`);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath,
    headless: process.env.MEMMAP_IT_HEADED !== '1',
    args: CHROMIUM_ARGS,
    // run.mjs handles signals itself so that code-server is stopped too.
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    timeout: 60_000,
  });
  cleanups.push(() => browser.close());
  return { browser, executablePath, version: browser.version() };
}

async function newServer(label, options = {}) {
  const server = await startCodeServer({ workspace, ...options });
  cleanups.push(() => server.stop());
  say(`  ${label}: code-server on ${server.url} (pid ${server.pid})`);
  return server;
}

function logBrowserConsole(page, file) {
  const out = fs.createWriteStream(file);
  page.on('console', (m) => out.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => out.write(`[pageerror] ${e.stack || e.message}\n`));
  cleanups.push(() => new Promise((r) => out.end(r)));
}

// The user setting the untrusted launch adds; the workspace's .vscode/settings.json says 0.01.
const UNTRUSTED_USER_SETTINGS = { 'memmap.seedTests.itemScale': 0.02 };

async function phaseSuite(browser, { untrusted = false } = {}) {
  const phase = untrusted ? 'phase 1b' : 'phase 1';
  const label = untrusted ? 'extension host suite (untrusted workspace)' : 'extension host suite';
  say(`\n== ${phase}: ${label} ==`);
  const server = await newServer(phase, untrusted ? { workspaceTrust: true, userSettings: UNTRUSTED_USER_SETTINGS } : {});
  const url = buildWorkbenchUrl({ port: server.port, workspace, extensionPath, testsPath });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  cleanups.push(() => context.close());
  const page = await context.newPage();
  const prefix = untrusted ? 'phase1b-untrusted' : 'phase1';
  logBrowserConsole(page, path.join(resultsDir, `${prefix}-browser-console.log`));
  const logFile = fs.createWriteStream(path.join(resultsDir, `${prefix}-extension-host.log`));
  cleanups.push(() => new Promise((r) => logFile.end(r)));
  let result = null;
  let resolveExit;
  const exited = new Promise((r) => { resolveExit = r; });
  await page.exposeFunction('codeAutomationLog', (type, message) => {
    // VS Code passes the log level and the console arguments (an array).
    const parts = Array.isArray(message) ? message : [message];
    const text = parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
    logFile.write(`[${type}] ${text}\n`);
    const lines = text.split('\n');
    for (const line of lines) {
      const m = /^memmap-suite-result (\{.*\})\s*$/.exec(line);
      if (m) { try { result = JSON.parse(m[1]); } catch { /* ignore */ } }
    }
    // Known offline noise: only its first line (the full text is in the log file).
    const noisy = NOISE.some((re) => re.test(text));
    for (const line of noisy ? [`${lines[0].slice(0, 160)} (offline noise)`] : lines) say(`  | ${line}`);
  });
  await page.exposeFunction('codeAutomationExit', (code) => { resolveExit(Number(code)); });
  say(`  opening ${url}`);
  let code; let error;
  try {
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    code = await withTimeout(exited, SUITE_TIMEOUT, 'extension host suite (waiting for codeAutomationExit)');
  } catch (e) {
    error = e;
    code = 1;
    await page.screenshot({ path: path.join(resultsDir, `${prefix}-failure.png`) }).catch(() => {});
  }
  say(`  extension host exited with code ${code}`);
  recordSuite(result, code, error, label);
  // The untrusted launch must have run the untrusted tests (suite/index.ts picks them when
  // vscode.workspace.isTrusted is false): a trusted workspace here would test nothing.
  if (untrusted && result && !process.env.MEMMAP_IT_SUITE_GREP) {
    const titles = (result.tests || []).map((t) => t.title);
    const ok = titles.length > 0 && titles.every((t) => t.startsWith('Untrusted workspace'));
    record(`${label}: ran the untrusted-workspace tests`, ok,
      ok ? undefined : new Error(`expected only "Untrusted workspace" tests, got ${titles.length ? titles.join('; ') : 'none'}`));
  }
  await context.close().catch(() => {});
  await server.stop();
}

async function loadE2eTests(suffix = '.e2e.mjs') {
  const files = fs.readdirSync(e2eDir).filter((f) => f.endsWith(suffix)).sort();
  const tests = [];
  for (const f of files) {
    const mod = await import(pathToFileURL(path.join(e2eDir, f)).href);
    const names = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    const ordered = Array.isArray(mod.order)
      ? [...mod.order.filter((n) => names.includes(n)), ...names.filter((n) => !mod.order.includes(n)).sort()]
      : names.sort();
    for (const n of ordered) tests.push({ name: `e2e ${f.slice(0, -suffix.length)}: ${n}`, fn: mod[n] });
  }
  const grep = process.env.MEMMAP_E2E_GREP;
  return grep ? tests.filter((t) => t.name.includes(grep)) : tests;
}

// Phase 2 (`*.e2e.mjs`, English) and phase 3 (`*.e2e-de.mjs`: code-server with the display language German).
async function phaseE2e(browser, { german = false } = {}) {
  const phase = german ? 'phase 3' : 'phase 2';
  say(german ? '\n== phase 3: UI e2e in German (display language de) ==' : '\n== phase 2: UI e2e ==');
  const tests = await loadE2eTests(german ? '.e2e-de.mjs' : '.e2e.mjs');
  if (!tests.length) { say('  no e2e tests'); return; }
  const server = await newServer(phase, german ? { locale: 'de' } : {});
  const workbenchUrl = buildWorkbenchUrl({ port: server.port, workspace, extensionPath });
  // The code-server's user settings (the high-contrast tests set workbench.colorTheme there).
  const userSettingsFile = path.join(server.tmpDir, 'user-data', 'User', 'settings.json');
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  cleanups.push(() => context.close());
  const page = await context.newPage();
  logBrowserConsole(page, path.join(resultsDir, `${german ? 'phase3' : 'phase2'}-browser-console.log`));
  const { waitForWorkbench } = await import('../e2e/helpers.mjs');
  say(`  opening ${workbenchUrl}`);
  try {
    await page.goto(workbenchUrl, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await waitForWorkbench(page);
  } catch (e) {
    await page.screenshot({ path: path.join(resultsDir, `${german ? 'phase3' : 'phase2'}-workbench-failure.png`) }).catch(() => {});
    for (const t of tests) record(t.name, false, new Error(`workbench did not load: ${e.message}`));
    return;
  }
  const webview = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
  for (const t of tests) {
    const start = Date.now();
    try {
      await withTimeout(Promise.resolve().then(() => t.fn({ page, webview, workbenchUrl, resultsDir, repo, workspace, userSettingsFile })), E2E_TEST_TIMEOUT, t.name);
      record(`${t.name} (${secs(Date.now() - start)})`, true);
    } catch (e) {
      const shot = path.join(resultsDir, `${t.name.replace(/[^\w.-]+/g, '_')}-failure.png`);
      await page.screenshot({ path: shot }).catch(() => {});
      record(`${t.name} (${secs(Date.now() - start)}; screenshot ${path.relative(repo, shot)})`, false, e);
    }
  }
  await context.close().catch(() => {});
  await server.stop();
}

async function runCodeServer() {
  const { browser, executablePath, version } = await timed('browser launch', launchBrowser);
  say(`integration: host = code-server ${CODE_SERVER_VERSION} (Node 24) + Chromium ${version} (${executablePath}, ${process.env.MEMMAP_IT_HEADED === '1' ? 'headed' : 'headless'}) via playwright-core`);
  const skipped = ['suite', 'untrusted', 'e2e', 'german'].filter((p) => !wantPhase(p));
  if (skipped.length) say(`integration: MEMMAP_IT_PHASES=${process.env.MEMMAP_IT_PHASES}: phase(s) ${skipped.join(', ')} NOT run`);
  if (wantPhase('suite')) await timed('phase 1', () => phaseSuite(browser));
  if (wantPhase('untrusted')) await timed('phase 1b', () => phaseSuite(browser, { untrusted: true }));
  if (wantPhase('e2e')) await timed('phase 2', () => phaseE2e(browser));
  if (wantPhase('german')) await timed('phase 3', () => phaseE2e(browser, { german: true }));
}

// Recordings of real runs for the recording editor's tests (issue 17), written into the test
// workspace (recordings/, git-ignored) by test/fixtures/writeRecordingFixtures.ts.
async function writeRecordingFixtures() {
  const esbuild = await import('esbuild');
  const out = path.join(repo, 'out', 'fixtures', 'writeRecordingFixtures.js');
  await esbuild.build({
    entryPoints: [path.join(repo, 'test', 'fixtures', 'writeRecordingFixtures.ts')], outfile: out, bundle: true,
    platform: 'node', format: 'cjs', target: 'node18', external: ['koffi'], logLevel: 'warning',
  });
  const dir = path.join(workspace, 'recordings');
  fs.rmSync(dir, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [out, dir], { cwd: repo, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`writing the recording fixtures failed (exit ${r.status ?? r.signal})`);
}

async function main() {
  fs.mkdirSync(resultsDir, { recursive: true });
  ensureBuilt();
  if (extensionPath === repo) await timed('recording fixtures', writeRecordingFixtures);
  if (wantPhase('suite') || wantPhase('untrusted')) await timed('suite bundle', buildSuite);
  const exe = process.env.VSCODE_EXECUTABLE;
  if (exe && isExecutable(exe)) return runDesktop(exe);
  if (exe) say(`integration: VSCODE_EXECUTABLE=${exe} is not an executable file; using code-server instead`);
  say('integration: no VS Code executable (set VSCODE_EXECUTABLE to use VS Code desktop); using code-server + Chromium');
  await timed('code-server install check', ensureCodeServer);
  return runCodeServer();
}

main().then(() => finish(), (e) => finish({ name: 'integration run', error: e }));
