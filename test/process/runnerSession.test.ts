// The runner process seen from the extension side: real runner, real native
// library (dist/ must be built: npm test builds it first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunnerSession, type RunnerExit } from '../../extension/run/runnerSession';
import { DEFAULT_PARAMETERS } from '../../common/parameters';
import type { FromRunner, MemMapEvent, RunParameters, SampleMessage } from '../../common/protocol';

const root = path.resolve(__dirname, '..', '..');
const runnerPath = path.join(root, 'dist', 'runner.js');
assert.ok(existsSync(runnerPath), 'dist/runner.js is missing: run npm run build first');

function params(p: Partial<RunParameters>): RunParameters {
  return { ...DEFAULT_PARAMETERS, ...p };
}

function collect(session: RunnerSession): FromRunner[] {
  const got: FromRunner[] = [];
  session.onMessage((m) => got.push(m));
  return got;
}

/**
 * Every message of a session, in order; next() consumes them: it returns the
 * first match after the previous match, including messages that arrived
 * before it was called (several messages can arrive in one tick).
 */
const inboxes = new WeakMap<RunnerSession, { log: FromRunner[]; pos: number; wake?: () => void }>();

function open(): RunnerSession {
  const s = new RunnerSession({ runnerPath });
  const inbox: { log: FromRunner[]; pos: number; wake?: () => void } = { log: [], pos: 0 };
  inboxes.set(s, inbox);
  s.onMessage((m) => {
    inbox.log.push(m);
    inbox.wake?.();
  });
  return s;
}

