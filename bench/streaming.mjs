// Streaming overhead: the same grow run with samples streaming (--ndjson, as
// the panel gets them) and without (--json), alternated in one run so machine
// drift hits both alike. Reports medians and the ratio. A benchmark, not a test.
//   node bench/streaming.mjs [--items N] [--reps N] [--mode disk|pagefile] [--json]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const items = Number(arg('items', '1000000'));
const reps = Number(arg('reps', '5'));
const mode = arg('mode', 'disk');
const asJson = process.argv.includes('--json');

function once(output) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [path.join(root, 'dist', 'runner.js'), 'run', '--scenario', 'grow', '--mode', mode,
      '--items', String(items), '--offset-bits', '64', output], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) return reject(new Error(`${output} run failed (exit ${code})`));
      const lines = out.trim().split('\n').map((l) => JSON.parse(l));
      const result = output === '--json' ? lines[0] : lines.find((l) => l.type === 'done').result;
      const samples = lines.filter((l) => l.type === 'sample').length;
      resolve({ wallMs, nativeMs: result.elapsedMs, samples, bytes: out.length });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const runs = { quiet: [], streaming: [] };
for (let r = 0; r < reps; r++) {
  // Alternate the order too, so neither variant always goes first.
  const order = r % 2 === 0 ? ['quiet', 'streaming'] : ['streaming', 'quiet'];
  for (const v of order) {
    const m = await once(v === 'quiet' ? '--json' : '--ndjson');
    runs[v].push(m);
    if (!asJson) console.error(`rep ${r + 1}/${reps} ${v.padEnd(9)} wall ${m.wallMs.toFixed(0)} ms, native ${m.nativeMs.toFixed(0)} ms, ${m.samples} samples`);
  }
}
const summary = {
  items, mode, reps,
  quiet: { wallMs: median(runs.quiet.map((m) => m.wallMs)), nativeMs: median(runs.quiet.map((m) => m.nativeMs)) },
  streaming: {
    wallMs: median(runs.streaming.map((m) => m.wallMs)), nativeMs: median(runs.streaming.map((m) => m.nativeMs)),
    samplesPerSecond: median(runs.streaming.map((m) => m.samples / (m.wallMs / 1000))),
  },
};
summary.ratioWall = summary.streaming.wallMs / summary.quiet.wallMs;
summary.ratioNative = summary.streaming.nativeMs / summary.quiet.nativeMs;
if (asJson) console.log(JSON.stringify(summary));
else {
  console.log(`grow ${items} items, ${mode}, ${reps} reps alternated, medians:`);
  console.log(`  --json   (no streaming): wall ${summary.quiet.wallMs.toFixed(0)} ms, native ${summary.quiet.nativeMs.toFixed(0)} ms`);
  console.log(`  --ndjson (streaming)   : wall ${summary.streaming.wallMs.toFixed(0)} ms, native ${summary.streaming.nativeMs.toFixed(0)} ms, ${summary.streaming.samplesPerSecond.toFixed(1)} samples/s`);
  console.log(`  streaming / quiet: wall ${summary.ratioWall.toFixed(3)}, native ${summary.ratioNative.toFixed(3)} (target <= 1.03)`);
}
