// The cost of the double-free / made-up-locator check (issue 13, item 6),
// side by side: the library built with its record of live blocks
// (MM_LIVESET=1, what ships) and without it (MM_LIVESET=0), the same
// scenarios, interleaved in alternating order, medians over the repetitions.
//
//   node bench/free-check.mjs [--items N] [--reps N]     (ONLY=grow,random to pick scenarios)
import { median, numberArg, sideBySide } from './sideBySide.mjs';

const items = numberArg('items', 300000);
const reps = numberArg('reps', 5);
const runs = sideBySide([['with check', ['-DMM_LIVESET=1']], ['without', ['-DMM_LIVESET=0']]], { items, reps, only: process.env.ONLY?.split(',') });
console.log(`items ${items}, ${reps} repetitions, medians, interleaved\n`);
console.log('| scenario | frees | time with check | without | cost | peak RSS with | without |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const { label, items: n, got } of runs) {
  const w = median(got['with check'].map((x) => x.elapsedMs));
  const wo = median(got.without.map((x) => x.elapsedMs));
  const rw = median(got['with check'].map((x) => x.peakRssBytes));
  const rwo = median(got.without.map((x) => x.peakRssBytes));
  console.log(`| ${label} (${n} items, page file) | ${got.without[0].deletions} | ${w.toFixed(1)} ms | ${wo.toFixed(1)} ms | ${(((w / wo) - 1) * 100).toFixed(1)}% | ${(rw / 2 ** 20).toFixed(1)} MiB | ${(rwo / 2 ** 20).toFixed(1)} MiB |`);
}
