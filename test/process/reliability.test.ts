// Faults a user will cause: a full disk, runs started and cancelled in quick
// succession, a runner that dies. Real runner, real native library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunController } from '../../extension/run/runController';
import { DEFAULT_PARAMETERS } from '../../common/parameters';
import type { RunParameters } from '../../common/protocol';

const root = path.resolve(__dirname, '..', '..');
const runnerPath = path.join(root, 'dist', 'runner.js');

function params(p: Partial<RunParameters>): RunParameters {
  return { ...DEFAULT_PARAMETERS, ...p };
}

/** Runner processes that are children of this test process. */
function ourRunners(): number[] {
  const out = spawnSync('ps', ['-o', 'pid=,ppid=,args=', '-e'], { encoding: 'utf8' }).stdout;
  return out.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => Number(f[1]) === process.pid && f.join(' ').includes('runner.js'))
    .map((f) => Number(f[0]));
}

function mountTmpfs(sizeMiB: number): { dir: string; cleanup: () => void } | { reason: string } {
  if (process.platform !== 'linux') return { reason: `tmpfs needs Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { reason: 'mounting a tmpfs needs root' };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-full-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return { reason: `mount -t tmpfs failed: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}` };
  }
  return {
    dir,
    cleanup: () => {
      spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('a full disk ends the run with "no space left" and how much was needed, never SIGBUS, file removed', async (t) => {
  const fs = mountTmpfs(32);
  if ('reason' in fs) {
    // Visible, not silent: the reason is printed in the test output.
    t.diagnostic(`FULL-DISK TEST NOT RUN: ${fs.reason}`);
    t.skip(`cannot mount a 32 MiB tmpfs: ${fs.reason}`);
    return;
  }
  try {
    const configs: Partial<RunParameters>[] = [
      {},
      { prefault: true },
      { growth: 'reserve', view: 'whole', prefault: true },
      { growth: 'remap', view: 'whole' },
      { growth: 'copy' },
    ];
    for (const c of configs) {
      const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [runnerPath, 'run', '--mode', 'disk', '--disk-dir', fs.dir, '--items', '100000', '--offset-bits', '64',
        ...(c.prefault ? ['--prefault'] : []), ...(c.growth ? ['--growth', c.growth] : []), ...(c.view ? ['--view', c.view] : [])], { encoding: 'utf8' });
      const label = JSON.stringify(c);
      assert.equal(r.signal, null, `${label}: killed by ${r.signal}`);
      assert.equal(r.status, 1, `${label}: ${r.stderr}`);
      assert.match(r.stderr, /^memmap-lab: nospace: no space left on device in .*: needed \d+ bytes more for growing the file to \d+ bytes/, label);
      assert.deepEqual(readdirSync(fs.dir), [], `${label}: file removed`);
    }
    // Through the extension's controller: the run record carries the error.
    const controller = new RunController({ runnerPath, log: () => undefined });
    try {
      const outcome = await controller.run(params({ mode: 'disk', diskDir: fs.dir, items: 100000, offsetBits: 64 }));
      assert.equal(outcome.ok, false);
      assert.equal(outcome.error?.code, 'nospace');
      assert.match(outcome.error?.message ?? '', /no space left on device/);
      assert.deepEqual(readdirSync(fs.dir), []);
    } finally {
      await controller.dispose();
    }
  } finally {
    fs.cleanup();
  }
});

/**
 * A memory cgroup nested inside this process's own (v1 memory.limit_in_bytes
 * or v2 memory.max), or the reason there is none. Processes started with
 * `wrap()` run inside it.
 */
function memoryCgroup(limitBytes: number): { wrap: (argv: string[]) => string[]; cleanup: () => void; kind: string } | { reason: string } {
  if (process.platform !== 'linux') return { reason: `cgroups need Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { reason: 'creating a cgroup needs root' };
  const lines = readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n').map((l) => l.split(':'));
  const v1 = lines.find((f) => f[1].split(',').includes('memory'));
  const v2 = lines.find((f) => f[0] === '0' && f[1] === '');
  let dir: string | undefined;
  let limitFile = '';
  let kind = '';
  const tries: string[] = [];
  const attempt = (parent: string, file: string, what: string) => {
    const child = path.join(parent, `memmap-lab-test-${process.pid}`);
    try {
      mkdirSync(child);
      writeFileSync(path.join(child, file), String(limitBytes));
      dir = child;
      limitFile = file;
      kind = what;
    } catch (err) {
      tries.push(`${what} in ${parent}: ${(err as Error).message}`);
      try { rmdirSync(child); } catch { /* not made */ }
    }
  };
  if (v1 && existsSync(path.join('/sys/fs/cgroup/memory', v1[2]))) attempt(path.join('/sys/fs/cgroup/memory', v1[2]), 'memory.limit_in_bytes', 'cgroup v1');
  if (!dir && v2 && existsSync(path.join('/sys/fs/cgroup', v2[2], 'cgroup.controllers'))
    && readFileSync(path.join('/sys/fs/cgroup', v2[2], 'cgroup.controllers'), 'utf8').includes('memory')) {
    attempt(path.join('/sys/fs/cgroup', v2[2]), 'memory.max', 'cgroup v2');
  }
  if (!dir) return { reason: `no memory cgroup could be made (${tries.join('; ') || 'no memory controller in /proc/self/cgroup'})` };
  const procs = path.join(dir, 'cgroup.procs');
  const made = dir;
  return {
    kind: `${kind} ${limitFile}`,
    wrap: (argv) => ['sh', '-c', `echo $$ > '${procs}' && exec "$@"`, 'sh', ...argv],
    cleanup: () => {
      for (let i = 0; i < 50; i++) {
        try {
          rmdirSync(made);
          return;
        } catch {
          execFileSync('sleep', ['0.1']);
        }
      }
    },
  };
}

