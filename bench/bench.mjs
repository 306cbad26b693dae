// The benchmark (not a test): the grow scenario in the library's
// configurations against the heap baseline (the seed's PerfGrowNoMemMap) and
// against the machine's limit for the same work (bench/limit.c: the same
// bytes written into fresh pages of an anonymous mapping, and into memory
// already resident), plus a sweep of throughput against view size.
// Configurations are interleaved, in a different (seeded) order in every
// repetition, so machine drift and the after-effects of the previous run hit
// all alike; each figure is the median over the repetitions.
//
//   node bench/bench.mjs [--items N] [--reps N] [--quick] [--json]
//        [--only SUBSTR[,SUBSTR...]] [--no-sweep] [--no-streaming] [--no-report]
//        [--lib NAME=PATH ...]   (compare library builds side by side)
//
// Writes bench/results/bench.json (unless --only or --lib narrows the run)
// and docs/BENCHMARKS.md + docs/images/bench-view-sweep.png (bench/report.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
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
const quick = has('--quick');
const items = Number(arg('items', quick ? '200000' : '1000000'));
const reps = Number(arg('reps', quick ? '2' : '3'));
const only = arg('only', undefined);
const asJson = has('--json');
const libs = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] !== '--lib') continue;
  const [name, p] = String(argv[i + 1]).split('=');
  if (!name || !p || !existsSync(p)) {
    console.error(`bench: --lib ${argv[i + 1]}: allowed: NAME=PATH to a built libmemmap`);
    process.exit(2);
  }
  libs.push({ name, path: path.resolve(p) });
}
if (!Number.isInteger(items) || items < 1 || !Number.isInteger(reps) || reps < 1) {
  console.error('bench: --items and --reps take positive integers');
  process.exit(2);
}
const log = (s) => { if (!asJson) process.stderr.write(`${s}\n`); };
// ---- the limit program ----------------------------------------------------------
const { runner, tmp, limitExe } = benchSetup(root, 'bench');

// ---- configurations ---------------------------------------------------------------
const K = 1024;
const M = K * K;
const base = ['--items', String(items), '--offset-bits', '64'];
/** kind: baseline | seed | best | limit | fixed */
const MAIN = [
  { id: 'baseline', label: 'heap baseline (malloc + index)', kind: 'baseline', args: ['--scenario', 'baseline'] },
  { id: 'pf-seed', label: 'page file, seed defaults', kind: 'seed', args: ['--mode', 'pagefile'] },
  { id: 'disk-seed', label: 'disk, seed defaults', kind: 'seed', args: ['--mode', 'disk'] },
  { id: 'pf-seed-prefault', label: 'page file, seed defaults + prefault', kind: 'mapped', args: ['--mode', 'pagefile', '--prefault'] },
  { id: 'pf-seed-64m', label: 'page file, seed growth, 64 MiB view', kind: 'mapped', args: ['--mode', 'pagefile', '--view-size', '64M'] },
  { id: 'disk-seed-64m', label: 'disk, seed growth, 64 MiB view', kind: 'mapped', args: ['--mode', 'disk', '--view-size', '64M'] },
  { id: 'pf-remap-whole', label: 'page file, remap growth, whole view', kind: 'mapped', args: ['--mode', 'pagefile', '--growth', 'remap', '--view', 'whole'] },
  { id: 'pf-reserve-whole', label: 'page file, reserve growth, whole view', kind: 'mapped', args: ['--mode', 'pagefile', '--growth', 'reserve', '--view', 'whole'] },
  { id: 'pf-reserve-whole-prefault', label: 'page file, reserve growth, whole view, prefault', kind: 'mapped', args: ['--mode', 'pagefile', '--growth', 'reserve', '--view', 'whole', '--prefault'] },
  { id: 'disk-reserve-whole', label: 'disk, reserve growth, whole view', kind: 'mapped', args: ['--mode', 'disk', '--growth', 'reserve', '--view', 'whole'] },
  { id: 'disk-reserve-whole-prefault', label: 'disk, reserve growth, whole view, prefault', kind: 'mapped', args: ['--mode', 'disk', '--growth', 'reserve', '--view', 'whole', '--prefault'] },
  { id: 'limit-fresh', label: 'limit: fresh anonymous pages', kind: 'limit', variant: 'fresh' },
  { id: 'limit-populate', label: 'limit: fresh anonymous pages, MADV_POPULATE_WRITE', kind: 'limit', variant: 'populate' },
  { id: 'limit-memfd', label: 'limit: fresh memfd pages (shared mapping)', kind: 'limit', variant: 'memfd' },
  { id: 'limit-fresh-huge', label: 'limit: fresh anonymous pages, MADV_HUGEPAGE', kind: 'limit', variant: 'fresh-huge' },
  { id: 'limit-resident', label: 'limit: memory already resident', kind: 'limit', variant: 'resident' },
];
const SWEEP_SIZES = quick
  ? [64 * K, 256 * K, 4 * M, 64 * M, 1024 * M]
  : [64 * K, 128 * K, 256 * K, 1 * M, 4 * M, 16 * M, 64 * M, 256 * M, 1024 * M];
