// Issue 16's data as the runner puts it in its JSON result and samples:
// latency counts equal to the counters, stalls, residency at bounded cost,
// the time breakdown, cold verify (--cold). Pure parts: test/unit/common/insight.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  insightProblems, RESULT_STRIP_CELLS, type RunInsight, SAMPLE_STRIP_CELLS,
} from '../../common/insight';
import { parseFromRunner } from '../../common/messages';
import { DEFAULT_PARAMETERS } from '../../common/parameters';
import type { FromRunner, RunResult, SampleMessage } from '../../common/protocol';
import { RunnerSession } from '../../extension/run/runnerSession';

const root = path.resolve(__dirname, '..', '..');
const runner = path.join(root, 'dist', 'runner.js');
const exec = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [runner, 'run', ...args], { cwd: root, timeout: 240000, maxBuffer: 256 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// ---- the runner process -------------------------------------------------------------

const scratch = mkdtempSync(path.join(os.tmpdir(), 'memmap-insight-test-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

function checkResult(r: RunResult): asserts r is RunResult & RunInsight {
  assert.ok(r.latency && r.timeBreakdown && r.stalls && r.cache, 'the insight fields are there');
  assert.deepEqual(insightProblems(r as RunResult & RunInsight), []);
}

test('runner --json: latency counts equal the counters, stalls are the growths, the time adds up (seed defaults, page file)', async () => {
  const out = await cli(['--scenario', 'deletions', '--items', '60000', '--json']);
  assert.equal(out.code, 0, out.stderr);
  const r = JSON.parse(out.stdout) as RunResult;
  checkResult(r);
  assert.equal(r.latency.alloc.count, r.stats.allocs);
  assert.equal(r.latency.free.count, r.stats.deletions);
  assert.equal(r.latency.mapView.count, r.stats.mapViews);
  assert.equal(r.latency.free.count, 60000);
  // the seed's page-file growth copies, as stalls with durations
  assert.ok(r.latency.grow.count >= 5);
  assert.equal(r.stalls.length, r.latency.grow.count);
  let end = 0;
  for (const s of r.stalls) {
    assert.ok(s.durationMs > 0 && s.newSize === 2 * s.oldSize && s.bytesCopied > 0);
    assert.ok(s.atMs >= end - 0.01, 'in order, not overlapping');
    end = s.atMs + s.durationMs;
  }
  assert.ok(end <= r.timeBreakdown.wallNs / 1e6 + 1);
  assert.equal(r.cache, 'warm');
  assert.equal(r.eviction, undefined);
  const t = r.timeBreakdown;
  assert.ok(Math.abs(t.libraryNs / 1e6 - r.elapsedMs) < 0.01);
  assert.ok(t.growthNs > 0 && t.mapUnmapNs + t.pageFaultsNs > 0 && t.faults.nsPerFault > 0 && t.faults.minor > 0);
  // The growths' page-file copies fault too: counted apart (growth time), left out of the estimate.
  assert.ok(t.faults.duringGrowth !== undefined && t.faults.duringGrowth > 0 && t.faults.duringGrowth <= t.faults.minor + t.faults.major, `duringGrowth ${t.faults.duringGrowth}`);
  assert.ok(r.residency && r.residency.strip.cells <= RESULT_STRIP_CELLS && r.residency.fileBytes === r.stats.fileSize);
});

test('runner --cold --json (disk): the file is evicted before verify, and the result says how', async () => {
  const out = await cli(['--scenario', 'grow', '--mode', 'disk', '--disk-dir', scratch, '--items', '100000', '--cold', '--json']);
  assert.equal(out.code, 0, out.stderr);
  const r = JSON.parse(out.stdout) as RunResult;
  checkResult(r);
  assert.equal(r.cache, 'cold');
  assert.ok(r.eviction);
  if (process.platform === 'linux') assert.deepEqual(r.eviction.methods.slice(0, 2), ['writeback', 'fadvise']);
  assert.ok(r.eviction.residentBeforeBytes > 50 * 2 ** 20, `before ${r.eviction.residentBeforeBytes}`);
  assert.ok(r.eviction.residentAfterBytes < r.eviction.residentBeforeBytes / 4, `after ${r.eviction.residentAfterBytes}`);
  assert.ok(r.timeBreakdown.evictNs > 0 && r.timeBreakdown.evictNs === r.eviction.durationNs);
});

test('runner --cold with the baseline: exit 2, one line saying what is allowed', async () => {
  const out = await cli(['--scenario', 'baseline', '--items', '10', '--cold']);
  assert.equal(out.code, 2);
  assert.equal(out.stdout, '');
  assert.match(out.stderr, /coldVerify true needs a mapped scenario.*allowed:/);
  assert.equal(out.stderr.trim().split('\n').length, 1);
});

test('runner --ndjson (disk, data past the view): samples carry residency at bounded cost, and it changes', async () => {
  const out = await cli(['--scenario', 'grow', '--mode', 'disk', '--disk-dir', scratch, '--items', '400000', '--offset-bits', '64', '--ndjson']);
  assert.equal(out.code, 0, out.stderr);
  const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
  const samples = lines.filter((l): l is SampleMessage => l.type === 'sample');
  const withRes = samples.filter((s) => s.residency);
  assert.ok(withRes.length >= 2, `${withRes.length} of ${samples.length} samples carry residency`);
  for (const s of withRes) {
    const parsed = parseFromRunner(s);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
    const res = s.residency!;
    assert.ok(res.strip.cells <= SAMPLE_STRIP_CELLS && res.strip.cells >= 1);
    assert.equal(res.strip.runs.reduce((a, x) => a + x[0], 0), res.strip.cells);
    assert.ok(res.residentBytes <= res.fileBytes);
  }
  // the file grows and fills: the figures move between samples
  const sizes = new Set(withRes.map((s) => `${s.residency!.fileBytes}/${s.residency!.residentBytes}`));
  assert.ok(sizes.size >= 2, 'residency changes during the run');
  // bounded cost: the sampling's total is within 2% of the run's time
  const cost = withRes.reduce((a, s) => a + s.residency!.costNs, 0) / 1e6;
  const last = samples[samples.length - 1];
  assert.ok(cost <= last.elapsedMs * 0.02 + 5, `residency cost ${cost} ms of ${last.elapsedMs} ms`);
  const done = lines.find((l) => l.type === 'done') as unknown as { result: RunResult };
  checkResult(done.result);
  // The latency so far, once a second (the run takes several): counts only grow, and never pass the
  // counters of the sample that carries them (read between slices, before the sample's snapshot).
  // The first comes with the first slice, then one a second: how many depends on the machine's speed.
  const withLat = samples.filter((s) => s.latency);
  const seconds = samples[samples.length - 1].elapsedMs / 1000;
  assert.ok(withLat.length >= 1 && withLat.length <= Math.ceil(seconds) + 1 && withLat.length < samples.length,
    `${withLat.length} of ${samples.length} samples carry latency over ${seconds.toFixed(1)} s`);
  // Allocations stop once the store is done (the verify only dereferences), so the alloc count never
  // falls and alloc + deref always grows: a second of a slow verify saw 400,000 allocs twice.
  let before = -1;
  let opsBefore = -1;
  for (const s of withLat) {
    const l = s.latency!;
    assert.ok(l.alloc.count >= before && l.alloc.count <= s.counters.allocs, `alloc count ${l.alloc.count} after ${before}, allocs ${s.counters.allocs}`);
    assert.ok(l.alloc.count + l.deref.count > opsBefore, `alloc + deref ${l.alloc.count + l.deref.count} after ${opsBefore}`);
    opsBefore = l.alloc.count + l.deref.count;
    assert.ok(l.mapView.count <= s.counters.mapViews && l.mapView.timed === l.mapView.count, 'every view timed');
    assert.ok(l.alloc.timed <= l.alloc.count && l.alloc.timed >= Math.min(l.alloc.count, 256));
    assert.ok(l.alloc.p50Ns <= l.alloc.p99Ns && l.alloc.p99Ns <= l.alloc.maxNs);
    assert.equal((l.alloc as { buckets?: unknown }).buckets, undefined, 'no buckets in samples');
    before = l.alloc.count;
  }
  const gaps = withLat.slice(1).map((s, i) => s.elapsedMs - withLat[i].elapsedMs);
  assert.ok(gaps.every((g) => g >= 850), `about a second apart: ${gaps.join(', ')} ms`);
  assert.ok(done.result.latency!.alloc.count >= before);
});

// Every scenario and growth path, not one: a map view counted without being timed (reserve growth
// of a whole view) or a scenario that times nothing (the baseline) broke the rule unseen before.
test('runner --json: the latency rule holds for every scenario and growth strategy, the baseline empty', async () => {
  const configs: string[][] = [
    ['--scenario', 'baseline'], ['--scenario', 'grow'], ['--scenario', 'random'],
    ['--scenario', 'grow', '--growth', 'reserve', '--view', 'whole'],
    ['--scenario', 'grow', '--growth', 'remap', '--view', 'whole'],
    ['--scenario', 'grow', '--growth', 'copy'],
    ['--scenario', 'deletions', '--mode', 'disk', '--disk-dir', scratch, '--offset-bits', '64', '--growth', 'reserve', '--view', 'whole'],
  ];
  for (const c of configs) {
    const out = await cli([...c, '--items', '30000', '--json']);
    assert.equal(out.code, 0, `${c.join(' ')}: ${out.stderr}`);
    const r = JSON.parse(out.stdout) as RunResult;
    assert.ok(r.latency, c.join(' '));
    assert.deepEqual(insightProblems(r as RunResult & RunInsight), [], c.join(' '));
    if (c[1] === 'baseline') assert.equal(r.latency.alloc.count, 0, 'the baseline times nothing');
    else assert.ok(r.latency.alloc.count > 0 && r.latency.alloc.count === r.stats.allocs, c.join(' '));
  }
});

// A run paused through the runner's protocol (started paused, one step, paused again, resumed): the
// time it stood paused is its own part, pausedNs, not the runner's (it was in runnerNs, and a 4 s pause
// showed as "runner and streaming 4.2 s", setting the history's shared scale).
test('runner session: time paused and between steps is pausedNs, not runnerNs; library + runner + paused = wall', async () => {
  const s = new RunnerSession({ runnerPath: runner });
  const log: FromRunner[] = [];
  let wake: (() => void) | undefined;
  s.onMessage((m) => {
    log.push(m);
    wake?.();
  });
  let pos = 0;
  const next = async (pred: (m: FromRunner) => boolean, timeoutMs = 60000): Promise<FromRunner> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (pos < log.length) {
        const m = log[pos++];
        if (pred(m)) return m;
      }
      if (Date.now() > deadline) throw new Error(`no matching message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  try {
    await s.hello;
    const t0 = performance.now();
    s.send({ type: 'start', parameters: { ...DEFAULT_PARAMETERS, scenario: 'grow', items: 20_000 }, paused: true });
    await next((m) => m.type === 'state' && m.state === 'paused');
    await sleep(800);
    s.send({ type: 'step', count: 1 });
    await next((m) => m.type === 'state' && m.state === 'paused' && m.ops > 0);
    await sleep(800);
    const waitedMs = performance.now() - t0;
    s.send({ type: 'resume' });
    const done = await next((m) => m.type === 'done' || m.type === 'error');
    assert.equal(done.type, 'done', JSON.stringify(done));
    const r = (done as { result: RunResult }).result;
    checkResult(r);
    const t = r.timeBreakdown;
    assert.ok(t.pausedNs !== undefined, 'pausedNs is there');
    // Both waits (1.6 s of sleep, plus the messages' travel): at least the sleeps, at most what the test waited until resume.
    assert.ok(t.pausedNs >= 1.5e9, `pausedNs ${t.pausedNs}`);
    assert.ok(t.pausedNs <= waitedMs * 1e6 + 50e6, `pausedNs ${t.pausedNs} of ${waitedMs} ms waited`);
    assert.equal(t.libraryNs + t.runnerNs + t.pausedNs, t.wallNs);
    assert.ok(t.runnerNs < t.wallNs - 1.5e9, `runnerNs ${t.runnerNs} holds none of the pause (wall ${t.wallNs})`);
  } finally {
    await s.dispose();
  }
});
