// `npm test`: everything, for real. Installs what is missing, builds, then
// runs the type check, the native C suite (plain and under ASan/UBSan), the
// unit tests (node --test) and the integration tests inside a real VS Code.
// Every stage runs; the exit status is non-zero if any failed.
import { spawnSync } from 'node:child_process';
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
const results = [];

function run(stage, cmd, args, opts = {}) {
  const started = Date.now();
  console.log(`\n=== ${stage}: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  const ok = r.status === 0;
  results.push({ stage, ok, seconds: (Date.now() - started) / 1000, status: r.status ?? r.signal });
  return ok;
}

const node = process.execPath;
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

const built = run('build', node, ['scripts/build-native.mjs']) && run('bundle', node, ['esbuild.mjs']);
if (want('typecheck')) {
  run('typecheck', npx, ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  run('typecheck webview', npx, ['tsc', '-p', 'webview/tsconfig.json', '--noEmit']);
  run('typecheck tests', npx, ['tsc', '-p', 'test/tsconfig.json', '--noEmit']);
}
if (want('native')) run('native C suite', node, ['scripts/test-native.mjs']);
// Windows OS layer: cross-built with mingw-w64, run under Wine; prints "win32: skipped (why)" without them.
if (want('win32')) run('win32 C suite (mingw-w64 + Wine)', node, ['scripts/test-win32.mjs']);

function files(dir, pattern) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => pattern.test(f)).map((f) => path.join(dir, f));
}

if (want('unit')) {
  // TypeScript unit tests are bundled to out/unit (node's runner takes JS).
  rmSync('out/unit', { recursive: true, force: true });
  const tsTests = files('test/unit', /\.test\.ts$/);
  if (tsTests.length > 0) {
    await esbuild.build({
      entryPoints: tsTests, outdir: 'out/unit', outbase: 'test/unit', bundle: true, platform: 'node',
      format: 'cjs', target: 'node18', sourcemap: 'inline', external: ['koffi', 'vscode'], logLevel: 'warning',
    });
  }
  const unitFiles = [...files('out/unit', /\.test\.js$/), ...files('test/unit', /\.test\.mjs$/)];
  run('unit', node, ['--test', '--test-reporter=spec', '--test-concurrency=1', ...unitFiles]);
}
if (want('integration') && built) run('integration', node, ['test/integration/run.mjs']);
// The packaged VSIX installed in a fresh code-server: the Testing view and Run All Tests.
if (want('vsix') && built && run('package', node, ['scripts/package.mjs'])) run('vsix', node, ['test/integration/vsix.mjs']);

console.log('\n=== summary');
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.stage} (${r.seconds.toFixed(1)} s${r.ok ? '' : `, exit ${r.status}`})`);
const failed = results.filter((r) => !r.ok).length;
console.log(`stages: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
