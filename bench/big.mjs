// Beyond RAM: store SIZE bytes (default 50G) with the grow scenario in disk
// mode, verify every byte (the scenario reads every item back), and report
// the runner's peak resident size and its throughput against the disk's
// sequential write speed measured in the same run (plain pwrite of the same
// number of bytes into a temp file, then fsync; then a sequential read of it).
//   node bench/big.mjs [--size 50G] [--dir DIR] [--view-size 128K] [--json] [--no-report]
// Sizes take K, M, G, T suffixes (powers of 1024). Checks free space first
// (statfs) and refuses with a clear message. Everything it creates lives in a
// fresh directory under DIR that is removed at the end, on error and on
// Ctrl+C. Writes bench/results/big.json and regenerates docs/BENCHMARKS.md.
import { spawn } from 'node:child_process';
import {
  closeSync, copyFileSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statfsSync,
  unlinkSync, writeFileSync, writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const asJson = argv.includes('--json');
const log = (s) => process.stderr.write(`${s}\n`);

function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)i?B?$/i.exec(String(s).trim());
  if (!m) throw new Error(`size "${s}" is not a size; allowed: a number of bytes with an optional K, M, G or T suffix (e.g. 50G)`);
  const mult = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[m[2].toUpperCase()];
  return Math.round(Number(m[1]) * mult);
}
const GiB = 2 ** 30;
const loadAtStart = (() => { try { return readFileSync('/proc/loadavg', 'utf8').trim(); } catch { return ''; } })();
const fmtGiB = (b) => `${(b / GiB).toFixed(1)} GiB`;

// Item i stores 2 * (i % 2000 + 1) bytes, rounded up to 4 by the heap:
// 4,004,000 bytes per 2000 items. The smallest item count storing >= size.
function itemsFor(size) {
  const cycle = 4_004_000;
  let items = Math.floor(size / cycle) * 2000;
  let bytes = (items / 2000) * cycle;
  while (bytes < size) {
    const k = items % 2000;
    bytes += (2 * (k + 1) + 3) & ~3;
    items++;
  }
  return { items, bytes };
}
// The disk file doubles from the 64 KiB initial size while offset + n >= size.
function finalFileSize(bytes, initial = 65536) {
  let f = initial;
  while (bytes >= f) f *= 2;
  return f;
}

let size;
let viewSize;
try {
  size = parseSize(arg('size', '50G'));
  viewSize = arg('view-size', '128K');
  parseSize(viewSize);
} catch (err) {
  log(`big: ${err.message}`);
  process.exit(2);
}
const baseDir = path.resolve(arg('dir', os.tmpdir()));
const { items, bytes } = itemsFor(size);
const fileSize = finalFileSize(bytes);

// ---- free space -------------------------------------------------------------
let st;
try {
  st = statfsSync(baseDir);
} catch (err) {
  log(`big: cannot inspect ${baseDir}: ${err.message}; allowed: --dir an existing, writable directory`);
  process.exit(2);
}
const free = st.bavail * st.bsize;
// The heap fallocates its file to the next doubling (64 GiB for 50 GiB), and
// the pwrite test needs the size itself (deleted before the heap runs).
const needed = Math.max(Math.ceil(size * 1.1), fileSize + Math.ceil(size * 0.1));
if (free < needed) {
  log(`big: not enough free space in ${baseDir}: ${fmtGiB(free)} free, ${fmtGiB(needed)} needed ` +
    `(the heap file grows by doubling to ${fmtGiB(fileSize)} for ${fmtGiB(bytes)} stored, plus a 10% margin). ` +
    `Use --size to store less or --dir to use another file system.`);
  process.exit(3);
}

// ---- cleanup, also on Ctrl+C ----------------------------------------------------
let work;
let child;
let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  if (child && child.exitCode === null) {
    try { child.kill('SIGKILL'); } catch { /* gone */ }
  }
  if (work) rmSync(work, { recursive: true, force: true });
}
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    interrupted = true;
    log(`big: ${sig}: stopping and removing ${work ?? 'nothing'}`);
    if (child && child.exitCode === null) {
      // The runner cancels on SIGINT and removes its file; force after 3 s.
      child.kill('SIGINT');
      setTimeout(() => { cleanup(); process.exit(130); }, 3000).unref();
      child.once('exit', () => { cleanup(); process.exit(130); });
    } else {
      // In the pwrite test: it sees the flag, removes its file and exits.
      setTimeout(() => { cleanup(); process.exit(130); }, 3000).unref();
    }
  });
}
process.on('exit', cleanup);

work = mkdtempSync(path.join(baseDir, 'memmap-big-'));
log(`big: storing ${fmtGiB(bytes)} (${items.toLocaleString('en-US')} items) in ${work}; ` +
  `${fmtGiB(free)} free, heap file will reach ${fmtGiB(fileSize)}`);

