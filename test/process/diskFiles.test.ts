import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeStaleFiles, resolveDiskDir } from '../../runner/diskFiles';

test('the disk directory is resolved to an absolute path and checked', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-diskdir-'));
  try {
    assert.deepEqual(resolveDiskDir(undefined), { ok: true, value: path.resolve(os.tmpdir()) });
    assert.deepEqual(resolveDiskDir(''), { ok: true, value: path.resolve(os.tmpdir()) });
    const rel = path.relative(process.cwd(), dir);
    assert.deepEqual(resolveDiskDir(rel), { ok: true, value: dir }, 'a relative path becomes absolute');
    assert.deepEqual(resolveDiskDir(`${dir}/./sub/..`), { ok: true, value: dir }, 'normalised');
    const missing = resolveDiskDir(path.join(dir, 'nope'));
    assert.ok(!missing.ok && /does not exist; allowed: an existing, writable directory/.test(missing.reason));
    const file = path.join(dir, 'f');
    writeFileSync(file, '');
    const notDir = resolveDiskDir(file);
    assert.ok(!notDir.ok && /is not a directory/.test(notDir.reason));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const root = path.resolve(__dirname, '..', '..');
const runner = path.join(root, 'dist', 'runner.js');

/** A short disk run in dir: the runner's stale-file cleanup runs first. */
function diskRun(dir: string, wrap: string[] = []): SpawnSyncReturns<string> {
  const argv = [...wrap, process.execPath, runner, 'run', '--mode', 'disk', '--disk-dir', dir, '--items', '2000'];
  return spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 60000 });
}

/** A long disk run in dir, once its file exists. */
async function longRun(dir: string, wrap: string[] = []): Promise<{ child: ChildProcess; file: string }> {
  const argv = [...wrap, process.execPath, runner, 'run', '--mode', 'disk', '--disk-dir', dir, '--items', '5000000', '--offset-bits', '64'];
  const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore' });
  const deadline = Date.now() + 20000;
  for (;;) {
    const files = readdirSync(dir).filter((f) => f.endsWith('.mmap') && !f.includes('999999'));
    if (files.length === 1) return { child, file: path.join(dir, files[0]) };
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the long run made no file in ${dir}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

test('a file named like a runner\'s that the library did not make is never removed (echo precious > memmap-lab-999999-0.mmap)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-stale-'));
  try {
    const deadPid = 2 ** 22 + 12345; // above pid_max on Linux: never alive
    const names = [`memmap-lab-999999-0.mmap`, `memmap-lab-${deadPid}-0.mmap`, 'notes.txt'];
    for (const n of names) writeFileSync(path.join(dir, n), 'precious\n');
    const r = diskRun(dir);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(dir).sort(), names.sort());
    for (const n of names) assert.equal(readFileSync(path.join(dir, n), 'utf8'), 'precious\n');
    assert.deepEqual(removeStaleFiles(dir), [], 'without the library\'s proof nothing is removed');
    assert.deepEqual(removeStaleFiles(path.join(dir, 'missing'), () => ({ removed: true, reason: '' })), [], 'a missing directory is not an error');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a dead runner\'s file (SIGKILL) is removed by the next run; a live runner\'s is kept whatever pid its name carries', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-stale-'));
  try {
    const killed = await longRun(dir);
    await stop(killed.child, 'SIGKILL');
    assert.ok(existsSync(killed.file), 'a killed runner cannot remove its file');
    const r = diskRun(dir);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!existsSync(killed.file), 'the dead runner\'s file is removed by the next run');

    // A live runner whose name's pid is dead here (as a runner of another PID namespace looks).
    const live = await longRun(dir);
    const renamed = path.join(dir, 'memmap-lab-999999-0.mmap');
    renameSync(live.file, renamed);
    try {
      const r2 = diskRun(dir);
      assert.equal(r2.status, 0, r2.stderr);
      assert.ok(existsSync(renamed), 'the live runner\'s file is kept: it holds the lock');
    } finally {
      renameSync(renamed, live.file);
      await stop(live.child);
    }
    assert.deepEqual(readdirSync(dir), [], 'the live runner removed its own file at the end');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a runner in another PID namespace (unshare -p -f) does not remove a live runner\'s file', async (t) => {
  const probe = spawnSync('unshare', ['-p', '-f', '--mount-proc', 'true'], { encoding: 'utf8' });
  if (process.platform !== 'linux' || probe.status !== 0) {
    t.diagnostic(`PID-NAMESPACE TEST NOT RUN: unshare -p -f --mount-proc failed here (${probe.error?.message ?? probe.stderr.trim()}); the lock test above covers the same rule`);
    t.skip('cannot create a PID namespace');
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-stale-ns-'));
  try {
    const live = await longRun(dir);
    try {
      // Inside the new namespace the host runner's pid does not exist: only the lock tells it is alive.
      const r = diskRun(dir, ['unshare', '-p', '-f', '--mount-proc']);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(existsSync(live.file), 'the host runner\'s file is kept');
    } finally {
      await stop(live.child);
    }
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
