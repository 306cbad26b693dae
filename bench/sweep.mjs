// The size sweep (`npm run bench`): the grow scenario at several sizes, in the
// heap baseline, the seed defaults, the best page-file and disk
// configurations, the machine's fresh-page limit (bench/limit.c) and the
// peer stores (bench/peers.c: LMDB, SQLite, plain pwrite/pread). Every
// (configuration, size) pair is one job; in every repetition all jobs run in
// a fresh (seeded) order, so drift and the after-effects of one run (memory
// the VM has not yet taken back) hit all alike. Each figure is the median of
// the repetitions, with its min-max spread.
//
//   node bench/sweep.mjs [--sizes N,N,...] [--reps N] [--set main|provision]
//        [--only ID,ID] [--no-peers] [--peers-max N] [--settle S] [--small-reps N:R]
//        [--json] [--no-report] [--out NAME]
//
// --small-reps N:R (default 300000:11): sizes up to N items get R repetitions
// instead of --reps. Their runs last 0.1-0.5 s, where a run's spread is as
// large as the differences measured; more repetitions cost little there.
//
// --settle S (default 3): before every job, sync and wait S seconds, so each
// one starts on a machine at rest. Without it a job could run on memory the
// job before it had just freed, which the VM has not yet handed back to its
// host (free page reporting, after about 2 s): the first touch of such a page
// is far cheaper than of a page the host took back. LMDB was 3x faster right
// after another LMDB run (0.75 s against 2.3-2.5 s at 530,000 items, its
// page-cache zeroing 22% of its samples instead of 66%), and a random order
// made it bimodal; our configurations did not gain from following
// themselves (bench/results/analysis.md).
//
// --set provision: the provisioning strategies side by side (issue 14):
// whole doublings backed at once, chunks on the writer's thread, chunks on a
// helper thread (MEMMAP_PROVISION_* environment variables of the library).
//
// Writes bench/results/<out>.json (default sweep.json / provision.json) and,
// for the main set, docs/BENCHMARKS.md + docs/images/bench-size-sweep.png
// (bench/sweep-report.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchSetup, runProcess } from './processes.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const has = (f) => argv.includes(f);
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const set = arg('set', 'main');
// 530,000 and 545,000 items sit just below and just above the doubling of
// the file from 1 GiB to 2 GiB (the data crosses 1 GiB at about 536,000 items)
const sizes = String(arg('sizes', '100000,300000,530000,545000,1000000,3000000')).split(',').map(Number);
const reps = Number(arg('reps', '5'));
const only = arg('only', undefined);
// LMDB and SQLite take about 4 s per GB here: above 1,000,000 items they would
// double the run, so by default they stop there (--peers-max N to go further)
const peersMax = Number(arg('peers-max', '1000000'));
const settleS = Number(arg('settle', '3'));
const [smallMax, smallReps] = String(arg('small-reps', '300000:11')).split(':').map(Number);
const repsFor = (items) => (items <= smallMax ? Math.max(reps, smallReps) : reps);
const asJson = has('--json');
const log = (s) => { if (!asJson) process.stderr.write(`${s}\n`); };
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(reps) || reps < 1 || !(settleS >= 0 && settleS <= 60) ||
    !Number.isInteger(smallMax) || smallMax < 0 || !Number.isInteger(smallReps) || smallReps < 1) {
  console.error('sweep: --sizes takes positive integers separated by commas, --reps a positive integer, --settle seconds from 0 to 60, ' +
    '--small-reps ITEMS:REPS (two whole numbers, REPS at least 1)');
  process.exit(2);
}
// ---- helper programs ---------------------------------------------------------------
const { runner, tmp, limitExe } = benchSetup(root, 'sweep');
const cc = process.env.CC || 'cc';

/** The peers program with the libraries there are (installed here when missing and allowed). */
function buildPeers() {
  const exe = path.join(tmp, 'peers');
  const hdr = (h) => existsSync(`/usr/include/${h}`);
  if ((!hdr('lmdb.h') || !hdr('sqlite3.h')) && process.platform === 'linux' && !has('--no-install')) {
    log('sweep: installing liblmdb-dev libsqlite3-dev for the peer rows (apt-get; the bench only, npm test never needs them)');
    spawnSync('apt-get', ['install', '-y', 'liblmdb-dev', 'libsqlite3-dev'], { stdio: 'ignore' });
  }
  const flags = ['-O2', '-std=c11', '-Wall', '-o', exe, path.join(root, 'bench', 'peers.c')];
  const peers = ['pwrite'];
  if (hdr('lmdb.h')) { flags.push('-llmdb'); peers.push('lmdb'); } else flags.push('-DNO_LMDB');
  if (hdr('sqlite3.h')) { flags.push('-lsqlite3'); peers.push('sqlite'); } else flags.push('-DNO_SQLITE');
  execFileSync(cc, flags);
  return { exe, peers };
}

