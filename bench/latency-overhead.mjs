// The cost of the per-operation latency histograms (issue 16, item 2), side
// by side: the library built with them (what ships) and without
// (-DMM_NO_LATENCY), the same scenarios, interleaved in alternating order,
// medians over the repetitions. Also prints what one read of the tick
// clock costs here (mm_latency_clock: the mean of 20,000 reads, best of 5 rounds).
//
//   node bench/latency-overhead.mjs [--items N] [--reps N] [--only grow,deletions,random]
import { median, numberArg, sideBySide } from './sideBySide.mjs';

const items = numberArg('items', 1000000);
const reps = numberArg('reps', 5);
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : undefined;
const runs = sideBySide([['timed', []], ['untimed', ['-DMM_NO_LATENCY']]], { items, reps, only });
const clock = runs[0].got.timed[0];
console.log(`items ${items}, ${reps} repetitions, medians, interleaved; clock ${clock.clock}: ${clock.tickReadNs} ns a read (clock_gettime: ${clock.nowReadNs} ns)\n`);
console.log('| scenario | operations | of which timed | with histograms | without | cost | ns per operation |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const { label, items: n, got } of runs) {
  const timed = median(got.timed.map((x) => x.elapsedMs));
  const untimed = median(got.untimed.map((x) => x.elapsedMs));
  const spread = (a) => `${Math.min(...a).toFixed(1)}-${Math.max(...a).toFixed(1)}`;
  console.log(`| ${label} (${n} items, page file) | ${got.timed[0].ops} | ${got.timed[0].timed} | ${timed.toFixed(1)} ms (${spread(got.timed.map((x) => x.elapsedMs))})`
    + ` | ${untimed.toFixed(1)} ms (${spread(got.untimed.map((x) => x.elapsedMs))}) | ${(((timed / untimed) - 1) * 100).toFixed(1)}% | ${(((timed - untimed) * 1e6) / got.timed[0].ops).toFixed(1)} |`);
}
