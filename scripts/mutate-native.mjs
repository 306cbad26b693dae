#!/usr/bin/env node
// `npm run test:mutation:native`: a small scripted set of mutations of the C
// library (native/src), each of which the native suite must kill. For every
// mutation: apply the textual change in place, build and run the suite (the
// -O2 build only: MEMMAP_NATIVE_VARIANTS=O2 scripts/test-native.mjs), expect it
// to FAIL, restore the file. Prints one line per mutant (killed / SURVIVED,
// and by which tests) and a score; exits non-zero when a mutant survived or
// a mutation no longer applies (the code moved: update the list below).
// The file is restored on every path out, Ctrl+C included.
// Optional argument: a substring selecting mutants by id.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const src = (f) => join(root, 'native', 'src', f);

// id, file, exact text, replacement, why it matters
const MUTANTS = [
  ['deletions-skip-readback', 'scenario.c', 'rc = verify(r, i, r->locs[i].offset, r->scratch, len);', 'rc = MM_OK;',
    'deletions: the uncounted read-back before the frees is skipped'],
  ['random-skip-deref-verify', 'scenario.c', 'rc = verify(r, ndx, it.off, p, it.len);', 'rc = MM_OK;',
    'random: the dereference operations do not check what they read'],
  ['random-skip-final-verify', 'scenario.c', 'rc = verify(r, r->idx, it->off, r->scratch, it->len);', 'rc = MM_OK;',
    'random: the final check of every live item is skipped'],
  ['grow-skip-verify', 'scenario.c', 'rc = verify(r, i, r->locs[i].offset, p, len);', 'rc = MM_OK;',
    'grow: the Dereference loop does not check what it reads'],
  ['linux-pagefile-copies', 'prim/unix/prim.c', '{"posix", 1, 1, 1, \'/\', "the page file (memfd)"', '{"posix", 0, 1, 1, \'/\', "the page file (memfd)"',
    'Linux page-file growth copies instead of growing in place'],
  ['linux-no-reserve', 'prim/unix/prim.c', '{"posix", 1, 1, 1, \'/\', "the page file (memfd)"', '{"posix", 1, 0, 1, \'/\', "the page file (memfd)"',
    'Linux reserve growth falls back to remap'],
  ['items-limit-tenfold', 'scenario.c', 'n > 0x7fffffffull', 'n > 0x7fffffffull * 10',
    'the item limit raised tenfold'],
  ['items-limit-off-by-one', 'scenario.c', 'n > 0x7fffffffull', 'n >= 0x7fffffffull',
    'the largest item count refused'],
  ['initial-size-32bit-limit', 'config.c', 'cfg->offset_bits == 32 ? MM_4GIB : MM_SIZE_CAP', 'cfg->offset_bits == 32 ? 2 * MM_4GIB : MM_SIZE_CAP',
    'an initial file past 4 GiB accepted with 32-bit offsets'],
  ['growth-32bit-limit-edge', 'heap.c', 'h->cfg.offset_bits == 32 && new_size > MM_4GIB', 'h->cfg.offset_bits == 32 && new_size >= MM_4GIB',
    'a 32-bit heap refuses to grow to exactly 4 GiB'],
  ['granularity-cap-edge', 'config.c', 'g > MM_GRAN_CAP', 'g >= MM_GRAN_CAP',
    'a granularity of exactly 1 GiB refused'],
  ['view-size-min-edge', 'config.c', 'if (v < g || v % g != 0 || v > MM_SIZE_CAP)', 'if (v <= g || v % g != 0 || v > MM_SIZE_CAP)',
    'a view of exactly one granularity refused'],
  ['view-size-cap-edge', 'config.c', 'if (v < g || v % g != 0 || v > MM_SIZE_CAP)', 'if (v < g || v % g != 0 || v > MM_SIZE_CAP + g)',
    'a view past the size cap accepted'],
  ['event-cap-edge', 'config.c', 'cfg->event_capacity > MM_EVENT_CAP', 'cfg->event_capacity > MM_EVENT_CAP + 1',
    'one event more than the cap accepted'],
  ['random-free-ops-uncounted', 'scenario.c', '        r->ops_done++;\n        done++;',
    '        if (r->cfg.scenario != MM_SCENARIO_RANDOM || r->phase != MM_PHASE_FREE) r->ops_done++;\n        done++;',
    'random: the final frees are not counted as operations (ops_done == ops_total still holds)'],
];

const only = process.argv[2];
const chosen = MUTANTS.filter(([id]) => !only || id.includes(only));
let current = null; // { path, text } to restore
const restore = () => {
  if (current) writeFileSync(current.path, current.text);
  current = null;
};
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { restore(); process.exit(130); });
process.on('exit', restore);

const results = [];
const t0 = Date.now();
for (const [id, file, from, to, why] of chosen) {
  const path = src(file);
  const text = readFileSync(path, 'utf8');
  const n = text.split(from).length - 1;
  if (n !== 1) {
    console.log(`STALE ${id}: "${from.split('\n')[0]}" occurs ${n} times in native/src/${file}, not once (update scripts/mutate-native.mjs)`);
    results.push({ id, status: 'stale' });
    continue;
  }
  current = { path, text };
  writeFileSync(path, text.replace(from, to));
  const started = Date.now();
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'test-native.mjs')], {
    cwd: root, encoding: 'utf8', env: { ...process.env, MEMMAP_NATIVE_VARIANTS: 'O2' }, maxBuffer: 64 << 20,
  });
  restore();
  const out = `${r.stdout}${r.stderr}`;
  const killers = [...out.matchAll(/^FAIL (\S+?):? /gm)].map((m) => m[1]);
  const killed = r.status !== 0;
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`${killed ? 'killed  ' : 'SURVIVED'} ${id} (${why}; ${secs} s)${killed ? `: ${killers.join(', ') || `exit ${r.status}`}` : ''}`);
  results.push({ id, status: killed ? 'killed' : 'survived', killers });
}
// the suite itself passes on the restored code (else every "kill" means nothing)
const clean = spawnSync(process.execPath, [join(root, 'scripts', 'test-native.mjs')], {
  cwd: root, encoding: 'utf8', env: { ...process.env, MEMMAP_NATIVE_VARIANTS: 'O2' }, maxBuffer: 64 << 20,
});
const killed = results.filter((r) => r.status === 'killed').length;
const bad = results.length - killed;
console.log(`(mutation run took ${((Date.now() - t0) / 1000).toFixed(0)} s; the unmutated suite ${clean.status === 0 ? 'passes' : 'FAILS'})`);
console.log(`native mutants: ${killed} of ${results.length} killed${bad ? `, ${bad} survived or stale` : ''}`);
process.exit(bad === 0 && clean.status === 0 ? 0 : 1);
