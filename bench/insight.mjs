// The cost of the insight sampling (issue 16): the same disk grow run with the
// residency in samples (what ships: at most RESIDENCY_COST_SHARE of the run's
// time, between slices) and without (MEMMAP_RESIDENCY_SAMPLING=0), both
// streaming samples (--ndjson, as the panel gets them), interleaved in
// alternating order, at two sizes; medians over the repetitions. The result's
// own residency (one strip at the end) and the latency histograms are in both.
//   node bench/insight.mjs [--reps N] [--sizes 1000000,4000000] [--mode disk|pagefile]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const reps = Number(arg('reps', '5'));
const sizes = arg('sizes', '1000000,4000000').split(',').map(Number);
const mode = arg('mode', 'disk');
const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-insight-bench-'));

function once(items, sampling) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [path.join(root, 'dist', 'runner.js'), 'run', '--scenario', 'grow', '--mode', mode,
      '--disk-dir', dir, '--items', String(items), '--offset-bits', '64', '--ndjson'],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MEMMAP_RESIDENCY_SAMPLING: sampling ? '1' : '0' } });
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
      console.error(`${items} items, rep ${r + 1}/${reps}, sampling ${v.padEnd(3)}: wall ${m.wallMs.toFixed(0)} ms, native ${m.nativeMs.toFixed(0)} ms, ${m.withResidency}/${m.samples} samples with residency (${m.residencyMs.toFixed(1)} ms)`);
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
  });
}
rmSync(dir, { recursive: true, force: true });
console.log(`${mode} grow runs, --ndjson, ${reps} repetitions each, interleaved, medians (min–max)\n`);
console.log('| items | file | source | wall with sampling | without | difference | residency samples | their cost | share of wall |');
console.log('|---:|---:|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.items.toLocaleString('en-US')} | ${(r.fileBytes / 2 ** 20).toFixed(0)} MiB | ${r.source} | ${r.wallOn.toFixed(0)} ms (${r.spreadOn}) | ${r.wallOff.toFixed(0)} ms (${r.spreadOff}) | ${(((r.wallOn / r.wallOff) - 1) * 100).toFixed(1)}% | ${r.withRes} of ${r.samples} | ${r.resMs.toFixed(1)} ms | ${((r.resMs / r.wallOn) * 100).toFixed(2)}% |`);
}