test('page-file mode inside a 512 MiB memory cgroup: refused with nomem, never killed; a 150 MB bystander survives', async (t) => {
  const cg = memoryCgroup(512 * 2 ** 20);
  if ('reason' in cg) {
    t.diagnostic(`MEMORY-CGROUP TEST NOT RUN: ${cg.reason} (the limit files are still read in native/test/test_fault.c from a fake /sys/fs/cgroup)`);
    t.skip(cg.reason);
    return;
  }
  t.diagnostic(`memory limit set with ${cg.kind}`);
  const [bcmd, ...bargs] = cg.wrap([process.execPath, '-e', 'const b = Buffer.alloc(150e6, 1); process.stdout.write("ready\\n"); setInterval(() => b[0]++, 1000)']);
  const bystander = spawn(bcmd, bargs, { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    await new Promise<void>((resolve) => bystander.stdout.once('data', () => resolve()));
    const [cmd, ...args] = cg.wrap([process.execPath, runnerPath, 'run', '--mode', 'pagefile', '--items', '400000']);
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120000 });
    assert.equal(r.signal, null, `killed by ${r.signal}`);
    assert.equal(r.status, 1, `exit ${r.status}: ${r.stderr}`);
    assert.match(r.stderr, /^memmap-lab: nomem: page-file mode needs \d+ MiB.* but this process's memory limit can give about \d+ MiB; use disk mode or fewer items/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(bystander.exitCode, null, 'the bystander still runs');
    assert.equal(bystander.signalCode, null, 'the bystander was not killed');
  } finally {
    bystander.kill('SIGKILL');
    await new Promise((r) => (bystander.exitCode !== null || bystander.signalCode !== null ? r(null) : bystander.once('exit', r)));
    cg.cleanup();
  }
});