// ---- the disk's sequential speed: pwrite, fsync, then read back ----------------
async function diskSpeed() {
  const yieldNow = () => new Promise((resolve) => setImmediate(resolve)); // lets Ctrl+C in
  const file = path.join(work, 'pwrite.tmp');
  const chunk = 8 << 20;
  const buf = Buffer.alloc(chunk);
  for (let i = 0; i < chunk; i += 2) buf[i] = 0x61; // 'a', 0 like the items
  const fd = openSync(file, 'w+');
  try {
    const t0 = performance.now();
    let pos = 0;
    let lastLog = t0;
    while (pos < bytes) {
      const n = Math.min(chunk, bytes - pos);
      let done = 0;
      while (done < n) done += writeSync(fd, buf, done, n - done, pos + done);
      pos += n;
      await yieldNow();
      if (interrupted) throw new Error('interrupted');
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`big: pwrite ${fmtGiB(pos)} / ${fmtGiB(bytes)}`);
      }
    }
    const t1 = performance.now();
    fsyncSync(fd);
    const t2 = performance.now();
    pos = 0;
    while (pos < bytes) {
      const r = readSync(fd, buf, 0, Math.min(chunk, bytes - pos), pos);
      if (r <= 0) throw new Error('short read of the pwrite file');
      pos += r;
      await yieldNow();
      if (interrupted) throw new Error('interrupted');
    }
    const t3 = performance.now();
    return {
      bytes,
      pwriteMs: t1 - t0,
      pwriteFsyncMs: t2 - t0,
      preadMs: t3 - t2,
      writeGBps: bytes / ((t2 - t0) / 1000) / 1e9,
      writeNoFsyncGBps: bytes / ((t1 - t0) / 1000) / 1e9,
      readGBps: bytes / ((t3 - t2) / 1000) / 1e9,
    };
  } finally {
    closeSync(fd);
    unlinkSync(file);
  }
}

function meminfo() {
  const out = {};
  for (const line of readFileSync('/proc/meminfo', 'utf8').split('\n')) {
    const m = /^(\w+):\s+(\d+)/.exec(line);
    if (m) out[m[1]] = Number(m[2]) * 1024;
  }
  return out;
}

function heapRun() {
  return new Promise((resolve, reject) => {
    const args = [path.join(root, 'dist', 'runner.js'), 'run', '--scenario', 'grow', '--mode', 'disk',
      '--items', String(items), '--offset-bits', '64', '--view-size', viewSize, '--disk-dir', work, '--ndjson'];
    log(`big: node ${args.join(' ')}`);
    // A private copy of the library: a rebuild of dist/ during a long run cannot touch it.
    const lib = path.join(work, 'libmemmap.so');
    copyFileSync(process.env.MEMMAP_LIB || path.join(root, 'dist', 'libmemmap.so'), lib);
    child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MEMMAP_LIB: lib } });
    const t0 = performance.now();
    let verifyAtMs;
    let lastSampleMs = 0;
    let maxRss = 0;
    let maxDirty = 0;
    let maxCached = 0;
    let done;
    let error;
    let lastLog = 0;
    const memTimer = setInterval(() => {
      const m = meminfo();
      maxDirty = Math.max(maxDirty, (m.Dirty ?? 0) + (m.Writeback ?? 0));
      maxCached = Math.max(maxCached, m.Cached ?? 0);
    }, 1000);
    const rl = readline.createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      let msg;
      try { msg = JSON.parse(line); } catch { return; }
      if (msg.type === 'sample') {
        maxRss = Math.max(maxRss, msg.process?.rssBytes ?? 0);
        if (msg.phase !== 'alloc' && verifyAtMs === undefined) verifyAtMs = msg.elapsedMs;
        lastSampleMs = msg.elapsedMs;
        if (msg.elapsedMs - lastLog > 15_000) {
          lastLog = msg.elapsedMs;
          log(`big: ${(msg.elapsedMs / 1000).toFixed(0)} s ${msg.phase} ${msg.items.toLocaleString('en-US')} items, ` +
            `${fmtGiB(msg.counters.bytesAllocated)} stored, rss ${(msg.process.rssBytes / 2 ** 20).toFixed(0)} MiB, ` +
            `${msg.counters.mapViews.toLocaleString('en-US')} views`);
        }
      } else if (msg.type === 'done') done = msg.result;
      else if (msg.type === 'error') error = msg;
    });
    child.on('exit', (code, signal) => {
      clearInterval(memTimer);
      const wallMs = performance.now() - t0;
      child = undefined;
      if (done) resolve({ result: done, wallMs, verifyAtMs, lastSampleMs, maxRss, maxDirty, maxCached, exitCode: code });
      else reject(new Error(`the runner ended without a result (exit ${code}${signal ? `, ${signal}` : ''})${error ? `: ${error.code}: ${error.message}` : ''}`));
    });
  });
}

