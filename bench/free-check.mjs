// The cost of the double-free / made-up-locator check (issue 13, item 6),
// side by side: the library built with its record of live blocks
// (MM_LIVESET=1, what ships) and without it (MM_LIVESET=0), the same
// scenarios, interleaved in alternating order, medians over the repetitions.
//
//   node bench/free-check.mjs [--items N] [--reps N]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeSources } from '../scripts/build-native.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const items = arg('items', 300000);
const reps = arg('reps', 5);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'memmap-free-check-'));
const src = nativeSources();
const exe = {};
for (const [name, flag] of [['with check', '1'], ['without', '0']]) {
  exe[name] = path.join(tmp, `free_check_${flag}`);
  execFileSync(process.env.CC || 'cc', ['-O2', '-std=c11', `-DMM_LIVESET=${flag}`, `-I${path.join(root, 'native', 'include')}`,
    ...src, path.join(root, 'bench', 'free_check.c'), '-o', exe[name], '-lpthread']);
}
const SCENARIOS = [['grow', 1], ['deletions', 2], ['random', 3]].filter(([l]) => !process.env.ONLY || process.env.ONLY.split(',').includes(l));
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const rows = [];
for (const [label, sc] of SCENARIOS) {
  const n = label === 'random' ? Math.round(items / 10) : items;
  const got = { 'with check': [], without: [] };
  for (let r = 0; r < reps; r++) {
    const order = r % 2 ? ['without', 'with check'] : ['with check', 'without'];
    for (const name of order) got[name].push(JSON.parse(execFileSync(exe[name], [String(sc), String(n), '0'], { encoding: 'utf8' })));
  }
  const w = median(got['with check'].map((x) => x.elapsedMs));
  const wo = median(got.without.map((x) => x.elapsedMs));
  const rw = median(got['with check'].map((x) => x.peakRssBytes));
  const rwo = median(got.without.map((x) => x.peakRssBytes));
  rows.push({ scenario: `${label} (${n} items, page file)`, with: w, without: wo, rssWith: rw, rssWithout: rwo, frees: got.without[0].deletions });
}
console.log(`items ${items}, ${reps} repetitions, medians, interleaved\n`);
console.log('| scenario | frees | time with check | without | cost | peak RSS with | without |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.scenario} | ${r.frees} | ${r.with.toFixed(1)} ms | ${r.without.toFixed(1)} ms | ${(((r.with / r.without) - 1) * 100).toFixed(1)}% | ${(r.rssWith / 2 ** 20).toFixed(1)} MiB | ${(r.rssWithout / 2 ** 20).toFixed(1)} MiB |`);
}
rmSync(tmp, { recursive: true, force: true });
