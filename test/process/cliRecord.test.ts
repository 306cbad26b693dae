// `node dist/runner.js run --record FILE` (issue 17): the recording is written as the run goes.
// Process tests: the real runner and native library, read back with common/recording.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
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
  const partialOf = () => readdirSync(dir).find((f) => f.startsWith(`old.partial-${child.pid}-`) && f.endsWith('.memmaprun'));
  const deadline = Date.now() + 60000;
  let partial = '';
  while (!partialOf() || !readFileSync((partial = path.join(dir, partialOf()!)), 'utf8').includes('{"type":"sample"')) {
    assert.ok(Date.now() < deadline, `no sample in a partial within 60 s (files: ${readdirSync(dir).join(', ')})`);
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
    // A path naming a directory is never made into a file.
    [['--record', 'newname/'], /^memmap-lab: --record newname\/ names a directory; allowed: /],
    [['--record', `${aDir}/.`], /^memmap-lab: --record .*a-dir\/\. names a directory; allowed: /],
    [['--record', '..'], /^memmap-lab: --record \.\. names a directory; allowed: /],
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

/** Runs `body` in a 64 KiB (or `size`) tmpfs (it fills up during a run: the header and the first records fit, not 200,000 items' events). */
async function onAFullDevice(t: { diagnostic(s: string): void; skip(s: string): void }, body: (dir: string) => Promise<void>, size = '64k'): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-record-full-'));
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
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

/** Spawns the CLI; `until` is polled every 25 ms (at most 60 s) before `then` runs; resolves with its exit. */
function spawnCli(args: string[]) {
  const child = spawn(process.execPath, [runner, ...args], { cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, exited };
}

async function waitFor(what: string, cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 60000;
  while (!cond()) {
    assert.ok(Date.now() < deadline, `${what}: not within 60 s`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const hasSample = (f: string) => existsSync(f) && readFileSync(f, 'utf8').includes('{"type":"sample"');

test('a partial file is made under a new name: a link or pipe planted at the predictable `<name>.partial-<pid>` is never followed', async () => {
  const dir = mkdtempSync(path.join(scratch, 'planted-'));
  const file = path.join(dir, 'old.memmaprun');
  writeFileSync(file, 'the old recording');
  const victim = path.join(dir, 'victim');
  writeFileSync(victim, 'not yours');
  // `exec` keeps the shell's pid: the links are planted at the names a pid-only partial would take.
  const plant = `ln -s ${victim} ${dir}/old.partial-$$.memmaprun && ln ${victim} ${dir}/old.partial-$$-x.memmaprun && exec "$0" "$@"`;
  const r = spawnSync('sh', ['-c', plant, process.execPath, runner, 'run', '--items', '2000', '--record', file], { cwd: scratch, encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(victim, 'utf8'), 'not yours', 'the planted link was not written through');
  assert.equal(read(file).header.parameters.items, 2000, 'the recording replaced the old one');
  assert.equal(readdirSync(dir).filter((f) => f.includes('partial')).length, 2, 'the planted names are left as they were, no partial of the run left');
});

test('another run replacing a file this run writes directly: this run never removes it, and says its own recording is lost (exit 74)', async () => {
  const dir = mkdtempSync(path.join(scratch, 'race-'));
  const file = path.join(dir, 'x.memmaprun');
  const a = spawnCli(['run', '--scenario', 'grow', '--items', '500000', '--record', file]);
  await waitFor('a sample in the direct recording', () => hasSample(file));
  // What run B does when it ends: its partial renamed over the path.
  writeFileSync(path.join(dir, 'b'), 'run B');
  renameSync(path.join(dir, 'b'), file);
  const r = await a.exited;
  assert.equal(r.code, 74, r.stderr);
  assert.equal(r.stderr, `memmap-lab: io: another run replaced ${file} while this one recorded; this run's recording is not kept\n`);
  assert.match(r.stdout, /^grow .* 500000 items, .* verified\n/, 'the result is still printed');
  assert.equal(readFileSync(file, 'utf8'), 'run B', 'run B\'s recording is kept');
});

test('a run whose direct recording fails after another run replaced the path removes nothing of the other run', (t) => onAFullDevice(t, async (dir) => {
  const file = path.join(dir, 'x.memmaprun');
  const a = spawnCli(['run', '--scenario', 'grow', '--items', '20000000', '--offset-bits', '64', '--record', file]);
  await waitFor('a sample in the direct recording', () => hasSample(file));
  writeFileSync(path.join(dir, 'b'), 'run B');
  renameSync(path.join(dir, 'b'), file);
  spawnSync('dd', ['if=/dev/zero', `of=${path.join(dir, 'filler')}`, 'bs=4096']); // fills the device: A's next write fails
  const r = await a.exited;
  assert.equal(r.code, 74, r.stderr);
  assert.equal(r.stderr, `memmap-lab: io: writing the recording ${file} failed: ENOSPC: no space left on device, write; the run is cancelled; another run replaced ${file} meanwhile, and that recording is kept\n`);
  assert.equal(readFileSync(file, 'utf8'), 'run B', 'run B\'s recording is not removed');
}, '1m'));

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  test(`a run cancelled with ${sig} over an existing recording keeps it and leaves its own readable partial beside it, said in one line`, async () => {
    const dir = mkdtempSync(path.join(scratch, 'cancel-'));
    const file = path.join(dir, 'old.memmaprun');
    writeFileSync(file, 'the old recording');
    const a = spawnCli(['run', '--scenario', 'grow', '--items', '20000000', '--offset-bits', '64', '--record', file]);
    const partial = () => readdirSync(dir).find((f) => f.startsWith('old.partial-'));
    await waitFor('a sample in the partial', () => partial() !== undefined && hasSample(path.join(dir, partial()!)));
    a.child.kill(sig);
    const r = await a.exited;
    const signals: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };
    assert.equal(r.code, 128 + signals[sig], r.stderr);
    assert.equal(readFileSync(file, 'utf8'), 'the old recording', 'the old recording is kept');
    const kept = path.join(dir, partial()!);
    assert.deepEqual(readdirSync(dir).sort(), ['old.memmaprun', path.basename(kept)].sort());
    assert.ok(r.stderr.includes(`memmap-lab: the run was cancelled: the existing ${file} is kept, this run's recording is ${kept}\n`), r.stderr);
    const rec = read(kept);
    assert.equal(rec.complete, true, 'the cancelled run\'s recording has its end record');
    assert.equal(rec.header.parameters.items, 20000000);
  });
}

test('a run ending in an error of its own (a budget\'s wall) replaces an existing recording: it is a whole recording of that run', async () => {
  const dir = mkdtempSync(path.join(scratch, 'wall-'));
  const file = path.join(dir, 'old.memmaprun');
  writeFileSync(file, 'the old recording');
  const r = await cli(['run', '--scenario', 'baseline', '--items', '3000000', '--address-budget', '64M', '--record', file]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /nomem: the heap ran out of its 64 MiB address budget/);
  assert.deepEqual(readdirSync(dir), ['old.memmaprun']);
  const rec = read(file);
  assert.equal(rec.complete, true);
  assert.equal(rec.end?.outcome, 'error');
});

test('the replacement keeps the old recording\'s mode and (run as root) its owner', async () => {
  const dir = mkdtempSync(path.join(scratch, 'mode-'));
  const file = path.join(dir, 'secret.memmaprun');
  const root = process.getuid?.() === 0;
  for (const [mode, items] of [[0o600, 2000], [0o664, 3000]]) {
    writeFileSync(file, 'the old recording');
    chmodSync(file, mode);
    if (root) chownSync(file, 1234, 2345);
    const r = await cli(['run', '--items', String(items), '--record', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(read(file).header.parameters.items, items);
    const st = statSync(file);
    assert.equal(st.mode & 0o777, mode, `mode ${(st.mode & 0o777).toString(8)}, want ${mode.toString(8)}`);
    if (root) assert.deepEqual([st.uid, st.gid], [1234, 2345]);
  }
});

test('a name near the 255-byte limit is replaced too (its partial gets a short name in the same directory)', async () => {
  const dir = mkdtempSync(path.join(scratch, 'long-'));
  const file = path.join(dir, `${'r'.repeat(245)}.memmaprun`);
  writeFileSync(file, 'the old recording');
  const r = await cli(['run', '--items', '2000', '--record', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(readdirSync(dir), [path.basename(file)]);
  assert.equal(read(file).header.parameters.items, 2000);
});

/** Bind-mounts `source` over `target` (read-only if asked) for `body`; a rename over a mount point fails with EBUSY. */
async function bindMounted(t: { diagnostic(s: string): void; skip(s: string): void }, source: string, target: string, ro: boolean, body: () => Promise<void>): Promise<void> {
  const m = spawnSync('mount', ['--bind', source, target], { encoding: 'utf8' });
  if (m.status !== 0) {
    t.diagnostic(`BIND-MOUNT TEST NOT RUN: mount --bind failed here (${m.error?.message ?? m.stderr.trim()})`);
    t.skip('cannot bind-mount');
    return;
  }
  try {
    if (ro) {
      const r = spawnSync('mount', ['-o', 'remount,bind,ro', target], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
    await body();
  } finally {
    spawnSync('umount', [target]);
  }
}

test('when the partial cannot be renamed over the old recording (a bind-mounted target, EBUSY), its bytes are copied in place', (t) => {
  const dir = mkdtempSync(path.join(scratch, 'busy-'));
  const file = path.join(dir, 'old.memmaprun');
  writeFileSync(file, 'the old recording');
  return bindMounted(t, file, file, false, async () => {
    const r = await cli(['run', '--items', '2000', '--record', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual(readdirSync(dir), ['old.memmaprun'], 'the partial is removed');
    assert.equal(read(file).header.parameters.items, 2000);
  });
});

test('when the partial can be neither renamed nor copied over the old recording, it is kept, said in one line, the result printed, exit 74', (t) => {
  const dir = mkdtempSync(path.join(scratch, 'rofile-'));
  const file = path.join(dir, 'old.memmaprun');
  writeFileSync(file, 'the old recording');
  return bindMounted(t, file, file, true, async () => {
    const r = await cli(['run', '--items', '2000', '--record', file]);
    assert.equal(r.code, 74, r.stderr);
    assert.match(r.stdout, /^grow .* 2000 items, .* verified\n/, 'the result is printed');
    const partials = readdirSync(dir).filter((f) => f.startsWith('old.partial-'));
    assert.equal(partials.length, 1, readdirSync(dir).join(', '));
    const kept = path.join(dir, partials[0]);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^memmap-lab: io: the run ended but its recording could not replace ${file} \\(EBUSY.*EROFS.*\\); it is kept as ${kept.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n$`));
    assert.doesNotMatch(r.stderr, /cancel/);
    assert.equal(readFileSync(file, 'utf8'), 'the old recording');
    assert.equal(read(kept).complete, true);
  });
});

test('a device already full when the header is written is said as such (exit 74), with no path hint, and nothing left', (t) => onAFullDevice(t, async (dir) => {
  spawnSync('dd', ['if=/dev/zero', `of=${path.join(dir, 'filler')}`, 'bs=4096']);
  const file = path.join(dir, 'new.memmaprun');
  const r = await cli(['run', '--items', '2000', '--record', file]);
  assert.equal(r.code, 74, r.stderr);
  assert.equal(r.stderr, `memmap-lab: --record ${file}: cannot write it: the device is full (ENOSPC: no space left on device, write)\n`);
  assert.deepEqual(readdirSync(dir), ['filler']);
}));
