// `npm test`: everything, for real. Installs what is missing, builds, then
// runs the type check, the native C suite (plain and under ASan/UBSan), the
// unit tests (pure code, node --test), the process tests (node --test against
// dist/: the runner, its CLI, the model) and the integration tests inside a real VS Code.
// Every stage runs; the exit status is non-zero if any failed.
//
// No silent passes: each stage's output is read for its test counts. A stage
// is `ok`, `FAIL`, or `skipped` (it ran nothing, with the reason); the skips
// inside a stage (node's t.skip, the C suite's SKIPPED tests) are listed with
// their reasons. A stage that ran fewer tests than its minimum (MIN_TESTS)
// fails. MEMMAP_REQUIRE_STAGES (e.g. "native,win32,unit", set by .ci/run)
// names stages that must run: one of them skipped fails the whole run.
import { spawn } from 'node:child_process';
import { readdirSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
ensureDeps();
// Imported only now: on a fresh clone esbuild exists once ensureDeps() has run npm ci.
const esbuild = await import('esbuild');

const only = process.argv.slice(2); // e.g. `npm test -- unit native`
const want = (stage) => only.length === 0 || only.includes(stage);
const required = (process.env.MEMMAP_REQUIRE_STAGES ?? '').split(/[\s,]+/).filter(Boolean);
const results = [];

// Fewest tests each counted stage may run (both native builds count; the
// figures are a little under today's counts: a stage that lost tests fails).
const MIN_TESTS = { native: 100, win32: 55, unit: 130, process: 115, arm64: 90, alpine: 45, platforms: 10, integration: 40, vsix: 4 };

/** Test counts from a stage's output: { passed, failed, skipped, skips: [reasons] } or null when it has none. */
function countsFrom(key, out) {
  if (key === 'unit' || key === 'process') {
    // node --test's spec reporter: "ℹ pass 12", "ℹ skipped 1"; each skipped test "﹣ name (0.1ms) # reason".
    const num = (name) => Number((new RegExp(`^\\S* ?${name} (\\d+)$`, 'm').exec(out) ?? [])[1] ?? NaN);
    const passed = num('pass');
    if (Number.isNaN(passed)) return null;
    const skips = [...out.matchAll(/^\s*\uFE63 (.+?) \([\d.]+m?s\)(?: # (.*))?$/gm)].map((m) => `${m[1]}: ${m[2] || 'no reason given'}`);
    return { passed, failed: num('fail') + (num('cancelled') || 0), skipped: num('skipped') || 0, skips };
  }
  // the native drivers: "native: 110 passed, 0 failed, 2 skipped" and "SKIP name: reason" lines
  const m = new RegExp(`^${key}: (\\d+) passed, (\\d+) failed(?:, (\\d+) skipped)?`, 'm').exec(out);
  if (!m) return null;
  const skips = [...out.matchAll(/^SKIP (\S+: .*)$/gm)].map((x) => x[1]);
  return { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3] ?? 0), skips: [...new Set(skips)] };
}

/** Runs a stage, its output shown as it comes and kept for the counts. */
function run(stage, cmd, args, { key, opts = {} } = {}) {
  const started = Date.now();
  console.log(`\n=== ${stage}: ${[cmd, ...args].join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['inherit', 'pipe', 'pipe'], ...opts });
    let out = '';
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
    child.on('error', (e) => { out += e.message; });
    child.on('close', (code, signal) => {
      const r = { stage, key, ok: code === 0, seconds: (Date.now() - started) / 1000, status: code ?? signal, note: '' };
      const skippedStage = key ? new RegExp(`^${key}: skipped \\((.*)\\)$`, 'm').exec(out) : null;
      const counts = key ? countsFrom(key, out) : null;
      if (skippedStage && r.ok) {
        r.skipped = skippedStage[1];
      } else if (key && MIN_TESTS[key] !== undefined) {
        if (!counts) {
          r.ok = false;
          r.note = 'no test counts in its output';
        } else {
          r.counts = counts;
          const ran = counts.passed + counts.failed;
          if (counts.failed > 0) r.ok = false;
          if (ran < MIN_TESTS[key]) {
            r.ok = false;
            r.note = `ran ${ran} tests, fewer than its minimum ${MIN_TESTS[key]}`;
          }
        }
      }
      results.push(r);
      resolve(r.ok);
    });
  });
}

const node = process.execPath;
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

const built = (await run('build', node, ['scripts/build-native.mjs'])) && (await run('bundle', node, ['esbuild.mjs']));
if (want('typecheck')) {
  // The layers (common, runner, extension, webview) as project references: a file importing another
  // layer's file (anything but common/) is error TS6307 (docs/ARCHITECTURE.md). Declarations go to out/tsc.
  await run('typecheck layers', npx, ['tsc', '-b', 'tsconfig.json']);
  await run('typecheck tests', npx, ['tsc', '-p', 'test/tsconfig.json', '--noEmit']);
  await run('typecheck VS Code suite', npx, ['tsc', '-p', 'test/integration/tsconfig.json', '--noEmit']);
}
if (want('native')) await run('native C suite', node, ['scripts/test-native.mjs'], { key: 'native' });
// Windows OS layer: cross-built with mingw-w64, run under Wine; "win32: skipped (why)" without them.
if (want('win32')) await run('win32 C suite (mingw-w64 + Wine)', node, ['scripts/test-win32.mjs'], { key: 'win32' });
// Other Linux targets: arm64 under qemu-user (and the runner on an arm64 Node), x64 against musl;
// "arm64: skipped (why)" / "alpine: skipped (why)" without their tools.
if (want('arm64') && built) await run('linux-arm64 C suite + runner (qemu)', node, ['scripts/test-cross.mjs', 'linux-arm64'], { key: 'arm64' });
if (want('alpine')) await run('alpine-x64 C suite (musl)', node, ['scripts/test-cross.mjs', 'alpine-x64'], { key: 'alpine' });
// Every VSIX this machine can make holds only its target's binaries; the release workflow is linted.
if (want('platforms') && built) await run('platforms (VSIX per target, workflow lint)', node, ['scripts/test-platforms.mjs'], { key: 'platforms' });

function files(dir, pattern) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => pattern.test(f)).map((f) => path.join(dir, f));
}

/** node --test over test/<stage>: its TypeScript bundled to out/<stage> (node's runner takes JS), its .mjs as they are. */
async function nodeTests(stage, label) {
  const src = `test/${stage}`;
  const out = `out/${stage}`;
  rmSync(out, { recursive: true, force: true });
  const tsTests = files(src, /\.test\.ts$/);
  if (tsTests.length > 0) {
    await esbuild.build({
      entryPoints: tsTests, outdir: out, outbase: src, bundle: true, platform: 'node',
      format: 'cjs', target: 'node20', sourcemap: 'inline', external: ['koffi', 'vscode'], logLevel: 'warning',
    });
  }
  const testFiles = [...files(out, /\.test\.js$/), ...files(src, /\.test\.mjs$/)];
  await run(label, node, ['--test', '--test-reporter=spec', '--test-concurrency=1', ...testFiles], { key: stage });
}
// unit: pure code only (no dist/, no runner process, no VS Code), laid out like the sources.
if (want('unit')) await nodeTests('unit', 'unit');
// process: what needs dist/ (the runner, its CLI, the native library) or root, and the seed model.
if (want('process') && built) await nodeTests('process', 'process');
if (want('integration') && built) await run('integration', node, ['test/integration/run.mjs'], { key: 'integration' });
// The packaged VSIX installed in a fresh code-server: the Testing view and Run All Tests.
if (want('vsix') && built && (await run('package', node, ['scripts/package.mjs']))) await run('vsix', node, ['test/integration/vsix.mjs'], { key: 'vsix' });

console.log('\n=== summary');
for (const r of required) {
  const got = results.find((x) => x.key === r);
  if (got?.skipped) {
    got.ok = false;
    got.note = `required by MEMMAP_REQUIRE_STAGES but skipped: ${got.skipped}`;
  } else if (!got && (only.length === 0 || only.includes(r))) {
    results.push({ stage: r, key: r, ok: false, seconds: 0, status: '-', note: 'required by MEMMAP_REQUIRE_STAGES but did not run' });
  }
}
for (const r of results) {
  const status = !r.ok ? 'FAIL' : r.skipped ? 'skip' : 'ok  ';
  const c = r.counts;
  const counts = c ? `${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}; ` : '';
  const why = r.skipped && r.ok ? `: ${r.skipped}` : '';
  console.log(`${status} ${r.stage} (${counts}${r.seconds.toFixed(1)} s${r.ok ? '' : `, exit ${r.status}`})${why}${r.note ? ` - ${r.note}` : ''}`);
  for (const s of c?.skips ?? []) console.log(`       skipped: ${s}`);
}
const failed = results.filter((r) => !r.ok).length;
const skipped = results.filter((r) => r.ok && r.skipped).length;
console.log(`stages: ${results.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