// ---- configurations ----------------------------------------------------------------------
const base = ['--offset-bits', '64'];
const PF_BEST = ['--mode', 'pagefile', '--growth', 'reserve', '--view', 'whole', '--prefault'];
const DISK_BEST = ['--mode', 'disk', '--growth', 'reserve', '--view', 'whole'];
let CONFIGS;
if (set === 'provision') {
  CONFIGS = [
    { id: 'baseline', label: 'heap baseline (malloc + index)', kind: 'baseline', args: ['--scenario', 'baseline'] },
    { id: 'pf-whole', label: 'page file best, whole doublings backed', kind: 'mapped', args: PF_BEST, env: { MEMMAP_PROVISION_WHOLE: '1' } },
    { id: 'pf-chunk', label: 'page file best, 32 MiB chunks, same thread', kind: 'mapped', args: PF_BEST, env: { MEMMAP_PROVISION_CHUNK: '32M', MEMMAP_PROVISION_AHEAD: '4', MEMMAP_PROVISION_HELPER: '0' } },
    { id: 'pf-helper', label: 'page file best, chunks, helper only (fallocate + populate)', kind: 'mapped', args: PF_BEST, env: { MEMMAP_PROVISION_CHUNK: '32M', MEMMAP_PROVISION_AHEAD: '4', MEMMAP_PROVISION_ASSIST: '0', MEMMAP_PROVISION_POPULATE_ONLY: '0' } },
    { id: 'pf-assist', label: 'page file best, chunks, helper + caller assists, populate only', kind: 'mapped', args: PF_BEST, env: { MEMMAP_PROVISION_CHUNK: '32M', MEMMAP_PROVISION_AHEAD: '4', MEMMAP_PROVISION_ASSIST: '1', MEMMAP_PROVISION_POPULATE_ONLY: '1' } },
    { id: 'pf-assist-8m', label: 'the same, 8 MiB chunks', kind: 'mapped', args: PF_BEST, env: { MEMMAP_PROVISION_ASSIST: '1', MEMMAP_PROVISION_POPULATE_ONLY: '1', MEMMAP_PROVISION_CHUNK: '8M', MEMMAP_PROVISION_AHEAD: '4' } },
    { id: 'pf-assist-64m', label: 'the same, 64 MiB chunks', kind: 'mapped', args: PF_BEST, env: { MEMMAP_PROVISION_ASSIST: '1', MEMMAP_PROVISION_POPULATE_ONLY: '1', MEMMAP_PROVISION_CHUNK: '64M', MEMMAP_PROVISION_AHEAD: '4' } },
    { id: 'pf-lazy', label: 'page file, reserve, whole, no prefault (lazy faults)', kind: 'mapped', args: PF_BEST.slice(0, -1), env: { MEMMAP_PROVISION_CHUNK: '32M', MEMMAP_PROVISION_AHEAD: '4', MEMMAP_PROVISION_HELPER: '0' } },
    { id: 'disk-whole', label: 'disk reserve whole, whole doublings backed', kind: 'mapped', args: DISK_BEST, env: { MEMMAP_PROVISION_WHOLE: '1' } },
    { id: 'disk-chunk', label: 'disk reserve whole, chunks, same thread', kind: 'mapped', args: DISK_BEST, env: { MEMMAP_PROVISION_CHUNK: '32M', MEMMAP_PROVISION_AHEAD: '4', MEMMAP_PROVISION_HELPER: '0' } },
    { id: 'disk-pf-helper', label: 'disk reserve whole prefault, chunks, helper only', kind: 'mapped', args: [...DISK_BEST, '--prefault'], env: { MEMMAP_PROVISION_CHUNK: '32M', MEMMAP_PROVISION_AHEAD: '4', MEMMAP_PROVISION_ASSIST: '0' } },
    { id: 'disk-pf-assist', label: 'disk reserve whole prefault, chunks, helper + caller assists', kind: 'mapped', args: [...DISK_BEST, '--prefault'], env: { MEMMAP_PROVISION_CHUNK: '32M', MEMMAP_PROVISION_AHEAD: '4', MEMMAP_PROVISION_ASSIST: '1' } },
    { id: 'pf-default', label: 'page file best, the defaults (2 MiB chunks, 128 MiB ahead)', kind: 'mapped', args: PF_BEST },
    { id: 'disk-default', label: 'disk reserve whole prefault, the defaults (4 MiB chunks, 128 MiB ahead)', kind: 'mapped', args: [...DISK_BEST, '--prefault'] },
    { id: 'limit-fresh', label: 'limit: fresh anonymous pages', kind: 'limit', variant: 'fresh' },
  ];
} else {
  CONFIGS = [
    { id: 'baseline', label: 'heap baseline (malloc + index)', kind: 'baseline', args: ['--scenario', 'baseline'] },
    { id: 'pf-seed', label: 'page file, seed defaults', kind: 'seed', args: ['--mode', 'pagefile'] },
    { id: 'disk-seed', label: 'disk, seed defaults', kind: 'seed', args: ['--mode', 'disk'] },
    { id: 'pf-best', label: 'page file, reserve growth, whole view, prefault', kind: 'best-pf', args: PF_BEST },
    { id: 'disk-best', label: 'disk, reserve growth, whole view', kind: 'best-disk', args: DISK_BEST },
    { id: 'disk-best-pf', label: 'disk, reserve growth, whole view, prefault', kind: 'best-disk', args: [...DISK_BEST, '--prefault'] },
    { id: 'limit-fresh', label: 'limit: fresh anonymous pages', kind: 'limit', variant: 'fresh' },
  ];
  if (!has('--no-peers')) {
    const { exe, peers } = buildPeers();
    const labels = { lmdb: 'LMDB (C library, MDB_WRITEMAP|MDB_NOSYNC, MDB_APPEND)', sqlite: 'SQLite (C library, journal off, sync off)', pwrite: 'pwrite + pread, one file (no mapping)' };
    for (const p of peers) CONFIGS.push({ id: `peer-${p}`, label: labels[p], kind: 'peer', peer: p, exe });
  }
}
if (only) CONFIGS = CONFIGS.filter((c) => only.split(',').some((o) => c.id.includes(o)));
const skip = arg('skip', undefined); // --skip ID,ID: leave configurations out, still a full run (writes the JSON)
if (skip) CONFIGS = CONFIGS.filter((c) => !skip.split(',').includes(c.id));

