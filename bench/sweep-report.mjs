// Renders docs/BENCHMARKS.md and docs/images/bench-size-sweep.png from the
// size sweep (bench/results/sweep.json, bench/sweep.mjs), the provisioning
// comparison (bench/results/provision.json, bench/sweep.mjs --set provision)
// and the beyond-RAM run (bench/results/big.json, bench/big.mjs). The
// analysis that is not a figure of these runs (profiles, causes) lives in
// bench/results/analysis.md and is included as it is. Runnable alone:
//   node bench/sweep-report.mjs
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderPng } from './processes.mjs';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(root, 'bench', 'results');
const readJson = (name) => {
  const f = path.join(resultsDir, name);
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined;
};
const M = 2 ** 20;
const G = 2 ** 30;
const f2 = (x) => (x === undefined || x === null || !Number.isFinite(x) ? '–' : x.toFixed(2));
const int = (x) => (x === undefined ? '–' : Math.round(x).toLocaleString('en-US'));
const mib = (b) => (b === undefined ? '–' : `${Math.round(b / M).toLocaleString('en-US')} MiB`);
const sec = (ms) => (ms / 1000).toFixed(2);
const spread = (r) => `${sec(r.minMs)}–${sec(r.maxMs)}`;
const short = (label) => label.replace('reserve growth, whole view', 'reserve, whole').replace(', prefault', ' + prefault');
const spg = (r) => r.elapsedMs / 1000 / (r.bytes / 1e9); // seconds per GB

/** Per size: the rows of one run, by id. */
function bySize(run) {
  const out = new Map();
  for (const r of run.rows) {
    if (!out.has(r.items)) out.set(r.items, {});
    out.get(r.items)[r.id] = r;
  }
  return out;
}

/** Each target at every size: { per: [{items, ratio, ok}], met }. */
function targets(sweep) {
  const sizes = bySize(sweep);
  const T = [];
  const add = (name, goal, fn) => {
    const per = [];
    const missing = [];
    for (const [items, r] of sizes) {
      const v = fn(r);
      if (v) per.push({ items, ...v, ok: v.ratio >= goal });
      else missing.push(items);
    }
    T.push({ name, goal, per, missing, met: per.length > 0 && per.every((p) => p.ok) });
  };
  const fastest = (r, ids) => ids.map((id) => r[id]).filter(Boolean).reduce((a, b) => (!a || b.elapsedMs < a.elapsedMs ? b : a), undefined);
  const bestDisk = (r) => fastest(r, ['disk-best', 'disk-best-pf']);
  const bestMapped = (r) => ['pf-best', 'disk-best', 'disk-best-pf'].map((id) => r[id]).filter(Boolean).reduce((a, b) => (!a || b.elapsedMs < a.elapsedMs ? b : a), undefined);
  add('The best mapped configuration is >= 1.5x the heap baseline', 1.5, (r) => {
    const b = bestMapped(r);
    return b && r.baseline ? { ratio: r.baseline.elapsedMs / b.elapsedMs, what: b.label } : undefined;
  });
  add('Page file + prefault is >= 0.8x the fresh-page limit', 0.8, (r) => (r['pf-best'] && r['limit-fresh']
    ? { ratio: r['limit-fresh'].elapsedMs / r['pf-best'].elapsedMs, what: r['pf-best'].label } : undefined));
  for (const peer of ['lmdb', 'sqlite']) {
    add(`The best disk configuration is >= 3x ${peer === 'lmdb' ? 'LMDB' : 'SQLite'}`, 3, (r) => (bestDisk(r) && r[`peer-${peer}`]
      ? { ratio: r[`peer-${peer}`].elapsedMs / bestDisk(r).elapsedMs, what: bestDisk(r).label } : undefined));
    add(`The seed-default disk mode is >= 1.5x ${peer === 'lmdb' ? 'LMDB' : 'SQLite'}`, 1.5, (r) => (r['disk-seed'] && r[`peer-${peer}`]
      ? { ratio: r[`peer-${peer}`].elapsedMs / r['disk-seed'].elapsedMs, what: r['disk-seed'].label } : undefined));
  }
  return T;
}

