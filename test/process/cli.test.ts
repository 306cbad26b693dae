// The runner as a command-line tool: `node dist/runner.js run ...`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '..', '..');
const runner = path.join(root, 'dist', 'runner.js');
const run = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [runner, ...args], { cwd: root, timeout: 120000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'memmap-cli-test-'));
const aFile = path.join(scratch, 'not-a-dir');
writeFileSync(aFile, 'x');
const readOnly = path.join(scratch, 'read-only');
mkdirSync(readOnly);

const BAD: [string[], RegExp][] = [
  [['--items', '0'], /items "0" is not allowed; allowed: a whole number from 1 to/],
  [['--items', '-3'], /items "-3" is not allowed/],
  [['--items', 'lots'], /items "lots" is not allowed/],
  [['--items', 'NaN'], /items "NaN" is not allowed/],
  [['--items', '99999999999'], /items "99999999999" is not allowed/],
  [['--view-size', '1000'], /viewSize "1000" is out of range; allowed: .*a multiple of the granularity \(64 KiB\)/],
  [['--view-size', '100K'], /viewSize 100 KiB is not a multiple of the granularity \(64 KiB\)/],
  [['--view-size', '32K'], /viewSize "32K" is out of range; allowed: .*from 64 KiB/],
  [['--granularity', '6000'], /granularity 6000 bytes is not a multiple of the OS page size/],
  [['--initial-size', '8G'], /initialFileSize "8G" is beyond what 32-bit offsets address \(4 GiB\)/],
  [['--initial-size', '0'], /initialFileSize "0" is out of range/],
  [['--mode', 'ram'], /mode "ram" is not allowed; allowed: pagefile, disk/],
  [['--growth', 'fast'], /growth "fast" is not allowed; allowed: seed, copy, remap, reserve/],
  [['--scenario', 'fly'], /scenario "fly" is not allowed; allowed: baseline, grow, deletions, random/],
  [['--view', 'half'], /view "half" is not allowed; allowed: sliding, whole/],
  [['--offset-bits', '16'], /offsetBits "16" is not allowed; allowed: 32, 64/],
  [['--seed', '-1'], /seed "-1" is not allowed/],
  [['--frobnicate'], /unknown option "--frobnicate"; allowed: --scenario/],
  [['--items'], /option --items needs a value/],
  [['--items', '5', '--items', '6'], /option --items is given twice/],
  [['--json', '--ndjson'], /--json and --ndjson cannot be combined/],
  [['--json', '--json'], /^memmap-lab: option --json is given twice; allowed: once \(see memmap-lab help\)$/],
  [['--ndjson', '--ndjson'], /^memmap-lab: option --ndjson is given twice; allowed: once \(see memmap-lab help\)$/],
  [['--prefault', '--prefault=false'], /^memmap-lab: option --prefault is given twice; allowed: once \(see memmap-lab help\)$/],
  [['--mode', 'disk', '--cold', '--cold'], /^memmap-lab: option --cold is given twice; allowed: once \(see memmap-lab help\)$/],
  // The switches take no value: `--json=false` never turns the output on.
  [['--json=false'], /^memmap-lab: option --json takes no value; allowed: --json alone \(see memmap-lab help\)$/],
  [['--json=1'], /^memmap-lab: option --json takes no value; allowed: --json alone/],
  [['--json='], /^memmap-lab: option --json takes no value; allowed: --json alone/],
  [['--ndjson=false'], /^memmap-lab: option --ndjson takes no value; allowed: --ndjson alone/],
  [['--prefault='], /^memmap-lab: option --prefault="" is not allowed; allowed: --prefault, --prefault=true or --prefault=false \(see memmap-lab help\)$/],
  [['--mode', 'disk', '--cold=1'], /^memmap-lab: option --cold="1" is not allowed; allowed: --cold, --cold=true or --cold=false \(see memmap-lab help\)$/],
  [['--mode', 'disk', '--disk-dir', path.join(scratch, 'missing')], /disk directory .*missing does not exist; allowed: an existing, writable directory/],
  [['--mode', 'disk', '--disk-dir', aFile], /is not a directory; allowed: an existing, writable directory/],
];

