// The cost of the per-operation latency histograms (issue 16, item 2), side
// by side: the library built with them (what ships) and without
// (-DMM_NO_LATENCY), the same scenarios, interleaved in alternating order,
// medians over the repetitions. Also prints what one read of the tick
// clock costs here (mm_latency_clock: the mean of 20,000 reads, best of 5 rounds).
//
//   node bench/latency-overhead.mjs [--items N] [--reps N]
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
const items = arg('items', 1000000);
const reps = arg('reps', 5);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'memmap-latency-overhead-'));
const exe = {};
for (const [name, flags] of [['timed', []], ['untimed', ['-DMM_NO_LATENCY']]]) {
  exe[name] = path.join(tmp, `latency_overhead_${name}`);
  execFileSync(process.env.CC || 'cc', ['-O2', '-std=c11', ...flags, `-I${path.join(root, 'native', 'include')}`,
    ...nativeSources(), path.join(root, 'bench', 'latency_overhead.c'), '-o', exe[name], '-lpthread']);
}
const SCENARIOS = [['grow', 1], ['deletions', 2], ['random', 3]];
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const rows = [];
let clock;
for (const [label, sc] of SCENARIOS) {
  const n = label === 'random' ? Math.round(items / 10) : items;
  const got = { timed: [], untimed: [] };
  for (let r = 0; r < reps; r++) {
    const order = r % 2 ? ['untimed', 'timed'] : ['timed', 'untimed'];
    for (const name of order) got[name].push(JSON.parse(execFileSync(exe[name], [String(sc), String(n), '0'], { encoding: 'utf8' })));
  }
  clock = got.timed[0];
  rows.push({ scenario: `${label} (${n} items, page file)`, ops: got.timed[0].ops, timed: median(got.timed.map((x) => x.elapsedMs)), untimed: median(got.untimed.map((x) => x.elapsedMs)) });
}
console.log(`items ${items}, ${reps} repetitions, medians, interleaved; clock ${clock.clock}: ${clock.tickReadNs} ns a read (clock_gettime: ${clock.nowReadNs} ns)\n`);
console.log('| scenario | timed operations | with histograms | without | cost | ns per operation |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.scenario} | ${r.ops} | ${r.timed.toFixed(1)} ms | ${r.untimed.toFixed(1)} ms | ${(((r.timed / r.untimed) - 1) * 100).toFixed(1)}% | ${(((r.timed - r.untimed) * 1e6) / r.ops).toFixed(1)} |`);
}
rmSync(tmp, { recursive: true, force: true });