const SWEEP_MODES = ['pagefile', 'disk'];
const SWEEP = [];
if (!has('--no-sweep')) {
  for (const mode of SWEEP_MODES) {
    for (const v of SWEEP_SIZES) {
      SWEEP.push({ id: `sweep-${mode}-${v}`, label: `${mode}, seed growth, ${fmtSize(v)} view`, kind: 'sweep', mode, viewBytes: v,
        args: ['--mode', mode, '--view-size', String(v)] });
    }
    SWEEP.push({ id: `sweep-${mode}-whole`, label: `${mode}, seed growth, whole view`, kind: 'sweep', mode, viewBytes: 'whole',
      args: ['--mode', mode, '--view', 'whole'] });
  }
}
function fmtSize(b) {
  if (b >= 1024 * M) return `${b / (1024 * M)} GiB`;
  if (b >= M) return `${b / M} MiB`;
  return `${b / K} KiB`;
}

let configs = [...MAIN, ...SWEEP];
if (only) configs = configs.filter((c) => only.split(',').some((o) => c.id.includes(o)) || c.kind === 'baseline' || c.id === 'limit-fresh');
// With --lib, every runner configuration runs once per library.
if (libs.length) {
  configs = configs.flatMap((c) => (c.kind === 'limit' ? [c]
    : libs.map((l) => ({ ...c, id: `${c.id}@${l.name}`, label: `${c.label} [${l.name}]`, lib: l.path }))));
}

// ---- running one ---------------------------------------------------------------------
async function runOne(c) {
  if (c.kind === 'limit') {
    const { out, wallMs } = await runProcess(limitExe, [String(items), c.variant]);
    const r = JSON.parse(out);
    return {
      elapsedMs: r.elapsedMs, wallMs, bytes: r.bytes, verified: r.verified, mapViews: 0, fileMaps: 0,
      peakRssBytes: r.peakRssBytes, minorFaults: r.minorFaults, majorFaults: r.majorFaults,
      writeMs: r.writeMs, setupMs: r.setupMs, verifyMs: r.verifyMs,
    };
  }
  const { out, wallMs } = await runProcess(process.execPath, [runner, 'run', ...base, ...c.args, '--json'],
    c.lib ? { MEMMAP_LIB: c.lib } : {});
  const r = JSON.parse(out);
  if (!r.verified) throw new Error(`${c.id}: not verified`);
  return {
    elapsedMs: r.elapsedMs, wallMs, bytes: r.stats.bytesAllocated, verified: r.verified,
    mapViews: r.stats.mapViews, fileMaps: r.stats.fileMaps, fileSize: r.stats.fileSize,
    peakRssBytes: r.process.peakRssBytes, minorFaults: r.process.minorFaults, majorFaults: r.process.majorFaults,
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ---- machine ---------------------------------------------------------------------------
function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}
function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? 'unknown';
  const mhz = /cpu MHz\s*:\s*(.*)/.exec(cpuinfo)?.[1];
  const flags = /flags\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.split(' ') ?? [];
  const tmpDir = os.tmpdir();
  let diskFree = 0;
  try {
    const st = statfsSync(tmpDir);
    diskFree = st.bavail * st.bsize;
  } catch { /* unknown */ }
  const read = (f) => { try { return readFileSync(f, 'utf8').trim(); } catch { return ''; } };
  return {
    cpuModel: model, cpuMHz: mhz, cpus: os.cpus().length, hypervisor: flags.includes('hypervisor'),
    free: sh('free', ['-g']), uname: sh('uname', ['-srvmo']), node: process.version,
    df: sh('df', ['-hT', tmpDir]), lsblk: sh('lsblk', ['-d', '-o', 'NAME,ROTA,SIZE,MODEL']),
    tmpDir, diskFree,
    thp: read('/sys/kernel/mm/transparent_hugepage/enabled'), shmemThp: read('/sys/kernel/mm/transparent_hugepage/shmem_enabled'),
    maxMapCount: read('/proc/sys/vm/max_map_count'), dirtyRatio: read('/proc/sys/vm/dirty_ratio'),
    loadavg: read('/proc/loadavg'),
  };
}

