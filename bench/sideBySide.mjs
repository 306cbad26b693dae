// A library feature's cost, side by side: bench/lab_run.c built once per
// variant (compiler flags), the grow, deletions and random scenarios run
// through each in page-file mode, interleaved in alternating order. Used by
// bench/free-check.mjs and bench/latency-overhead.mjs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeSources } from '../scripts/build-native.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `--name N` of the command line as a number, or `dflt`. */
export function numberArg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

export const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

/**
 * Builds one executable per variant ([name, compiler flags]) and runs each
 * scenario `reps` times through both, in alternating order (random gets a
 * tenth of the items). Returns, per scenario, its label, items and each
 * variant's lab_run JSON lines.
 */
export function sideBySide(variants, { items, reps, only }) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'memmap-side-by-side-'));
  try {
    const exe = {};
    for (const [name, flags] of variants) {
      exe[name] = path.join(tmp, `lab_run_${Object.keys(exe).length}`);
      execFileSync(process.env.CC || 'cc', ['-O2', '-std=c11', ...flags, `-I${path.join(root, 'native', 'include')}`,
        ...nativeSources(), path.join(root, 'bench', 'lab_run.c'), '-o', exe[name], '-lpthread']);
    }
    const names = variants.map(([name]) => name);
    const out = [];
    for (const [label, sc] of [['grow', 1], ['deletions', 2], ['random', 3]]) {
      if (only && !only.includes(label)) continue;
      const n = label === 'random' ? Math.round(items / 10) : items;
      const got = Object.fromEntries(names.map((name) => [name, []]));
      for (let r = 0; r < reps; r++) {
        const order = r % 2 ? [...names].reverse() : names;
        for (const name of order) got[name].push(JSON.parse(execFileSync(exe[name], [String(sc), String(n), '0'], { encoding: 'utf8' })));
      }
      out.push({ label, items: n, got });
    }
    return out;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