for (const [args, message] of BAD) {
  test(`run ${args.join(' ')}: exit 2, one clear line`, async () => {
    const r = await cli(['run', ...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^memmap-lab: /);
    assert.match(lines[0], message);
    assert.doesNotMatch(r.stderr, /\n\s+at |Error:/, 'no stack trace');
  });
}

test('the CLI stays English where the extension host would be German (issue 18: common/ translates only where configured)', async () => {
  // What a German VS Code passes on to the processes it starts; the runner configures no bundle, so
  // the parameter check common/ shares with the panel says it in English (German there: see
  // test/unit/common/commonL10n.test.ts).
  const env = {
    ...process.env, LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8', LANGUAGE: 'de',
    VSCODE_NLS_CONFIG: JSON.stringify({ locale: 'de', osLocale: 'de', availableLanguages: { '*': 'de' } }),
  };
  const r = await run(process.execPath, [runner, 'run', '--items', '0'], { cwd: root, timeout: 120000, env })
    .then(() => assert.fail('the run was not refused'), (err: { code: number; stderr: string }) => err);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.trim(), 'memmap-lab: items "0" is not allowed; allowed: a whole number from 1 to 1,000,000,000 '
    + '(commas and K, M, G for thousands, millions, billions accepted: 100,000 or 1M)');
});

test('an unwritable disk directory is refused', async (t) => {
  let dir = readOnly;
  let unmount = (): void => undefined;
  if (process.getuid?.() === 0) {
    // Root may write to a 0500 directory; a read-only mount stops root too.
    dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-ro-'));
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir], { encoding: 'utf8' });
    if (m.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      t.diagnostic(`UNWRITABLE-DIR TEST NOT RUN: running as root and mount -o ro failed: ${m.stderr.trim()}`);
      t.skip('cannot make a directory root cannot write to');
      return;
    }
    unmount = () => {
      spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    };
  } else {
    chmodSync(readOnly, 0o500);
  }
  try {
    const r = await cli(['run', '--mode', 'disk', '--disk-dir', dir]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^memmap-lab: disk directory .* is not writable; allowed: an existing, writable directory/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  } finally {
    unmount();
  }
});

test('unknown command and help', async () => {
  const r = await cli(['explode']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command "explode"; allowed: run, info, help/);
  const h = await cli(['help']);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /--scenario baseline\|grow\|deletions\|random/);
});