// ---- the run ------------------------------------------------------------------------------
const mach = machine();
const startedAt = new Date().toISOString();
const t0 = performance.now();
log(`bench: ${items.toLocaleString('en-US')} items, ${reps} reps, ${configs.length} configurations, load ${mach.loadavg}`);
const samples = new Map(configs.map((c) => [c.id, []]));
// A different order in every repetition (seeded, so runs repeat): a run is
// faster right after one that freed memory in large blocks (reused before the
// VM hands it back to the host), so no configuration may always follow the same one.
function shuffled(list, seed) {
  const out = [...list];
  let x = seed * 2654435761 >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1664525 + 1013904223) >>> 0;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
for (let rep = 0; rep < reps; rep++) {
  const order = shuffled(configs, rep + 1);
  for (const c of order) {
    const m = await runOne(c);
    samples.get(c.id).push(m);
    log(`rep ${rep + 1}/${reps} ${c.id.padEnd(34)} ${(m.elapsedMs / 1000).toFixed(2).padStart(7)} s  ` +
      `views ${String(m.mapViews).padStart(7)}  faults ${String(m.minorFaults).padStart(8)}  peak RSS ${(m.peakRssBytes / M).toFixed(0).padStart(5)} MiB`);
  }
}
// The fixed cost of a runner process (node + koffi), for reading the RSS and fault columns.
const fixed = await runProcess(process.execPath, [runner, 'run', '--items', '1', '--offset-bits', '64', '--json'])
  .then(({ out }) => JSON.parse(out).process).catch(() => undefined);

const rows = configs.map((c) => {
  const ms = samples.get(c.id);
  const row = {
    id: c.id, label: c.label, kind: c.kind, args: c.args ?? [`bench/limit ${items} ${c.variant}`],
    mode: c.mode, viewBytes: c.viewBytes, lib: c.lib,
    reps: ms.length,
    elapsedMs: median(ms.map((m) => m.elapsedMs)),
    elapsedAllMs: ms.map((m) => m.elapsedMs),
    bytes: ms[0].bytes,
    mapViews: median(ms.map((m) => m.mapViews)),
    fileMaps: median(ms.map((m) => m.fileMaps)),
    fileSize: ms[0].fileSize,
    peakRssBytes: median(ms.map((m) => m.peakRssBytes)),
    minorFaults: median(ms.map((m) => m.minorFaults)),
    majorFaults: median(ms.map((m) => m.majorFaults)),
  };
  if (c.kind === 'limit') {
    row.writeMs = median(ms.map((m) => m.writeMs));
    row.setupMs = median(ms.map((m) => m.setupMs));
    row.verifyMs = median(ms.map((m) => m.verifyMs));
  }
  row.gbps = row.bytes / (row.elapsedMs / 1000) / 1e9;
  return row;
});
const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
const baseline = rows.find((r) => r.kind === 'baseline');
const fresh = byId['limit-fresh'];
const resident = byId['limit-resident'];
for (const r of rows) {
  // speed ratios: > 1 means faster than the reference
  r.vsBaseline = baseline ? baseline.elapsedMs / r.elapsedMs : undefined;
  r.vsFresh = fresh ? fresh.elapsedMs / r.elapsedMs : undefined;
  r.vsResident = resident ? resident.elapsedMs / r.elapsedMs : undefined;
}
const mapped = rows.filter((r) => r.kind === 'mapped' || r.kind === 'seed' || r.kind === 'sweep');
const best = mapped.reduce((a, b) => (!a || b.elapsedMs < a.elapsedMs ? b : a), undefined);
const pfPrefault = rows.filter((r) => r.args.includes('--prefault') && r.args.includes('pagefile'));
const bestPfPrefault = pfPrefault.reduce((a, b) => (!a || b.elapsedMs < a.elapsedMs ? b : a), undefined);

// the seed-default view count, explained: one 128 KiB view per 64 KiB of data
// per pass (store + verify), plus, in page-file mode, two views per 64 KiB
// block copied at each doubling
const bytes = rows.find((r) => r.kind === 'seed')?.bytes ?? 0;
const slidesPerPass = Math.ceil(bytes / (64 * K));
const explain = {
  bytes, slidesPerPass, diskExpected: 2 * slidesPerPass,
  pfCopyBlocks: byId['pf-seed'] ? (byId['pf-seed'].fileSize - 64 * K) / (64 * K) : undefined,
};
if (explain.pfCopyBlocks !== undefined) explain.pfExpected = 2 * slidesPerPass + 2 * explain.pfCopyBlocks;