const machine = { memTotal: os.totalmem(), cpus: os.cpus().length, kernel: os.release(), loadStart: loadAtStart, loadEnd: readFileSync('/proc/loadavg', 'utf8').trim() };
log('big: measuring the disk: pwrite of the same byte count, fsync, sequential read');
let disk;
try {
  disk = await diskSpeed();
} catch (err) {
  if (!interrupted) log(`big: measuring the disk failed: ${err.message}`);
  cleanup();
  process.exit(interrupted ? 130 : 1);
}
log(`big: disk: pwrite+fsync ${disk.writeGBps.toFixed(3)} GB/s (${(disk.pwriteFsyncMs / 1000).toFixed(1)} s), ` +
  `without the fsync ${disk.writeNoFsyncGBps.toFixed(3)} GB/s, read ${disk.readGBps.toFixed(3)} GB/s`);
if (interrupted) process.exit(130);
const startedAt = new Date().toISOString();
let run;
try {
  run = await heapRun();
} catch (err) {
  log(`big: ${err.message}`);
  cleanup();
  process.exit(1);
}
const r = run.result;
// Phases from the samples (wall clock of the runner since its start, 100 ms
// resolution): the store phase ends at the first sample past it; the run
// ends at the last sample (sent before the file is removed).
const allocMs = run.verifyAtMs ?? run.lastSampleMs;
const summary = {
  startedAt,
  dir: baseDir,
  size,
  items,
  bytesStored: r.stats.bytesAllocated,
  fileSize: r.stats.fileSize,
  viewSize: r.viewSize,
  verified: r.verified,
  elapsedMs: r.elapsedMs,
  wallMs: run.wallMs,
  allocPhaseMs: allocMs, // from the samples (100 ms resolution, wall clock of the runner)
  verifyPhaseMs: run.lastSampleMs - allocMs,
  runWallMs: run.lastSampleMs,
  gbps: r.stats.bytesAllocated / (r.elapsedMs / 1000) / 1e9,
  storeGBps: r.stats.bytesAllocated / (allocMs / 1000) / 1e9,
  mapViews: r.stats.mapViews,
  fileMaps: r.stats.fileMaps,
  peakRssBytes: r.process.peakRssBytes,
  maxSampledRssBytes: run.maxRss,
  minorFaults: r.process.minorFaults,
  majorFaults: r.process.majorFaults,
  maxDirtyPlusWritebackBytes: run.maxDirty,
  maxPageCacheBytes: run.maxCached,
  disk,
  machine,
  library: 'chunked', // provisioning follows the cursor (issue 14); the report shows only such runs
};
summary.storeVsPwrite = summary.storeGBps / disk.writeGBps;               // >= 0.5: within 2x
summary.totalVsPwrite = (r.elapsedMs / 1000) / (disk.pwriteFsyncMs / 1000); // time ratio, whole run
summary.totalVsPwritePread = (r.elapsedMs) / (disk.pwriteFsyncMs + disk.preadMs);
cleanup();

mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
if (size >= 8 * GiB || argv.includes('--save')) {
  writeFileSync(path.join(root, 'bench', 'results', 'big.json'), JSON.stringify(summary, null, 2) + '\n');
}
if (asJson) console.log(JSON.stringify(summary));
else {
  console.log(`big: ${fmtGiB(summary.bytesStored)} stored in ${items.toLocaleString('en-US')} items (disk mode, ` +
    `${viewSize} sliding view, file ${fmtGiB(summary.fileSize)}), ${r.verified ? 'every byte verified' : 'NOT VERIFIED'}`);
  console.log(`  heap run ${(r.elapsedMs / 1000).toFixed(1)} s (${summary.gbps.toFixed(3)} GB/s over store + verify); ` +
    `store phase ${(allocMs / 1000).toFixed(1)} s = ${summary.storeGBps.toFixed(3)} GB/s`);
  console.log(`  disk: pwrite+fsync ${(disk.pwriteFsyncMs / 1000).toFixed(1)} s = ${disk.writeGBps.toFixed(3)} GB/s; read ${disk.readGBps.toFixed(3)} GB/s`);
  console.log(`  store / pwrite speed ${summary.storeVsPwrite.toFixed(2)} (goal >= 0.5); whole run / (pwrite + read) time ${summary.totalVsPwritePread.toFixed(2)}`);
  console.log(`  peak RSS ${(summary.peakRssBytes / 2 ** 20).toFixed(0)} MiB (goal < 1024 MiB); page cache peak ${fmtGiB(summary.maxPageCacheBytes)}, dirty+writeback peak ${fmtGiB(summary.maxDirtyPlusWritebackBytes)}`);
  console.log(`  map views ${summary.mapViews.toLocaleString('en-US')}, file maps ${summary.fileMaps}, faults minor ${summary.minorFaults.toLocaleString('en-US')} major ${summary.majorFaults.toLocaleString('en-US')}`);
}
if (!argv.includes('--no-report')) {
  try {
    const { writeReport } = await import('./sweep-report.mjs');
    await writeReport();
  } catch (err) {
    log(`big: report not written: ${err.message}`);
  }
}
process.exit(r.verified ? 0 : 1);