// ---- the chart: seconds per GB against data size (log axis) ------------------------------
const SERIES = [
  { id: 'baseline', label: 'heap baseline', color: '#555', dash: '6 4' },
  { id: 'pf-seed', label: 'page file, seed defaults', color: '#9467bd' },
  { id: 'disk-seed', label: 'disk, seed defaults', color: '#8c564b' },
  { id: 'pf-best', label: 'page file best', color: '#1f77b4' },
  { id: 'disk-best', label: 'disk reserve whole', color: '#2ca02c' },
  { id: 'disk-best-pf', label: 'disk reserve whole + prefault', color: '#98df8a' },
  { id: 'peer-lmdb', label: 'LMDB', color: '#e377c2', dash: '3 3' },
  { id: 'peer-sqlite', label: 'SQLite', color: '#bcbd22', dash: '3 3' },
  { id: 'peer-pwrite', label: 'pwrite + pread floor', color: '#17becf', dash: '3 3' },
  { id: 'limit-fresh', label: 'limit: fresh pages', color: '#b00', dash: '2 4' },
];

function chartSvg(sweep, big) {
  const W = 960;
  const H = 560;
  const pad = { l: 80, r: 230, t: 60, b: 80 };
  const pts = [];
  for (const s of SERIES) {
    const rows = sweep.rows.filter((r) => r.id === s.id).sort((a, b) => a.bytes - b.bytes);
    const p = rows.map((r) => ({ x: r.bytes, y: spg(r), r }));
    if (big && s.id === 'disk-seed') p.push({ x: big.bytesStored, y: big.elapsedMs / 1000 / (big.bytesStored / 1e9), big: true });
    if (big && s.id === 'peer-pwrite' && big.disk) p.push({ x: big.bytesStored, y: (big.disk.pwriteFsyncMs + big.disk.preadMs) / 1000 / (big.bytesStored / 1e9), big: true });
    if (p.length) pts.push({ s, p });
  }
  const xs = pts.flatMap((q) => q.p.map((p) => p.x));
  const ys = pts.flatMap((q) => q.p.map((p) => p.y));
  const lx0 = Math.floor(Math.log10(Math.min(...xs) / 1e9) * 2) / 2;
  const lx1 = Math.ceil(Math.log10(Math.max(...xs) / 1e9) * 2) / 2;
  const ymax = Math.max(...ys) * 1.08;
  const xPos = (b) => pad.l + ((Math.log10(b / 1e9) - lx0) / (lx1 - lx0)) * (W - pad.l - pad.r);
  const yPos = (v) => H - pad.b - (v / ymax) * (H - pad.t - pad.b);
  const parts = [`<rect width="${W}" height="${H}" fill="white"/>`];
  parts.push(`<text x="${(W - pad.r + pad.l) / 2}" y="28" font-size="18" text-anchor="middle" font-weight="bold">Grow scenario: time per GB against data size</text>`);
  parts.push(`<text x="${(W - pad.r + pad.l) / 2}" y="48" font-size="13" text-anchor="middle" fill="#444">store + read back; medians of ${sweep.reps}${repsNote(sweep) ? ` (${Math.max(...Object.values(sweep.repsBySize))} for the small sizes)` : ''}; lower is faster${big ? '; last points: 50 GiB beyond RAM (bench:big)' : ''}</text>`);
  const step = ymax > 20 ? 5 : ymax > 8 ? 2 : ymax > 4 ? 1 : 0.5;
  for (let v = 0; v <= ymax; v += step) {
    parts.push(`<line x1="${pad.l}" x2="${W - pad.r}" y1="${yPos(v)}" y2="${yPos(v)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${pad.l - 8}" y="${yPos(v) + 4}" font-size="12" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  for (let e = Math.ceil(lx0); e <= lx1; e++) {
    for (const m of [1, 2, 5]) {
      const b = m * 10 ** e * 1e9;
      if (Math.log10(b / 1e9) < lx0 || Math.log10(b / 1e9) > lx1) continue;
      parts.push(`<line x1="${xPos(b)}" x2="${xPos(b)}" y1="${pad.t}" y2="${H - pad.b}" stroke="${m === 1 ? '#ddd' : '#f0f0f0'}"/>`);
      parts.push(`<text x="${xPos(b)}" y="${H - pad.b + 20}" font-size="12" text-anchor="middle">${m * 10 ** e >= 1 ? m * 10 ** e : (m * 10 ** e).toFixed(1)}</text>`);
    }
  }
  parts.push(`<text transform="translate(24 ${(H - pad.b + pad.t) / 2}) rotate(-90)" font-size="14" text-anchor="middle">seconds per GB stored (store + verify)</text>`);
  parts.push(`<text x="${(pad.l + W - pad.r) / 2}" y="${H - 30}" font-size="14" text-anchor="middle">data stored, GB (log scale)</text>`);
  parts.push(`<line x1="${pad.l}" x2="${W - pad.r}" y1="${H - pad.b}" y2="${H - pad.b}" stroke="#333"/>`);
  parts.push(`<line x1="${pad.l}" x2="${pad.l}" y1="${pad.t}" y2="${H - pad.b}" stroke="#333"/>`);
  let ly = pad.t + 10;
  for (const { s, p } of pts) {
    const path2 = p.map((q) => `${xPos(q.x).toFixed(1)},${yPos(q.y).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2.2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''} points="${path2}"/>`);
    for (const q of p) parts.push(`<circle cx="${xPos(q.x)}" cy="${yPos(q.y)}" r="${q.big ? 5 : 3.5}" fill="${s.color}"/>`);
    parts.push(`<line x1="${W - pad.r + 15}" x2="${W - pad.r + 45}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2.2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''}/>`);
    parts.push(`<text x="${W - pad.r + 52}" y="${ly + 4}" font-size="13">${s.label}</text>`);
    ly += 22;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, Arial, sans-serif">${parts.join('')}</svg>`;
}

function sizeTable(rows, heap, fresh) {
  const L = [];
  L.push('| configuration | median (s) | min–max (s) | reps | GB/s | × heap | × fresh limit | peak RSS | file / on disk |');
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const disk = r.kind === 'peer' ? mib(r.diskBytes) : r.fileSize ? `${mib(r.fileSize)} file` : '–';
    L.push(`| ${r.label} | ${sec(r.elapsedMs)} | ${spread(r)} | ${r.reps} | ${f2(r.gbps)} | ${heap ? f2(heap.elapsedMs / r.elapsedMs) : '–'} | ` +
      `${fresh ? f2(fresh.elapsedMs / r.elapsedMs) : '–'} | ${mib(r.peakRssBytes)} | ${disk} |`);
  }
  return L;
}

/** The provisioning comparison's rows under the sweep's ids: its default
 *  configurations (the library's defaults where the run has them, from
 *  2 MiB / 4 MiB chunks on; before, the 32 MiB helper + assist rows). */
/** ", 11 at 100,000 and 300,000 items" where small sizes had more repetitions. */
function repsNote(sweep) {
  const more = Object.entries(sweep.repsBySize ?? {}).filter(([, r]) => r !== sweep.reps);
  if (!more.length) return '';
  const byReps = new Map();
  for (const [n, r] of more) byReps.set(r, [...(byReps.get(r) ?? []), Number(n).toLocaleString('en-US')]);
  return [...byReps].map(([r, ns]) => `, ${r} at ${ns.join(' and ')} items`).join('');
}

function provisionAsSweep(prov) {
  const has = (id) => prov.rows.some((r) => r.id === id);
  const alias = { baseline: 'baseline', 'limit-fresh': 'limit-fresh', 'disk-chunk': 'disk-best' };
  if (has('pf-default')) alias['pf-default'] = 'pf-best'; else alias['pf-assist'] = 'pf-best';
  if (has('disk-default')) alias['disk-default'] = 'disk-best-pf'; else alias['disk-pf-assist'] = 'disk-best-pf';
  return { ...prov, rows: prov.rows.filter((r) => alias[r.id]).map((r) => ({ ...r, id: alias[r.id] })) };
}

export async function writeReport({ log = (s) => process.stderr.write(`${s}\n`) } = {}) {
  const prov = readJson('provision.json');
  let sweep = readJson('sweep.json');
  // Without a completed size sweep, the targets and the chart come from the
  // provisioning comparison (its default configurations under the sweep's ids).
  const fromProvision = !sweep;
  if (!sweep && prov) {
    sweep = provisionAsSweep(prov);
  }
  if (!sweep) throw new Error('bench/results/sweep.json not found: run npm run bench first');
  let big = readJson('big.json');
  // only a beyond-RAM run made with this library (not older than the sweep by more than a day)
  if (big && (!big.startedAt || Date.parse(sweep.startedAt) - Date.parse(big.startedAt) > 24 * 3600e3 || big.library !== 'chunked')) big = undefined;
  const analysis = existsSync(path.join(resultsDir, 'analysis.md')) ? readFileSync(path.join(resultsDir, 'analysis.md'), 'utf8').trim() : '';
  mkdirSync(path.join(root, 'docs', 'images'), { recursive: true });
  const png = path.join(root, 'docs', 'images', 'bench-size-sweep.png');
  try {
    await renderPng(chartSvg(sweep, big), png, 560);
  } catch (err) {
    log(`report: chart not rendered (${err.message.split('\n')[0]}); writing the SVG instead`);
    writeFileSync(png.replace(/\.png$/, '.svg'), chartSvg(sweep, big));
  }
  const sizes = bySize(sweep);
  const T = targets(sweep);
  const L = [];
  L.push('# Benchmarks');
  L.push('');
  if (fromProvision) {
    L.push('**No completed size sweep is in this document.** The figures are those of the provisioning comparison (`node bench/sweep.mjs --set provision`, 5 repetitions, ' +
      '300,000 and 1,300,000 items), whose default configurations stand for the best page-file and disk configurations; the peers and the seed defaults were not part of it. ' +
      'Why, and what the interrupted sweep left: [What this run covers](#what-this-run-covers-and-what-it-does-not).');
    L.push('');
  }
  L.push('Generated by `npm run bench` (`bench/sweep.mjs`, rendered by `bench/sweep-report.mjs`); raw figures in `bench/results/' + (fromProvision ? 'provision.json`' : 'sweep.json`') +
    `${prov && !fromProvision ? ', `bench/results/provision.json`' : ''}${big ? ', `bench/results/big.json`' : ''}. ` +
    'Timings on this VM are noisy: compare the rows of one table with each other, not with other machines or days. Each figure is the median of ' +
    `${sweep.reps} repetitions${repsNote(sweep)} with its min–max spread; in every repetition all (configuration, size) pairs ran in a fresh seeded order` +
    (sweep.settleS ? `, each after a \`sync\` and ${sweep.settleS} s at rest (so none runs on memory the one before it had just freed: see the analysis below). ` : '. ') +
    'Time is the library\'s own clock for the scenario (store + verify; the heap baseline also frees), without process start-up; ' +
    'the limit and peer rows are C programs (`bench/limit.c`, `bench/peers.c`) timed the same way, with no node in them.');
  L.push('');
  L.push(`Run ${sweep.startedAt}, ${Math.round(sweep.durationMs / 60000)} min; sizes ${sweep.sizes.map((n) => n.toLocaleString('en-US')).join(', ')} items; ` +
    `load average at the start ${sweep.loadStart.split(' ').slice(0, 3).join(' ')}, at the start of each repetition ${sweep.loadsPerRep.map((l) => l.split(' ')[0]).join(', ')}, at the end ${sweep.loadEnd.split(' ').slice(0, 3).join(' ')} ` +
    `(${sweep.machine.cpus} vCPUs; above ~1 another process shared the machine).`);
  L.push('');
  if (sweep.failures?.length) {
    L.push(`Failed runs (left out of the medians; the row's repetition count says how many remain): ${sweep.failures.map((f) => `${f.id} at ${f.items.toLocaleString('en-US')} items in repetition ${f.rep}: ${f.error.replace(/^.*?: exit \d+: /, '')}`).join('; ')}.`);
    L.push('');
  }
  L.push('## Targets (issue 14), from this run');
  L.push('');
  L.push('A target counts as met only if the ratio of medians holds at every size measured.');
  L.push('');
  const targetLines = (run, T, sizes) => {
    const L = [];
    for (const t of T) {
      const per = t.per.map((p) => `${p.items.toLocaleString('en-US')}: ${f2(p.ratio)}${p.ok ? '' : ' ✗'}${/best/.test(t.name) ? ` (${short(p.what)})` : ''}`).join('; ');
      const miss = t.missing.length ? ` Not measured at ${t.missing.map((n) => n.toLocaleString('en-US')).join(', ')} items (the peers ran up to --peers-max).` : '';
      if (!t.per.length) { L.push(`- ${t.name}: **not measured** in this run.`); continue; }
      L.push(`- ${t.name}: **${t.met ? 'met' : 'not met'}**${t.met ? ` at the ${t.per.length} size${t.per.length > 1 ? 's' : ''} measured` : ''} — ${per}.${miss}`);
    }
    {
      // one configuration at every size (the best at each size may differ)
      const cands = ['pf-best', 'disk-best', 'disk-best-pf'].map((id) => {
        const per = [...sizes].map(([, r]) => (r[id] && r.baseline ? r.baseline.elapsedMs / r[id].elapsedMs : undefined));
        return per.every((x) => x !== undefined) ? { id, label: run.rows.find((r) => r.id === id)?.label, worst: Math.min(...per), per } : undefined;
      }).filter(Boolean).sort((a, b) => b.worst - a.worst);
      if (cands.length) {
        L.push(`- The best mapped configuration >= 1.5x the heap, one configuration at every size: ${cands.map((c) => `${short(c.label)} ${c.per.map(f2).join(' / ')}`).join('; ')} (x heap at ${[...sizes.keys()].map((n) => n.toLocaleString('en-US')).join(' / ')} items): ` +
          `${cands[0].worst >= 1.5 ? `**met** by ${short(cands[0].label)}` : '**no single configuration reaches 1.5x at every size**'}.`);
      }
    }
    return L;
  };
  L.push(...targetLines(sweep, T, sizes));
  if (prov && !fromProvision) {
    const p2 = provisionAsSweep(prov);
    L.push(`- In the provisioning table (${[...bySize(p2).keys()].map((n) => n.toLocaleString('en-US')).join(' and ')} items, its default configurations, load ${prov.loadsPerRep.map((l) => l.split(' ')[0]).join(', ')}):`);
    L.push(...targetLines(p2, targets(p2), bySize(p2)).filter((l) => !/not measured/.test(l)).map((l) => `  ${l}`));
  }
  const views = [...sizes].map(([n, r]) => r['disk-seed'] ? `${n.toLocaleString('en-US')}: ${int(r['disk-seed'].mapViews)} (disk), ${int(r['pf-seed']?.mapViews)} (page file)` : '').filter(Boolean).join('; ');
  L.push('- The seed-default counters are unchanged: checked by `npm test` (test/process/fidelity.test.mjs and the native model tests, which compare them with an independent model), not by this run' +
    (views ? `; map views of the seed-default rows here: ${views}.` : '.'));
  if (big) L.push(`- The 50 GiB run keeps < 1 GB peak RSS: **${big.peakRssBytes < 1e9 ? 'met' : 'not met'}** — ${mib(big.peakRssBytes)} (bench:big, ${big.startedAt}).`);
  else L.push('- The 50 GiB run keeps < 1 GB peak RSS: **not measured with this library** (no `bench:big` run of it in bench/results/big.json).');
  L.push('');
  L.push('![seconds per GB against data size](images/bench-size-sweep.png)');
  L.push('');
  for (const [items, r] of fromProvision ? [] : sizes) {
    const rows = sweep.rows.filter((x) => x.items === items);
    L.push(`## ${items.toLocaleString('en-US')} items (${(rows[0].bytes / 1e9).toFixed(2)} GB)`);
    L.push('');
    L.push(...sizeTable(rows, r.baseline, r['limit-fresh']));
    L.push('');
  }
  L.push('Columns: × heap and × fresh limit are speed ratios of medians (> 1 is faster). Peak RSS is the whole process\'s (for the runner rows node + koffi add about 45 MiB). ' +
    'The last column is the mapped file\'s logical size (it doubles) for the library\'s rows and the bytes the store occupies on the disk (st_blocks) for the peers.');
  L.push('');
  L.push('Commands: heap `--scenario baseline`; seed defaults `--mode pagefile` / `--mode disk`; best page file `' +
    (sweep.rows.find((r) => r.id === 'pf-best')?.args.join(' ') ?? '') + '`; disk candidates `' + (sweep.rows.find((r) => r.id === 'disk-best')?.args.join(' ') ?? '') +
    '` with and without `--prefault` (all `node dist/runner.js run --items N --offset-bits 64 ...`); limit `bench/limit N fresh`; peers `bench/peers N lmdb|sqlite|pwrite DIR`.');
  L.push('');
  if (prov) {
    L.push('## Provisioning: whole doublings, chunks, a helper thread');
    L.push('');
    L.push(`\`node bench/sweep.mjs --set provision\`, run ${prov.startedAt}, ${prov.reps} interleaved repetitions, load average at the start of each ${prov.loadsPerRep.map((l) => l.split(' ')[0]).join(', ')}. ` +
      'Same library; the strategy chosen with the library\'s MEMMAP_PROVISION_* environment variables.');
    L.push('');
    for (const [items, r] of bySize(prov)) {
      const rows = prov.rows.filter((x) => x.items === items);
      L.push(`**${items.toLocaleString('en-US')} items (${(rows[0].bytes / 1e9).toFixed(2)} GB)**`);
      L.push('');
      L.push(...sizeTable(rows, r.baseline, r['limit-fresh']));
      L.push('');
    }
  }
  if (big) {
    L.push('## Beyond RAM: 50 GiB in disk mode, seed defaults');
    L.push('');
    L.push(`\`npm run bench:big\`, run ${big.startedAt}: ${int(big.items)} items, ${(big.bytesStored / G).toFixed(1)} GiB stored, every item read back: ${big.verified ? 'verified' : 'NOT verified'}. ` +
      `Whole run ${(big.elapsedMs / 1000).toFixed(1)} s (${f2(big.bytesStored / 1e9 / (big.elapsedMs / 1000))} GB/s); store phase ${f2(big.storeGBps)} GB/s against pwrite + fsync ${f2(big.disk?.writeGBps)} GB/s ` +
      `(ratio ${f2(big.storeVsPwrite)}); peak RSS ${mib(big.peakRssBytes)}; map views ${int(big.mapViews)}; page cache peak ${(big.maxPageCacheBytes / G).toFixed(1)} GiB, dirty + writeback peak ${(big.maxDirtyPlusWritebackBytes / G).toFixed(1)} GiB. ` +
      `Load average: ${big.machine?.loadStart ?? '?'} at the start, ${big.machine?.loadEnd ?? '?'} at the end.`);
    L.push('');
  }
  if (analysis) {
    L.push(analysis);
    L.push('');
  }
  L.push('## Reproducing');
  L.push('');
  L.push('```');
  L.push('npm run build');
  L.push('npm run bench                      # node bench/sweep.mjs: the size sweep, 5 reps, peers up to 1,000,000 items; --sizes, --reps, --only, --no-peers, --peers-max N');
  L.push('node bench/sweep.mjs --set provision --sizes 300000,1000000,1300000 --reps 5');
  L.push('npm run bench:big                  # node bench/big.mjs --size 50G');
  L.push('npm run bench:views                # node bench/bench.mjs: one size, view-size sweep (not part of this document\'s run)');
  L.push('node bench/sweep-report.mjs        # re-render this file and the chart from bench/results/');
  L.push('node bench/latency-overhead.mjs    # the latency histograms\' cost (issue 16); --items, --reps');
  L.push('node bench/insight.mjs             # the residency sampling\'s cost (issue 16); --sizes, --reps, --mode');
  L.push('```');
  writeFileSync(path.join(root, 'docs', 'BENCHMARKS.md'), L.join('\n') + '\n');
  log('report: wrote docs/BENCHMARKS.md and docs/images/bench-size-sweep.png');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await writeReport();
}
