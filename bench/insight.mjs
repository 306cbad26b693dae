// The cost of the insight (issue 16), side by side through the CLI: "insight"
// is what ships (the latency histograms in the library, residency read into
// the samples: at most RESIDENCY_COST_SHARE of the run's time, between
// slices); "none" is the library built with -DMM_NO_LATENCY (no tick reads,
// no histograms) and MEMMAP_RESIDENCY_SAMPLING=0. Both stream samples
// (--ndjson, as the panel gets them) and end with the result's own residency
// (one strip). Interleaved in alternating order, at several sizes; medians
// over the repetitions with the min-max spread, wall time of the CLI.
//   node bench/insight.mjs [--reps N] [--sizes 1000000,3000000] [--mode disk|pagefile] [--scenario grow|random]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseFlags, compile, findCompiler, libName, libraryFlags, nativeSources } from '../scripts/build-native.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const reps = Number(arg('reps', '5'));
const sizes = arg('sizes', '1000000,3000000').split(',').map(Number);
const mode = arg('mode', 'disk');
const scenario = arg('scenario', 'grow');
const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-insight-bench-'));
// the library without the latency histograms, built as the shipped one is
const untimedLib = path.join(dir, libName());
compile(findCompiler(), [...baseFlags, '-O2', ...libraryFlags(process.platform), '-DMM_NO_LATENCY',
  `-I${path.join(root, 'native', 'include')}`, ...nativeSources(), '-o', untimedLib, '-lpthread']);

function once(items, insight) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const env = insight ? { ...process.env, MEMMAP_RESIDENCY_SAMPLING: '1' } : { ...process.env, MEMMAP_RESIDENCY_SAMPLING: '0', MEMMAP_LIB: untimedLib };
    const child = spawn(process.execPath, [path.join(root, 'dist', 'runner.js'), 'run', '--scenario', scenario, '--mode', mode,
      '--disk-dir', dir, '--items', String(items), '--offset-bits', '64', '--ndjson'],
    { stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) return reject(new Error(`run failed (exit ${code})`));
      const lines = out.trim().split('\n').map((l) => JSON.parse(l));
      const samples = lines.filter((l) => l.type === 'sample');
      const withRes = samples.filter((s) => s.residency);
      const result = lines.find((l) => l.type === 'done').result;
      resolve({
        wallMs, nativeMs: result.elapsedMs, samples: samples.length, withResidency: withRes.length,
        residencyMs: withRes.reduce((a, s) => a + s.residency.costNs, 0) / 1e6, fileBytes: result.stats.fileSize,
        source: result.residency?.source,
        timedAllocs: result.latency.alloc.timed,
      });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const spread = (xs) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

const rows = [];
for (const items of sizes) {
  const got = { on: [], off: [] };
  for (let r = 0; r < reps; r++) {
    const order = r % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
    for (const v of order) {
      const m = await once(items, v === 'on');
      got[v].push(m);
      console.error(`${items} items, rep ${r + 1}/${reps}, ${v === 'on' ? 'insight' : 'none   '}: wall ${m.wallMs.toFixed(0)} ms, native ${m.nativeMs.toFixed(0)} ms, ${m.withResidency}/${m.samples} samples with residency (${m.residencyMs.toFixed(1)} ms)`);
    }
  }
  const on = got.on;
  const off = got.off;
  rows.push({
    items, fileBytes: on[0].fileBytes, source: on[0].source,
    wallOn: median(on.map((m) => m.wallMs)), wallOff: median(off.map((m) => m.wallMs)),
    spreadOn: spread(on.map((m) => m.wallMs)), spreadOff: spread(off.map((m) => m.wallMs)),
    nativeOn: median(on.map((m) => m.nativeMs)), nativeOff: median(off.map((m) => m.nativeMs)),
    withRes: median(on.map((m) => m.withResidency)), samples: median(on.map((m) => m.samples)),
    resMs: median(on.map((m) => m.residencyMs)),
    // each repetition's pair, run back to back: less moved by the machine's drift than the medians
    pairRatio: median(on.map((m, i) => m.wallMs / off[i].wallMs)),
  });
}
rmSync(dir, { recursive: true, force: true });
console.log(`${scenario} runs, ${mode}, --ndjson, ${reps} repetitions each, interleaved, medians (min–max)\n`);
console.log('| items | file | source | wall with the insight | without (untimed library, no residency samples) | difference of medians | median of the paired differences | residency samples | their cost | share of wall |');
console.log('|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.items.toLocaleString('en-US')} | ${(r.fileBytes / 2 ** 20).toFixed(0)} MiB | ${r.source} | ${r.wallOn.toFixed(0)} ms (${r.spreadOn}) | ${r.wallOff.toFixed(0)} ms (${r.spreadOff}) | ${(((r.wallOn / r.wallOff) - 1) * 100).toFixed(1)}% | ${((r.pairRatio - 1) * 100).toFixed(1)}% | ${r.withRes} of ${r.samples} | ${r.resMs.toFixed(1)} ms | ${((r.resMs / r.wallOn) * 100).toFixed(2)}% |`);
}
