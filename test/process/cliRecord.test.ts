// `node dist/runner.js run --record FILE` (issue 17): the recording is written as the run goes.
// Process tests: the real runner and native library, read back with common/recording.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseRecording, type Recording } from '../../common/recording';
import { validateRecord } from '../unit/common/recordSchema';

const root = path.resolve(__dirname, '..', '..');
const runner = path.join(root, 'dist', 'runner.js');
const run = promisify(execFile);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'memmap-record-test-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [runner, ...args], { cwd: scratch, timeout: 120000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function read(file: string): Recording {
  const r = parseRecording(readFileSync(file));
  if (!r.ok) assert.fail(`${file}: ${r.error}`);
  return r.recording;
}

// 2,000 items: item i is 2 * (i % 2000 + 1) bytes (the seed's strings), so every scenario but the
// heap baseline allocates 2,000 blocks; deletions frees all 2,000 again.
const EXPECTED: Record<string, { alloc?: number; free?: number }> = {
  baseline: {},
  grow: { alloc: 2000, free: 0 },
  deletions: { alloc: 2000, free: 2000 },
  random: {},
};

for (const scenario of ['baseline', 'grow', 'deletions', 'random']) {
  test(`--record with the ${scenario} scenario writes a complete recording whose result is the printed one`, async () => {
    const file = path.join(scratch, `${scenario}.memmaprun`);
    const r = await cli(['run', '--scenario', scenario, '--items', '2000', '--json', '--record', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const printed = JSON.parse(r.stdout);
    const rec = read(file);
    assert.equal(rec.header.producer, 'cli');
    assert.equal(rec.header.version, '1.0');
    assert.equal(rec.header.parameters.scenario, scenario);
    assert.equal(rec.header.parameters.items, 2000);
    assert.equal(rec.header.pageSize, 4096);
    assert.match(rec.header.libraryVersion ?? '', /^\d+\.\d+\.\d+/);
    assert.equal(rec.complete, true);
    assert.equal(rec.truncated, false);
    assert.equal(rec.end?.outcome, 'done');
    assert.deepEqual(rec.end?.result, printed, 'the recorded result is the one --json printed');
    assert.ok(rec.samples.length >= 1, 'at least the final sample');
    assert.equal(rec.samples.at(-1)?.items, 2000, 'the last sample has every item');
    for (const line of readFileSync(file, 'utf8').trimEnd().split('\n')) {
      assert.ok(validateRecord(JSON.parse(line)), `${line.slice(0, 60)}: ${JSON.stringify(validateRecord.errors)}`);
    }
    const want = EXPECTED[scenario];
    if (want.alloc !== undefined) {
      assert.equal(rec.eventTotals.perKind.alloc?.seen, want.alloc);
      assert.equal(rec.eventTotals.perKind.free?.seen ?? 0, want.free);
      assert.equal(rec.eventTotals.dropped, 0);
      assert.equal(rec.events.filter((e) => e.kind === 'alloc').length, want.alloc, 'under the bound, every alloc event is kept');
    }
  });
}

test('a run killed with SIGKILL leaves a readable recording up to its last sample', async () => {
  const file = path.join(scratch, 'killed.memmaprun');
  const child = spawn(process.execPath, [runner, 'run', '--scenario', 'grow', '--items', '20000000', '--offset-bits', '64', '--record', file], {
    cwd: scratch, stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const samplesInFile = () => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{"type":"sample"')).length : 0);
  const deadline = Date.now() + 60000;
  while (samplesInFile() < 4) {
    assert.ok(Date.now() < deadline, 'no 4 samples within 60 s');
    assert.equal(child.exitCode, null, 'the run is still going');
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  const bytes = readFileSync(file);
  const rec = read(file);
  assert.equal(rec.complete, false, 'no end record: the runner was killed');
  assert.ok(rec.samples.length >= 4, `${rec.samples.length} samples`);
  // Every complete sample line in the file was read (a cut one at the very end is left out).
  const lines = bytes.toString('utf8').split('\n');
  const completeSamples = lines.slice(0, -1).filter((l) => l.startsWith('{"type":"sample"')).length;
  assert.equal(rec.samples.length, completeSamples);
  for (let i = 1; i < rec.samples.length; i++) assert.ok(rec.samples[i].ops >= rec.samples[i - 1].ops, 'samples in order');
  assert.ok(rec.samples.at(-1)!.items < 20000000, 'killed before the end');
  assert.ok(rec.events.length > 0, 'events recorded as well');
});

test('--record over an existing recording: replaced when the run ends, kept whole while it runs and when the run is killed', async () => {
  const dir = mkdtempSync(path.join(scratch, 'replace-'));
  const file = path.join(dir, 'old.memmaprun');
  const first = await cli(['run', '--scenario', 'grow', '--items', '2000', '--record', file]);
  assert.equal(first.code, 0, first.stderr);
  const old = readFileSync(file);
  assert.equal(read(file).header.parameters.items, 2000);
  // A second run to the same path, killed: the old recording is untouched, the partial one beside it readable.
  const child = spawn(process.execPath, [runner, 'run', '--scenario', 'grow', '--items', '20000000', '--offset-bits', '64', '--record', file], {
    cwd: scratch, stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const partial = path.join(dir, `old.partial-${child.pid}.memmaprun`);
  const deadline = Date.now() + 60000;
  while (!existsSync(partial) || !readFileSync(partial, 'utf8').includes('{"type":"sample"')) {
    assert.ok(Date.now() < deadline, `no sample in ${partial} within 60 s (files: ${readdirSync(dir).join(', ')})`);
    assert.deepEqual(readFileSync(file), old, 'the old recording is untouched while the new run writes');
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  assert.deepEqual(readFileSync(file), old, 'a killed run leaves the old recording as it was');
  const killed = read(partial);
  assert.equal(killed.complete, false);
  assert.equal(killed.header.parameters.items, 20000000);
  rmSync(partial);
  // A third run that ends replaces it, and leaves nothing else.
  const third = await cli(['run', '--scenario', 'deletions', '--items', '3000', '--record', file]);
  assert.equal(third.code, 0, third.stderr);
  assert.deepEqual(readdirSync(dir), ['old.memmaprun']);
  const rec = read(file);
  assert.equal(rec.complete, true);
  assert.equal(rec.header.parameters.scenario, 'deletions');
  assert.equal(rec.header.parameters.items, 3000);
});

test('bad --record paths get one clear line, exit 2, and nothing is left behind', async () => {
  const aFile = path.join(scratch, 'plain-file');
  writeFileSync(aFile, 'x');
  const aDir = path.join(scratch, 'a-dir');
  mkdirSync(aDir);
  const link = path.join(scratch, 'null-link');
  symlinkSync('/dev/null', link);
  const cases: [string[], RegExp][] = [
    [['--record', path.join(scratch, 'missing', 'r.memmaprun')], /^memmap-lab: --record .*r\.memmaprun: the directory .*missing does not exist; allowed: a file path in an existing, writable directory/],
    [['--record', path.join(aFile, 'r.memmaprun')], /^memmap-lab: --record .*: .*plain-file is not a directory; allowed: /],
    [['--record', aDir], /^memmap-lab: --record .*a-dir is a directory; allowed: /],
    [['--record', '/dev/null'], /^memmap-lab: --record \/dev\/null exists and is not a regular file; allowed: /],
    [['--record', link], /^memmap-lab: --record .*null-link exists and is not a regular file; allowed: /],
    [['--record', ''], /^memmap-lab: --record needs a file name; allowed: /],
    [['--record'], /^memmap-lab: option --record needs a value: the file to record to/],
    [['--record', 'a.memmaprun', '--record', 'b.memmaprun'], /^memmap-lab: option --record is given twice; allowed: once/],
    // A bad run parameter is refused before the recording is made.
    [['--items', '0', '--record', 'c.memmaprun'], /^memmap-lab: items "0" is not allowed/],
  ];
  const before = readdirSync(scratch).sort();
  for (const [args, message] of cases) {
    const r = await cli(['run', ...(args.includes('--items') ? [] : ['--items', '100']), ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.deepEqual(readdirSync(scratch).sort(), before, 'no file made');
  assert.equal(readFileSync(aFile, 'utf8'), 'x');
});

/** Runs `body` in a 64 KiB tmpfs (it fills up during a run: the header and the first records fit, not 200,000 items' events). */
async function onAFullDevice(t: { diagnostic(s: string): void; skip(s: string): void }, body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-record-full-'));
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { encoding: 'utf8' });
  if (m.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    t.diagnostic(`FULL-DEVICE TEST NOT RUN: mount -t tmpfs failed here (${m.error?.message ?? m.stderr.trim()})`);
    t.skip('cannot mount a small tmpfs');
    return;
  }
  try {
    await body(dir);
  } finally {
    spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a recording that cannot be written (a full device) is said once, the run stopped, exit 74, the file removed', (t) => onAFullDevice(t, async (dir) => {
  const file = path.join(dir, 'full.memmaprun');
  const r = await cli(['run', '--items', '200000', '--record', file]);
  assert.equal(r.code, 74, r.stderr);
  assert.equal(r.stderr, `memmap-lab: io: writing the recording ${file} failed: ENOSPC: no space left on device, write; the run is cancelled and the recording removed\n`);
  assert.equal(r.stdout, '');
  assert.deepEqual(readdirSync(dir), [], 'the partial recording is removed');
}));

test('a recording that cannot be written (a full device) over an existing one is said once, exit 74, the partial removed and the old recording kept', (t) => onAFullDevice(t, async (dir) => {
  const file = path.join(dir, 'full.memmaprun');
  writeFileSync(file, 'the old recording');
  const r = await cli(['run', '--items', '200000', '--record', file]);
  assert.equal(r.code, 74, r.stderr);
  assert.equal(r.stderr, `memmap-lab: io: writing the recording ${file} failed: ENOSPC: no space left on device, write; the run is cancelled, its partial recording removed and the existing ${file} kept\n`);
  assert.equal(r.stdout, '');
  assert.deepEqual(readdirSync(dir), ['full.memmaprun'], 'the partial recording is removed');
  assert.equal(readFileSync(file, 'utf8'), 'the old recording', 'the old recording is kept');
}));
