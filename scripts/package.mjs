// `npm run package [-- --target linux-x64]`: a VSIX for one platform holding
// the minified bundles, the compiled native library and koffi's binary for
// that platform; no TypeScript, C sources or tests (.vscodeignore).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
ensureDeps();

const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];
const i = process.argv.indexOf('--target');
const target = i > 0 ? process.argv[i + 1] : `${process.platform}-${process.arch}`;
if (!TARGETS.includes(target)) {
  console.error(`package: target ${JSON.stringify(target)} is not supported; allowed: ${TARGETS.join(', ')}`);
  process.exit(2);
}
const host = `${process.platform}-${process.arch}`;

function step(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`package: ${[cmd, ...args].join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

// Windows from another host: memmap.dll cross-built with mingw-w64 into dist/,
// koffi's Windows binary (an optionalDependency npm skipped here) fetched with
// `npm pack` and staged in node_modules/@koromix/ for this build only (the
// lockfile is not touched), and an ignore file that keeps only this target's
// library and koffi binary. Both staged things are removed afterwards.
const crossWin = target.startsWith('win32-') && process.platform !== 'win32';
const cleanup = [];
process.on('exit', () => {
  for (const p of cleanup.reverse()) rmSync(p, { recursive: true, force: true });
});
let ignoreArgs = [];
if (crossWin) {
  const koffiVersion = JSON.parse(readFileSync('node_modules/koffi/package.json', 'utf8')).version;
  const pkg = `@koromix/koffi-${target}`;
  const dest = path.join('node_modules', '@koromix', `koffi-${target}`);
  if (!existsSync(path.join(dest, 'package.json'))) {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'memmap-koffi-'));
    cleanup.push(tmp);
    console.log(`package: fetching ${pkg}@${koffiVersion} (koffi's ${target} binary) with npm pack`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    step(npm, ['pack', `${pkg}@${koffiVersion}`, '--pack-destination', tmp, '--silent']);
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tgz) {
      console.error(`package: npm pack ${pkg}@${koffiVersion} produced no tarball`);
      process.exit(1);
    }
    mkdirSync(dest, { recursive: true });
    cleanup.push(dest);
    step('tar', ['xzf', path.join(tmp, tgz), '-C', dest, '--strip-components=1']);
  }
  cleanup.push('dist/memmap.dll'); // cross-built for this VSIX only
  const base = readFileSync('.vscodeignore', 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '!node_modules/@koromix/**');
  const ignoreFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'memmap-vscodeignore-')), 'vscodeignore');
  cleanup.push(path.dirname(ignoreFile));
  writeFileSync(ignoreFile, [...base, '# this target only', 'dist/libmemmap.so', 'dist/libmemmap.dylib',
    `!node_modules/@koromix/koffi-${target}/**`, ''].join('\n'));
  ignoreArgs = ['--ignoreFile', ignoreFile];
}

const nativeArgs = ['scripts/build-native.mjs'];
if (target !== host) nativeArgs.push('--target', target);
step(process.execPath, nativeArgs);
step(process.execPath, ['esbuild.mjs', '--production']);
const out = `memmap-lab-${target}.vsix`;
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
step(process.execPath, [vsce, 'package', '--target', target, '--allow-missing-repository', '--no-rewrite-relative-links', '--no-update-package-json', ...ignoreArgs, '-o', out]);
// Back to development bundles with sourcemaps for npm start / npm test.
step(process.execPath, ['esbuild.mjs']);
const kib = (f) => (statSync(f).size / 1024).toFixed(1);
console.log(`package: ${out} ${kib(out)} KiB (extension bundle dist/extension.js in the VSIX is minified)`);