async function next(session: RunnerSession, pred: (m: FromRunner) => boolean, timeoutMs = 10000): Promise<FromRunner> {
  const inbox = inboxes.get(session);
  if (!inbox) throw new Error('session not opened with open()');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    while (inbox.pos < inbox.log.length) {
      const m = inbox.log[inbox.pos++];
      if (pred(m)) return m;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms`);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, left);
      inbox.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}

function exitOf(session: RunnerSession): Promise<RunnerExit> {
  return new Promise((resolve) => session.onExit(resolve));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls cond every 20 ms until it holds or the deadline passes (then throws
 * with what). Tests check behaviour with generous deadlines; how fast things
 * happen is measured by bench/latency.mjs, not asserted here.
 */
async function until(cond: () => boolean, what: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Running (a zombie has exited: it only waits for init, its new parent, to reap it). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'memmap-runner-test-'));
}

function mmapFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.mmap'));
}

test('hello carries the protocol version and the native library facts', async () => {
  const s = open();
  try {
    const hello = await s.hello;
    assert.equal(hello.protocolVersion, 1);
    assert.match(hello.libraryVersion, /^\d+\.\d+\.\d+$/);
    assert.ok(hello.pageSize >= 4096 && (hello.pageSize & (hello.pageSize - 1)) === 0);
    assert.equal(hello.granularity % hello.pageSize, 0);
    // Started without a shell: the runner is our direct child, running node on runner.js.
    if (process.platform === 'linux') {
      const stat = readFileSync(`/proc/${s.pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      assert.equal(ppid, process.pid, 'the runner is a direct child (no shell in between)');
      const argv = readFileSync(`/proc/${s.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      assert.deepEqual(argv.slice(-2), [runnerPath, 'serve']);
      assert.doesNotMatch(argv[0], /(^|\/)(ba|da|z)?sh$/);
    }
  } finally {
    await s.dispose();
  }
});

test('a bad message is rejected with a protocol error and the runner carries on', async () => {
  const s = open();
  try {
    await s.hello;
    const err = next(s, (m) => m.type === 'error');
    (s as unknown as { child: { send(x: unknown): void } }).child.send({ type: 'launch', missiles: true });
    const e = await err;
    assert.equal(e.type === 'error' && e.code, 'protocol');
    const invalid = next(s, (m) => m.type === 'error');
    s.send({ type: 'start', parameters: { ...params({}), viewSize: 1000 } });
    const e2 = await invalid;
    assert.ok(e2.type === 'error' && e2.code === 'invalid' && /viewSize 1000/.test(e2.message), JSON.stringify(e2));
    const done = next(s, (m) => m.type === 'done');
    s.send({ type: 'start', parameters: params({ items: 2000 }) });
    const d = await done;
    assert.ok(d.type === 'done' && d.result.verified);
  } finally {
    await s.dispose();
  }
});

test('figures are per run: faults from the run start, its own sampled peak, the disk file of every run', async () => {
  const s = open();
  const dir = tempDir();
  try {
    await s.hello;
    type Done = Extract<FromRunner, { type: 'done' }>;
    const runOnce = async (p: Partial<RunParameters>) => {
      const from = inboxes.get(s)!.log.length;
      const done = next(s, (m) => m.type === 'done' || m.type === 'error', 60_000);
      s.send({ type: 'start', parameters: params(p) });
      const d = await done;
      assert.equal(d.type, 'done', JSON.stringify(d));
      const samples = inboxes.get(s)!.log.slice(from).filter((m): m is SampleMessage => m.type === 'sample');
      return { result: (d as Done).result, samples };
    };
    // A big page-file run first: ~400 MB touched, so the process totals are far above a small run's own.
    const big = await runOnce({ items: 200_000, view: 'whole', growth: 'reserve' });
    const disk = { items: 20_000, mode: 'disk' as const, diskDir: dir };
    const first = await runOnce(disk);
    const second = await runOnce(disk);
    for (const run of [first, second]) {
      const p = run.result.process;
      assert.ok(p.minorFaults < big.result.process.minorFaults / 2, `a 20,000-item run's own faults (${p.minorFaults}) are not the process's`);
      assert.ok(p.processTotals.minorFaults >= big.result.process.minorFaults + p.minorFaults, 'process totals include every run');
      assert.ok(p.peakRssBytes < big.result.process.peakRssBytes / 2, `its own peak (${p.peakRssBytes}) is not the big run's`);
      assert.ok(p.processTotals.peakRssBytes >= big.result.process.peakRssBytes, 'the process peak is the high-water mark');
      assert.ok(run.samples.length > 0 && run.samples[0].process.minorFaults < big.result.process.minorFaults / 2, 'fault curves start near 0');
      assert.ok(run.samples.some((x) => x.process.diskBytes > 0), 'each disk run sees its own file on disk');
    }
    assert.deepEqual(mmapFiles(dir), []);
  } finally {
    await s.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('samples stream while running, paced by the runner\'s clock, with moving counters', async () => {
  const s = open();
  const got = collect(s);
  try {
    await s.hello;
    s.send({ type: 'start', parameters: params({ items: 5_000_000, mode: 'disk', offsetBits: 64 }) });
    await next(s, (m) => m.type === 'state' && m.state === 'running');
    const before = got.filter((m) => m.type === 'sample').length;
    await until(() => got.filter((m) => m.type === 'sample').length >= before + 6, 'six samples while running');
    const samples = got.filter((m): m is SampleMessage => m.type === 'sample').slice(before);
    // Paced, not flooding: the runner samples on a 100 ms timer, and a timer
    // fires late under load, never early (the rate itself: bench/latency.mjs).
    for (let i = 1; i < samples.length; i++) {
      const gap = samples[i].elapsedMs - samples[i - 1].elapsedMs;
      assert.ok(gap >= 50, `samples ${gap.toFixed(1)} ms apart`);
    }
    assert.ok(samples[samples.length - 1].counters.allocs > samples[0].counters.allocs, 'the counters move');
    const last = samples[samples.length - 1];
    assert.ok(last.counters.allocs > 0 && last.process.rssBytes > 0 && last.counters.fileSize >= 65536);
  } finally {
    await s.dispose();
  }
});

test('pause is acknowledged (pausing) while a page-file growth copy is still working, then paused', async () => {
  const s = open();
  try {
    await s.hello;
    s.send({ type: 'start', parameters: params({ items: 5_000_000, mode: 'pagefile', offsetBits: 64 }) });
    await next(s, (m) => m.type === 'sample' && m.counters.fileSize >= 256 << 20, 60000);
    s.send({ type: 'pause' });
    // The acknowledgement comes first, the pause when the operation in progress ends.
    const ack = await next(s, (m) => m.type === 'state' && (m.state === 'pausing' || m.state === 'paused'), 30000);
    assert.equal(ack.type === 'state' && ack.state, 'pausing');
    await next(s, (m) => m.type === 'state' && m.state === 'paused', 60000);
    s.send({ type: 'cancel' });
    await next(s, (m) => m.type === 'state' && m.state === 'idle', 30000);
    await next(s, (m) => m.type === 'error' && m.code === 'cancelled', 60000);
  } finally {
    await s.dispose();
  }
});

test('pause, resume and cancel take effect in the middle of a multi-gigabyte run', async () => {
  const dir = tempDir();
  const s = open();
  try {
    await s.hello;
    s.send({ type: 'start', parameters: params({ items: 5_000_000, mode: 'disk', diskDir: dir, offsetBits: 64 }) });
    await next(s, (m) => m.type === 'state' && m.state === 'running');
    // Well into the run: the file has grown past 256 MiB.
    await next(s, (m) => m.type === 'sample' && m.counters.fileSize >= 256 << 20, 60000);
    s.send({ type: 'pause' });
    const paused = await next(s, (m) => m.type === 'state' && m.state === 'paused', 30000);
    // Nothing moves while paused: the next samples show the same operation count.
    const opsAtPause = paused.type === 'state' ? paused.ops : -1;
    for (let i = 0; i < 3; i++) {
      const sample = await next(s, (m) => m.type === 'sample', 30000);
      assert.equal(sample.type === 'sample' && sample.ops, opsAtPause, 'no operation while paused');
    }
    s.send({ type: 'resume' });
    await next(s, (m) => m.type === 'state' && m.state === 'running', 30000);
    // It moves again.
    await next(s, (m) => m.type === 'sample' && m.ops > opsAtPause, 30000);
    s.send({ type: 'cancel' });
    // The acknowledgement (idle) and the clean-up (a multi-gigabyte file to
    // remove, then the error) are separate steps; their times: bench/latency.mjs.
    await next(s, (m) => m.type === 'state' && m.state === 'idle', 30000);
    const e = await next(s, (m) => m.type === 'error', 60000);
    assert.ok(e.type === 'error' && e.code === 'cancelled');
    assert.deepEqual(mmapFiles(dir), [], 'the file is gone when the error arrives');
  } finally {
    await s.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('step mode: one operation at a time, and until mapView stops right after a map view', async () => {
  const s = open();
  const events: MemMapEvent[] = [];
  s.onMessage((m) => {
    if (m.type === 'event') events.push(...m.events);
  });
  try {
    await s.hello;
    s.send({ type: 'start', parameters: params({ items: 100_000 }), paused: true, events: true });
    await next(s, (m) => m.type === 'state' && m.state === 'paused');
    // One operation: the first allocation creates the file mapping and maps the first view.
    s.send({ type: 'step', count: 1 });
    let st = await next(s, (m) => m.type === 'state' && m.state === 'paused' && m.ops > 0);
    assert.equal(st.type === 'state' && st.ops, 1);
    assert.ok(events.some((e) => e.kind === 'alloc'), JSON.stringify(events));
    assert.ok(events.some((e) => e.kind === 'mapView'));
    for (let i = 0; i < 3; i++) {
      events.length = 0;
      const before = st.type === 'state' ? st.ops : 0;
      s.send({ type: 'step', until: 'mapView' });
      st = await next(s, (m) => m.type === 'state' && m.state === 'paused' && m.ops > before);
      const maps = events.filter((e) => e.kind === 'mapView');
      assert.ok(maps.length >= 1, `a map view in the step, got ${JSON.stringify(events.slice(-5))}`);
      const mapOp = maps[0].op;
      // A growth maps several views in one operation; all belong to that operation.
      assert.ok(maps.every((e) => e.op === mapOp), 'all map views of the step are from one operation');
      assert.ok(events.every((e) => e.op <= mapOp), 'no operation after the one that mapped the view');
      assert.equal(st.type === 'state' && st.ops, mapOp + 1, 'paused right after that operation');
    }
    events.length = 0;
    s.send({ type: 'step', until: 'grow' });
    await next(s, (m) => m.type === 'state' && m.state === 'paused' && events.some((e) => e.kind === 'grow'));
    const grow = events.find((e) => e.kind === 'grow');
    assert.ok(grow && grow.newSize === 2 * grow.oldSize, JSON.stringify(grow));
  } finally {
    await s.dispose();
  }
});

test('a runner killed with SIGKILL is reported, and the next start removes its disk file', async () => {
  const dir = tempDir();
  try {
    const s = open();
    await s.hello;
    const exit = exitOf(s);
    s.send({ type: 'start', parameters: params({ items: 5_000_000, mode: 'disk', diskDir: dir, offsetBits: 64 }) });
    await next(s, (m) => m.type === 'sample' && m.counters.fileSize > 1 << 20);
    const files = mmapFiles(dir);
    assert.equal(files.length, 1, `one disk file while running: ${files}`);
    assert.match(files[0], new RegExp(`^memmap-lab-${s.pid}-\\d+\\.mmap$`), 'the name carries the pid');
    process.kill(s.pid!, 'SIGKILL');
    const e = await exit;
    assert.equal(e.signal, 'SIGKILL');
    assert.equal(e.expected, false);
    assert.match(e.message, /crashed \(signal SIGKILL\)/);
    assert.deepEqual(mmapFiles(dir), files, 'a killed runner cannot remove its file');

    const s2 = open();
    try {
      await s2.hello;
      s2.send({ type: 'start', parameters: params({ items: 1000, mode: 'disk', diskDir: dir }) });
      const d = await next(s2, (m) => m.type === 'done' || m.type === 'error');
      assert.equal(d.type, 'done');
      assert.deepEqual(mmapFiles(dir), [], 'the dead run\'s file was removed, and the new one too');
    } finally {
      await s2.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the runner exits by itself, removing its file, when its parent disappears', async () => {
  const dir = tempDir();
  try {
    // A parent process that forks the runner, starts a disk run, reports the pid, then is killed.
    const parentCode = `
      const { fork } = require('node:child_process');
      const c = fork(${JSON.stringify(runnerPath)}, ['serve'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
      c.on('message', (m) => {
        if (m.type === 'hello') c.send({ type: 'start', parameters: ${JSON.stringify(params({ items: 5_000_000, mode: 'disk', diskDir: dir, offsetBits: 64 }))} });
        if (m.type === 'sample' && m.counters.fileSize > 1048576) { process.stdout.write(String(c.pid) + '\\n'); }
      });`;
    const parent = spawn(process.execPath, ['-e', parentCode], { stdio: ['ignore', 'pipe', 'inherit'] });
    const runnerPid = await new Promise<number>((resolve, reject) => {
      parent.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim().split('\n')[0])));
      setTimeout(() => reject(new Error('the parent did not report its runner')), 15000);
    });
    assert.ok(alive(runnerPid));
    assert.equal(mmapFiles(dir).length, 1);
    parent.kill('SIGKILL');
    await until(() => !alive(runnerPid), 'the orphaned runner exits by itself');
    await until(() => mmapFiles(dir).length === 0, 'the orphaned runner removed its file', 10000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a crash of native code is reported with the signal and the last lines of stderr', async () => {
  // SIGSEGV delivered from outside stands in for a fault in the library.
  const s = open();
  await s.hello;
  const exit = exitOf(s);
  s.send({ type: 'start', parameters: params({ items: 5_000_000, offsetBits: 64 }) });
  await next(s, (m) => m.type === 'sample');
  process.kill(s.pid!, 'SIGSEGV');
  const e = await exit;
  assert.equal(e.signal, 'SIGSEGV');
  assert.match(e.message, /crashed \(signal SIGSEGV\)/);
  assert.equal(s.isAlive, false);
});

test('two starts sent at once while the last run is being cleaned up: one start at a time, no samples after done, no process left', async (t) => {
  // The issue's repro, on the protocol itself (the extension serialises runs; the protocol must not rely on it).
  const { fork } = await import('node:child_process');
  const dir = tempDir();
  const child = fork(runnerPath, ['serve'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const got: FromRunner[] = [];
  let wake: (() => void) | undefined;
  child.on('message', (m) => {
    got.push(m as FromRunner);
    wake?.();
  });
  const until = async (pred: () => boolean, ms: number, what: string) => {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(got.map((m) => m.type === 'state' ? `state:${m.state}` : m.type === 'error' ? `error:${m.code}` : m.type))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        wake = () => { clearTimeout(t); r(); };
      });
    }
  };
  try {
    await until(() => got.some((m) => m.type === 'hello'), 15000, 'hello');
    child.send({ type: 'start', parameters: params({ mode: 'disk', diskDir: dir, items: 400000 }) });
    await until(() => got.some((m) => m.type === 'state' && m.state === 'running'), 15000, 'the first run');
    await sleep(1000);
    child.send({ type: 'cancel' });
    await until(() => got.some((m) => m.type === 'state' && m.state === 'idle'), 15000, 'idle');
    const mark = got.findIndex((m) => m.type === 'state' && m.state === 'idle') + 1;
    const two = params({ items: 3000 });
    child.send({ type: 'start', parameters: two });
    child.send({ type: 'start', parameters: two });
    // Every start is answered: the first run's end, then each start gets a run (done) or a refusal (error 'state').
    await until(() => got.slice(mark).filter((m) => m.type === 'done' || m.type === 'error').length >= 3, 30000, 'three answers');
    const firstEnd = got.slice(mark).find((m) => m.type === 'done' || (m.type === 'error' && m.code !== 'state'));
    t.diagnostic(`the first run ended with ${firstEnd?.type === 'error' ? `error ${firstEnd.code}` : firstEnd?.type}`);
    await sleep(1000); // samples that would follow a done
    const after = got.slice(mark);
    const runs = after.filter((m) => m.type === 'state' && m.state === 'running').length;
    // Ends of runs: the first run's (done, or error cancelled) and one per started run; refusals are errors with code state.
    const ends = after.filter((m) => m.type === 'done' || (m.type === 'error' && m.code !== 'state')).length;
    const refusals = after.filter((m) => m.type === 'error' && m.code === 'state' && /one run at a time/.test(m.message));
    assert.ok(runs <= 1, `at most one run started, got ${runs} 'running' states`);
    assert.equal(ends, 1 + runs, 'the first run ended once, and every started run once');
    assert.equal(refusals.length, 2 - runs, 'every start not run is refused with code state');
    for (const r of refusals) assert.match(r.type === 'error' ? r.message : '', /a run is in progress or being cleaned up; allowed: one run at a time/);
    const lastEnd = got.map((m) => m.type === 'done' || m.type === 'error').lastIndexOf(true);
    assert.deepEqual(got.slice(lastEnd + 1).filter((m) => m.type === 'sample'), [], 'no sample after the last run ended');
    child.disconnect();
    const pid = child.pid ?? -1;
    const deadline = Date.now() + 10000;
    while (alive(pid) && Date.now() < deadline) await sleep(50);
    assert.ok(!alive(pid), 'the runner exits after the disconnect');
    assert.deepEqual(mmapFiles(dir), [], 'no disk file left');
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