// ---- running one ---------------------------------------------------------------------
async function runOne(c, items) {
  if (c.kind === 'limit') {
    const { out, wallMs } = await runProcess(limitExe, [String(items), c.variant]);
    const r = JSON.parse(out);
    return { elapsedMs: r.elapsedMs, wallMs, bytes: r.bytes, peakRssBytes: r.peakRssBytes, faults: r.minorFaults + r.majorFaults };
  }
  if (c.kind === 'peer') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-peer-'));
    try {
      const { out, wallMs } = await runProcess(c.exe, [String(items), c.peer, dir]);
      const r = JSON.parse(out);
      if (!r.verified) throw new Error(`${c.id}: not verified`);
      return { elapsedMs: r.elapsedMs, wallMs, bytes: r.bytes, peakRssBytes: r.peakRssBytes, faults: r.minorFaults + r.majorFaults, diskBytes: r.diskBytes };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const { out, wallMs } = await runProcess(process.execPath, [runner, 'run', '--items', String(items), ...base, ...c.args, '--json'], c.env ?? {});
  const r = JSON.parse(out);
  if (!r.verified) throw new Error(`${c.id}: not verified`);
  return {
    elapsedMs: r.elapsedMs, wallMs, bytes: r.stats.bytesAllocated, mapViews: r.stats.mapViews, fileMaps: r.stats.fileMaps,
    fileSize: r.stats.fileSize, peakRssBytes: r.process.processTotals?.peakRssBytes ?? r.process.peakRssBytes, faults: r.process.minorFaults + r.process.majorFaults,
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
function shuffled(list, seed) {
  const out = [...list];
  let x = (seed * 2654435761) >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1664525 + 1013904223) >>> 0;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
const read = (f) => { try { return readFileSync(f, 'utf8').trim(); } catch { return ''; } };

// ---- the run --------------------------------------------------------------------------------
const jobs = [];
for (const items of sizes) for (const c of CONFIGS) if (c.kind !== 'peer' || items <= peersMax) jobs.push({ c, items, key: `${c.id}@${items}` });
const samples = new Map(jobs.map((j) => [j.key, []]));
const startedAt = new Date().toISOString();
const loadStart = read('/proc/loadavg');
log(`sweep (${set}): sizes ${sizes.join(', ')}; ${CONFIGS.length} configurations; ${jobs.length} jobs x ${reps} reps; load ${loadStart}`);
const t0 = performance.now();
const loads = [];
const failures = [];
const maxReps = Math.max(...sizes.map(repsFor));
for (let rep = 0; rep < maxReps; rep++) {
  loads.push(read('/proc/loadavg'));
  for (const j of shuffled(jobs.filter((x) => rep < repsFor(x.items)), rep + 1)) {
    let m;
    if (settleS > 0) {
      spawnSync('sync');
      await new Promise((resolve) => setTimeout(resolve, settleS * 1000));
    }
    try {
      m = await runOne(j.c, j.items);
    } catch (err) { // e.g. page-file mode refused for lack of memory while other work holds it: counted, not fatal
      log(`rep ${rep + 1}/${repsFor(j.items)} ${j.c.id} ${j.items}: FAILED: ${err.message.slice(0, 300)}`);
      failures.push({ rep: rep + 1, id: j.c.id, items: j.items, error: err.message.slice(0, 500) });
      continue;
    }
    samples.get(j.key).push(m);
    log(`rep ${rep + 1}/${repsFor(j.items)} ${j.c.id.padEnd(14)} ${String(j.items).padStart(8)} ${(m.elapsedMs / 1000).toFixed(2).padStart(7)} s  peak RSS ${(m.peakRssBytes / 2 ** 20).toFixed(0).padStart(5)} MiB`);
  }
}
const rows = jobs.filter(({ key }) => samples.get(key).length).map(({ c, items, key }) => {
  const ms = samples.get(key);
  const t = ms.map((m) => m.elapsedMs);
  return {
    id: c.id, label: c.label, kind: c.kind, items, args: c.args, env: c.env, peer: c.peer, variant: c.variant,
    reps: ms.length, elapsedMs: median(t), minMs: Math.min(...t), maxMs: Math.max(...t), elapsedAllMs: t,
    wallMs: median(ms.map((m) => m.wallMs)),
    bytes: ms[0].bytes, gbps: ms[0].bytes / (median(t) / 1000) / 1e9,
    peakRssBytes: median(ms.map((m) => m.peakRssBytes)), faults: median(ms.map((m) => m.faults)),
    fileSize: ms[0].fileSize, mapViews: ms[0].mapViews, fileMaps: ms[0].fileMaps,
    diskBytes: ms[0].diskBytes !== undefined ? median(ms.map((m) => m.diskBytes)) : undefined,
  };
});
const result = {
  set, startedAt, durationMs: performance.now() - t0, sizes, reps, repsBySize: Object.fromEntries(sizes.map((n) => [n, repsFor(n)])), settleS, failures, loadStart, loadEnd: read('/proc/loadavg'), loadsPerRep: loads,
  machine: {
    cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, uname: spawnSync('uname', ['-srm'], { encoding: 'utf8' }).stdout.trim(),
    node: process.version, memTotalGiB: os.totalmem() / 2 ** 30,
    dirtyRatio: read('/proc/sys/vm/dirty_ratio'), dirtyBgRatio: read('/proc/sys/vm/dirty_background_ratio'),
    shmemThp: read('/sys/kernel/mm/transparent_hugepage/shmem_enabled'),
  },
  rows,
};
const outName = arg('out', set === 'provision' ? 'provision' : 'sweep');
mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
if (!only) writeFileSync(path.join(root, 'bench', 'results', `${outName}.json`), JSON.stringify(result, null, 2) + '\n');

// ---- output ----------------------------------------------------------------------------------
if (asJson) console.log(JSON.stringify(result));
else {
  for (const items of sizes) {
    const rs = rows.filter((r) => r.items === items);
    const heap = rs.find((r) => r.kind === 'baseline');
    console.log(`\n${items.toLocaleString('en-US')} items (${(rs[0].bytes / 1e9).toFixed(3)} GB), medians of ${repsFor(items)} [min-max]; x heap = speed relative to the heap baseline`);
    for (const r of rs) {
      console.log(`${r.label.slice(0, 56).padEnd(56)} ${(r.elapsedMs / 1000).toFixed(2).padStart(6)} s [${(r.minMs / 1000).toFixed(2)}-${(r.maxMs / 1000).toFixed(2)}]` +
        `  peak ${(r.peakRssBytes / 2 ** 20).toFixed(0).padStart(5)} MiB  x heap ${heap ? (heap.elapsedMs / r.elapsedMs).toFixed(2) : '-'}`);
    }
  }
}
if (set === 'main' && !only && !has('--no-report')) {
  const { writeReport } = await import('./sweep-report.mjs');
  await writeReport({ log });
}