const result = {
  startedAt, items, reps, quick, durationMs: performance.now() - t0, machine: mach, rows,
  fixedRunner: fixed,
  targets: {
    bestVsBaseline: best && baseline ? { id: best.id, label: best.label, ratio: best.vsBaseline, met: best.vsBaseline >= 1.0 } : undefined,
    pfPrefaultVsFresh: bestPfPrefault && fresh ? { id: bestPfPrefault.id, label: bestPfPrefault.label, ratio: bestPfPrefault.vsFresh, met: bestPfPrefault.vsFresh >= 0.7 } : undefined,
    seedDefaultPfPrefaultVsFresh: byId['pf-seed-prefault'] && fresh ? { ratio: byId['pf-seed-prefault'].vsFresh, met: byId['pf-seed-prefault'].vsFresh >= 0.7 } : undefined,
  },
  explain,
};

// ---- streaming overhead (bench/streaming.mjs) -------------------------------------------
if (!has('--no-streaming') && !only && !libs.length) {
  log('bench: streaming overhead (bench/streaming.mjs, 3 reps)');
  try {
    const { out } = await runProcess(process.execPath, [path.join(root, 'bench', 'streaming.mjs'), '--json', '--reps', quick ? '2' : '3', '--items', String(items)]);
    result.streaming = { ...JSON.parse(out.trim().split('\n').pop()), source: 'bench/bench.mjs' };
  } catch (err) {
    log(`bench: streaming run failed: ${err.message}`);
  }
}

// ---- output ----------------------------------------------------------------------------------
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const f2 = (x) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(2));
function table(list) {
  const head = `${pad('configuration', 52)} ${lpad('s', 7)} ${lpad('GB/s', 6)} ${lpad('views', 7)} ${lpad('maps', 4)} ${lpad('peak RSS', 9)} ${lpad('faults', 8)} ${lpad('xheap', 6)} ${lpad('xfresh', 6)}`;
  const lines = list.map((r) => `${pad(r.label.slice(0, 52), 52)} ${lpad((r.elapsedMs / 1000).toFixed(2), 7)} ${lpad(r.gbps.toFixed(2), 6)} ` +
    `${lpad(r.mapViews, 7)} ${lpad(r.fileMaps, 4)} ${lpad(`${(r.peakRssBytes / M).toFixed(0)} MiB`, 9)} ${lpad(r.minorFaults + r.majorFaults, 8)} ` +
    `${lpad(f2(r.vsBaseline), 6)} ${lpad(f2(r.vsFresh), 6)}`);
  return [head, ...lines].join('\n');
}
if (asJson) console.log(JSON.stringify(result));
else {
  console.log(`\n${items.toLocaleString('en-US')} items (${(bytes / 1e9).toFixed(3)} GB), medians of ${reps}; xheap/xfresh: speed relative to the heap baseline / the fresh-page limit`);
  console.log(table(rows.filter((r) => r.kind !== 'sweep')));
  if (SWEEP.length) {
    console.log('\nview-size sweep (seed growth, sliding view):');
    console.log(table(rows.filter((r) => r.kind === 'sweep')));
  }
  const t = result.targets;
  if (t.bestVsBaseline) console.log(`\ntarget best mapped >= 1.0x heap: ${t.bestVsBaseline.label}: ${f2(t.bestVsBaseline.ratio)} -> ${t.bestVsBaseline.met ? 'met' : 'NOT met'}`);
  if (t.pfPrefaultVsFresh) console.log(`target page file + prefault >= 0.7x fresh-page limit: ${t.pfPrefaultVsFresh.label}: ${f2(t.pfPrefaultVsFresh.ratio)} -> ${t.pfPrefaultVsFresh.met ? 'met' : 'NOT met'}`);
  if (result.streaming) console.log(`streaming / quiet (wall): ${result.streaming.ratioWall.toFixed(3)} (target <= 1.03)`);
}
const fullRun = !only && !libs.length;
if (fullRun) {
  mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  const name = quick || items !== 1000000 ? 'bench-quick.json' : 'bench.json';
  writeFileSync(path.join(root, 'bench', 'results', name), JSON.stringify(result, null, 2) + '\n');
  if (has('--report') && name === 'bench.json') { // docs/BENCHMARKS.md is the size sweep's now (bench/sweep-report.mjs)
    const { writeReport } = await import('./report.mjs');
    await writeReport({ log });
  }
}
