// `npm start`: build MemMap Lab and open it in VS Code with the extension under development.
//
//  - `code` on PATH  -> code --extensionDevelopmentPath=<repo> <workspace>
//  - otherwise       -> code-server (installed into ~/.cache/memmap-lab on first use, see
//                       scripts/codeServer.mjs) on 127.0.0.1, printing the URL to open; runs
//                       until Ctrl+C.
// Options: --code-server (use code-server even when `code` exists), --port N (or MEMMAP_LAB_PORT),
//          --no-build, [workspace folder] (default test/fixtures/workspace).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWorkbenchUrl, ensureCodeServer, startCodeServer } from './codeServer.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const opts = { codeServer: process.env.MEMMAP_START_HOST === 'code-server', port: Number(process.env.MEMMAP_LAB_PORT) || undefined, build: true, workspace: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--code-server') opts.codeServer = true;
    else if (a === '--port') opts.port = Number(argv[++i]);
    else if (a.startsWith('--port=')) opts.port = Number(a.slice(7));
    else if (a === '--no-build') opts.build = false;
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm start [-- [--code-server] [--port N] [--no-build] [workspace]]');
      process.exit(0);
    } else opts.workspace = path.resolve(a);
  }
  if (!opts.workspace) {
    const fixture = path.join(repo, 'test', 'fixtures', 'workspace');
    opts.workspace = fs.existsSync(fixture) ? fixture : repo;
  }
  return opts;
}

function run(cmd, args) {
  console.log(`start: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: repo, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`start: \`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.build) {
    if (fs.existsSync(path.join(repo, 'scripts', 'ensure-deps.mjs'))) run(process.execPath, ['scripts/ensure-deps.mjs']);
    run('npm', ['run', 'build']);
  }

  if (!opts.codeServer && onPath('code')) {
    const args = [`--extensionDevelopmentPath=${repo}`, opts.workspace];
    console.log(`start: code ${args.join(' ')}`);
    const child = spawn('code', args, { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }

  console.log('start: `code` is not on PATH; using code-server (VS Code in the browser)');
  await ensureCodeServer();
  const server = await startCodeServer({ workspace: opts.workspace, port: opts.port });
  const url = buildWorkbenchUrl({ port: server.port, workspace: opts.workspace, extensionPath: repo });
  let stopping = false;
  const stop = async (why) => {
    if (stopping) return;
    stopping = true;
    console.log(`\nstart: ${why}; stopping code-server`);
    await server.stop();
    process.exit(0);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stop(sig));
  console.log(`
MemMap Lab is running in code-server: open ${url} in a browser

  (code-server log: ${server.logFile}; press Ctrl+C to stop)
`);
  // Leave when code-server goes away on its own.
  const timer = setInterval(() => {
    try { process.kill(server.pid, 0); } catch {
      clearInterval(timer);
      console.error(`start: code-server exited unexpectedly\n${server.logTail()}`);
      server.stop().finally(() => process.exit(1));
    }
  }, 2000);
}

main().catch((e) => { console.error(`start: ${e.message || e}`); process.exit(1); });