/** Polls (generous deadline) until none of our runner processes is left, then asserts it. */
async function noRunnerLeft(timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (ourRunners().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(ourRunners(), [], 'no runner process left');
}

test('20 runs started and cancelled in quick succession leave no process and no file behind', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-load-'));
  try {
    const controller = new RunController({ runnerPath, log: () => undefined });
    const outcomes = [];
    for (let i = 0; i < 20; i++) {
      const p = controller.run(params({ mode: i % 2 ? 'disk' : 'pagefile', diskDir: dir, items: 2_000_000, offsetBits: 64 }));
      await new Promise((r) => setTimeout(r, 20 + (i % 5) * 30));
      controller.stop();
      outcomes.push(await p);
    }
    assert.ok(outcomes.every((o) => !o.ok && o.error?.code === 'cancelled'), JSON.stringify(outcomes.map((o) => o.error)));
    assert.deepEqual(readdirSync(dir), [], 'no disk file left');
    assert.equal(ourRunners().length, 1, 'one runner serves all runs');
    await controller.dispose();
    await noRunnerLeft();

    // And 20 separate controllers (runner processes), each disposed mid-run.
    for (let i = 0; i < 20; i++) {
      const c = new RunController({ runnerPath, log: () => undefined });
      // Disposed while starting or running: the run ends (or never starts), nothing is left.
      const p = c.run(params({ mode: 'disk', diskDir: dir, items: 2_000_000, offsetBits: 64 })).catch((e: Error) => e);
      await new Promise((r) => setTimeout(r, 30 + (i % 4) * 40));
      await c.dispose();
      await Promise.race([p, new Promise((r) => setTimeout(r, 100))]);
    }
    await noRunnerLeft();
    assert.deepEqual(readdirSync(dir), [], 'no disk file left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a crashed runner is reported to the controller, which starts a fresh one for the next run', async () => {
  const controller = new RunController({ runnerPath, log: () => undefined });
  try {
    const hello = await controller.ensureRunner();
    const p = controller.run(params({ items: 5_000_000, offsetBits: 64 }));
    await new Promise((r) => setTimeout(r, 500));
    process.kill(hello.pid, 'SIGKILL');
    const outcome = await p;
    assert.equal(outcome.error?.code, 'crashed');
    assert.match(outcome.error?.message ?? '', /crashed \(signal SIGKILL\)/);
    const again = await controller.run(params({ items: 5000 }));
    assert.equal(again.ok, true, JSON.stringify(again.error));
    assert.notEqual(controller.runner?.pid, hello.pid);
  } finally {
    await controller.dispose();
  }
});

test('a serve runner whose channel closes while it is stopped mid-run leaves cleanly, with no stack trace and no file', async () => {
  // The attack that found it: SIGSTOP the runner during a disk run, disconnect, SIGCONT. Its
  // sample timer then wrote to a closed channel: an unhandled EPIPE, exit 1, the file left behind.
  const { fork } = await import('node:child_process');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-epipe-'));
  const child = fork(runnerPath, ['serve'], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const message = (pred: (m: { type?: string; state?: string }) => boolean) => new Promise<void>((resolve) => {
    const on = (m: { type?: string; state?: string }) => { if (pred(m)) { child.off('message', on); resolve(); } };
    child.on('message', on);
  });
  try {
    await message((m) => m.type === 'hello');
    const running = message((m) => m.type === 'state' && m.state === 'running');
    child.send({ type: 'start', parameters: { ...DEFAULT_PARAMETERS, mode: 'disk', diskDir: dir, items: 2_000_000, growth: 'copy' } });
    await running;
    // Wait until the file exists and has grown a little (polling, no fixed budget).
    const deadline = Date.now() + 30_000;
    while (readdirSync(dir).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // (growth copy: while a growth copies, the old and the new file exist side by side)
    assert.ok(readdirSync(dir).length >= 1, 'the run made its disk file');
    child.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 300));
    child.disconnect();
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGCONT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    assert.notEqual(child.exitCode, null, 'the runner left');
    assert.equal(child.exitCode, 0, `exit ${child.exitCode}; stderr: ${stderr.slice(0, 800)}`);
    assert.doesNotMatch(stderr, /EPIPE|Unhandled|at /, 'no stack trace');
    assert.deepEqual(readdirSync(dir), [], 'its disk file is removed');
  } finally {
    if (child.exitCode === null && child.signalCode === null) { child.kill('SIGCONT'); child.kill('SIGKILL'); }
    rmSync(dir, { recursive: true, force: true });
  }
});