test('--json prints exactly one object with the documented fields', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-cli-json-'));
  try {
    const r = await cli(['run', '--scenario', 'deletions', '--mode', 'disk', '--items', '3000', '--disk-dir', dir, '--view-size', '256K', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const o = JSON.parse(lines[0]);
    assert.deepEqual(Object.keys(o), ['scenario', 'mode', 'offsetBits', 'items', 'viewSize', 'initialFileSize', 'granularity', 'growth', 'view', 'prefault', 'verified', 'elapsedMs', 'stats', 'process', 'cache', 'latency', 'stalls', 'residency', 'timeBreakdown']);
    assert.deepEqual(Object.keys(o.latency), ['alloc', 'deref', 'free', 'mapView', 'unmapView', 'grow']);
    assert.deepEqual(Object.keys(o.timeBreakdown), ['wallNs', 'libraryNs', 'copyCompareNs', 'heapNs', 'mapUnmapNs', 'pageFaultsNs', 'growthNs', 'evictNs', 'runnerNs', 'pausedNs', 'faults']);
    assert.equal(o.cache, 'warm');
    assert.deepEqual(Object.keys(o.stats), ['allocs', 'deletions', 'recycledAllocs', 'bytesAllocated', 'bytesFreed', 'fileMaps', 'mapViews', 'compactions', 'freeListBytes', 'fileSize']);
    assert.deepEqual(Object.keys(o.process), ['peakRssBytes', 'virtualBytes', 'minorFaults', 'majorFaults', 'processTotals']);
    assert.equal(o.verified, true);
    assert.equal(o.viewSize, 262144);
    assert.equal(o.stats.allocs, 3000);
    assert.equal(o.stats.deletions, 3000);
    assert.equal(o.stats.bytesFreed, o.stats.bytesAllocated);
    assert.deepEqual(readdirSync(dir), [], 'the disk file is removed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the summary is the seed\'s GetStats line', async () => {
  const r = await cli(['run', '--items', '1000']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^grow WithPageFile 1000 items, [\d.]+ ms, verified\n#Allocs =1000 #del = 0 #recycle=0 TotAlloc= 1002000 {2}TotDel = 0 nFileMaps=\d+\n {3}nMapViews = \d+ {2}nCompcts = 0, nFreeListsize = 0, ulMemSize = \d+, ViewSize = 131072, InitSize = 65536\n$/);
});

test('--ndjson: hello first, then samples, then done; SIGINT cancels and leaves no file', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-cli-int-'));
  try {
    const child = spawn(process.execPath, [runner, 'run', '--scenario', 'grow', '--mode', 'disk', '--items', '5000000', '--offset-bits', '64', '--disk-dir', dir, '--ndjson'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait (polling, generous deadline) until the run is well under way: a
    // few samples and a file of 256 MiB or more. How fast SIGINT ends the run
    // is measured by bench/latency.mjs, not asserted here.
    const samplesSoFar = () => out.split('\n').filter((l) => l.includes('"type":"sample"'));
    const deadline = Date.now() + 60000;
    for (;;) {
      const last = samplesSoFar().pop();
      if (samplesSoFar().length >= 3 && last && JSON.parse(last).counters.fileSize >= 256 << 20) break;
      assert.ok(Date.now() < deadline, 'the run did not reach 256 MiB within 60 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(readdirSync(dir).length, 1, 'the disk file exists while running');
    child.kill('SIGINT');
    const code = await exited;
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines[0].type, 'hello');
    const samples = lines.filter((l) => l.type === 'sample');
    assert.ok(samples.length >= 3, `${samples.length} samples`);
    for (let i = 1; i < samples.length; i++) assert.ok(samples[i].elapsedMs > samples[i - 1].elapsedMs, 'samples in time order');
    const last = lines[lines.length - 1];
    assert.deepEqual([last.type, last.code], ['error', 'cancelled']);
    assert.equal(code, 130, 'Ctrl+C: exit status 130');
    assert.deepEqual(readdirSync(dir), [], 'no file left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** What this machine can give page-file memory, worked out here from /proc/meminfo (docs/RELIABILITY.md: an eighth of it, at least 128 MiB, stays free). */
function usableGiB(): number {
  const kib = Number(/^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]);
  const room = kib * 1024;
  return (room - Math.max(room / 8, 128 * 2 ** 20)) / 2 ** 30;
}

test('page-file mode beyond the memory the machine can give: nomem and one sentence, exit 1, not killed', async (t) => {
  if (process.platform !== 'linux') {
    t.diagnostic(`PAGE-FILE BOUND CLI TEST NOT RUN: the expected figure is read from /proc/meminfo (this is ${process.platform})`);
    t.skip('needs /proc/meminfo');
    return;
  }
  const expected = usableGiB();
  const r = await cli(['run', '--mode', 'pagefile', '--offset-bits', '64', '--initial-size', '1024G', '--items', '10']);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  const m = /^memmap-lab: nomem: page-file mode needs 1 TiB but this (machine|process's memory limit) can give about ([\d.]+) (GiB|MiB); use disk mode or fewer items/.exec(lines[0]);
  assert.ok(m, lines[0]);
  if (m[1] === 'machine') {
    const got = Number(m[2]) / (m[3] === 'MiB' ? 1024 : 1);
    assert.ok(Math.abs(got - expected) <= Math.max(1, expected * 0.25), `said ${got} GiB, /proc/meminfo gives ${expected.toFixed(1)} GiB`);
  }
  assert.doesNotMatch(r.stderr, /\n\s+at |Error:/, 'no stack trace');
});

test('a closed stdout (| head -c 10) cancels the run, removes its file and exits non-zero without a stack trace', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-cli-epipe-'));
  try {
    const child = spawn(process.execPath, [runner, 'run', '--ndjson', '--mode', 'disk', '--disk-dir', dir, '--items', '300000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => (err += d));
    // What `| head -c 10` does: read 10 bytes, then close the pipe.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (c, s) => resolve({ code: c, signal: s })));
    assert.equal(signal, null, `killed by ${signal}`);
    assert.ok(code !== 0 && code !== null, `exit status ${code}`);
    assert.doesNotMatch(err, /\n\s+at |Unhandled|Error:/, `no stack trace: ${err}`);
    assert.match(err, /^memmap-lab: cancelled: the output was closed \(EPIPE\); the run was cancelled and its file removed\n$/);
    assert.deepEqual(readdirSync(dir), [], 'the disk file is removed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const [sig, status] of [['SIGHUP', 129], ['SIGTERM', 143]] as const) {
  test(`${sig} (${sig === 'SIGHUP' ? 'the terminal closed' : 'kill'}) cancels like Ctrl+C: the file removed, exit ${status}`, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-cli-hup-'));
    try {
      const child = spawn(process.execPath, [runner, 'run', '--mode', 'disk', '--disk-dir', dir, '--items', '5000000', '--offset-bits', '64'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (d: string) => (err += d));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (c, s) => resolve({ code: c, signal: s })));
      const deadline = Date.now() + 20000;
      while (readdirSync(dir).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(readdirSync(dir).length, 1, 'the disk file exists while running');
      child.kill(sig);
      const { code, signal } = await exited;
      assert.equal(signal, null, `killed by ${signal}: the signal was not handled`);
      assert.equal(code, status);
      assert.match(err, /memmap-lab: cancelled: the run was cancelled/);
      assert.deepEqual(readdirSync(dir), [], 'no file left behind');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('under an address-space limit (prlimit --as=3G) the baseline ends with nomem and the library\'s sentence, not V8\'s fatal OOM', async (t) => {
  const probe = spawnSync('prlimit', ['--as=3221225472', 'true'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    t.diagnostic(`ADDRESS-SPACE TEST NOT RUN: prlimit failed here (${probe.error?.message ?? probe.stderr.trim()})`);
    t.skip('no prlimit');
    return;
  }
  const cases: [string[], RegExp][] = [
    [['--scenario', 'baseline', '--items', '2000000'], /^memmap-lab: nomem: the baseline needs about 3\.8 GiB but this process's address-space limit can give about [\d.]+ GiB; use fewer items \(address-space limit \(RLIMIT_AS\) 3221225472 bytes/],
    [['--scenario', 'grow', '--items', '1000000000', '--offset-bits', '64'], /^memmap-lab: nomem: out of memory for 1000000000 locators: they need about 15 GiB but this process's address-space limit can give about/],
  ];
  for (const [args, message] of cases) {
    const r = spawnSync('prlimit', ['--as=3221225472', process.execPath, runner, 'run', ...args], { encoding: 'utf8', timeout: 120000 });
    assert.equal(r.signal, null, `${args.join(' ')}: killed by ${r.signal}`);
    assert.equal(r.status, 1, `${args.join(' ')}: exit ${r.status}: ${r.stderr.slice(0, 300)}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr.slice(0, 500));
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /FATAL|heap out of memory|\n\s+at /);
  }
});

test('a file-size limit (ulimit -f) ends the run with its own code, filesize, and words, not overflow; no file left', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-cli-fsize-'));
  try {
    // What `ulimit -f` sets, in bytes (prlimit's unit; a shell's ulimit counts 512- or 1024-byte blocks).
    const r = spawnSync('prlimit', ['--fsize=20480000', process.execPath, runner, 'run', '--mode', 'disk', '--disk-dir', dir, '--items', '100000'], { encoding: 'utf8', timeout: 120000 });
    assert.equal(r.signal, null, `killed by ${r.signal}`);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^memmap-lab: filesize: file too large: growing .*memmap-lab-\d+-\d+\.mmap to \d+ bytes passes this process's file-size limit \(ulimit -f, RLIMIT_FSIZE: 20480000 bytes\); allowed: /);
    assert.deepEqual(readdirSync(dir), [], 'no file left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));

test('an output that cannot be written (a full device) is said once and exits 74, never 0 with the result lost', { skip: !existsSyncDevFull() && 'no /dev/full on this OS' }, () => {
  for (const output of ['--json', '--ndjson', '']) {
    const fd = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [runner, 'run', '--items', '2000', ...(output ? [output] : [])], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
      assert.equal(r.status, 74, `${output || 'summary'}: exit ${r.status}, stderr ${r.stderr}`);
      assert.deepEqual(r.stderr.trim().split('\n'), ['memmap-lab: io: writing the output failed: ENOSPC: no space left on device, write'], output);
    } finally {
      closeSync(fd);
    }
  }
});

function existsSyncDevFull(): boolean {
  try {
    closeSync(openSync('/dev/full', 'w'));
    return true;
  } catch {
    return false;
  }
}
