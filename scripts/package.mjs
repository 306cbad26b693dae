// `npm run package [-- --target T]`: a VSIX for one target (see TARGETS in
// build-native.mjs: linux-x64, linux-arm64, alpine-x64, alpine-arm64, darwin-x64,
// darwin-arm64, win32-x64, win32-arm64), holding the minified bundles, that target's
// native library and that target's koffi binary only; no TypeScript, C sources or
// tests (.vscodeignore). Default target: this machine's.
//
// For another target than this machine's, the library is cross-built into
// build/native/T/ (or taken from there when a release job put it there) and staged
// as dist/<library> for this build only; koffi's package for the target (an
// optionalDependency npm skipped here) is fetched with `npm pack` and staged in
// node_modules/@koromix/ for this build only (the lockfile is not touched). A target
// whose library can be neither built nor found is refused, saying what to install.
// Everything staged is removed (and the host's library put back) afterwards.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';
import { TARGETS, buildTargetLibrary, hostTarget, libNameFor, targetDir } from './build-native.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const i = process.argv.indexOf('--target');
const host = hostTarget();
const target = i > 0 ? process.argv[i + 1] : host;
const spec = TARGETS[target];
if (!spec) {
  console.error(`package: target ${JSON.stringify(target)} is not supported; allowed: ${Object.keys(TARGETS).join(', ')}`);
  process.exit(2);
}
ensureDeps();

function step(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`package: ${[cmd, ...args].join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

const cleanup = [];
process.on('exit', () => {
  for (const undo of cleanup.reverse()) undo();
});
const removeLater = (p) => cleanup.push(() => rmSync(p, { recursive: true, force: true }));

// 1. The target's library, as dist/<library>.
const lib = libNameFor(spec.os);
const distLib = path.join('dist', lib);
step(process.execPath, ['scripts/build-native.mjs']); // the host's, for npm start / npm test afterwards
if (target !== host) {
  let built;
  try {
    built = buildTargetLibrary({ target }).path;
  } catch (err) {
    const prebuilt = path.join(targetDir(target), lib);
    if (err.code !== 'NOCC' || !existsSync(prebuilt)) {
      console.error(`package: no ${lib} for ${target}: ${err.message}`);
      process.exit(2);
    }
    built = prebuilt;
    console.log(`package: no compiler for ${target} here; using the library already built at ${prebuilt}`);
  }
  if (existsSync(distLib)) {
    const saved = `${distLib}.host`;
    renameSync(distLib, saved);
    cleanup.push(() => renameSync(saved, distLib));
  } else {
    removeLater(distLib);
  }
  copyFileSync(built, distLib);
}

// 2. koffi's binary for the target.
const [koffiTarget, koffiDir] = spec.koffi;
const koffiPkg = `@koromix/koffi-${koffiTarget}`;
const koffiDest = path.join('node_modules', '@koromix', `koffi-${koffiTarget}`);
if (existsSync(koffiDest) && !existsSync(path.join(koffiDest, koffiDir, 'koffi.node'))) {
  console.error(`package: ${koffiDest} is installed but has no ${koffiDir}/koffi.node; allowed: a complete ${koffiPkg}`);
  process.exit(1);
}
if (!existsSync(koffiDest)) {
  const koffiVersion = JSON.parse(readFileSync('node_modules/koffi/package.json', 'utf8')).version;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'memmap-koffi-'));
  removeLater(tmp);
  console.log(`package: fetching ${koffiPkg}@${koffiVersion} (koffi's ${target} binary) with npm pack`);
  step(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['pack', `${koffiPkg}@${koffiVersion}`, '--pack-destination', tmp, '--silent']);
  const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  if (!tgz) {
    console.error(`package: npm pack ${koffiPkg}@${koffiVersion} produced no tarball`);
    process.exit(1);
  }
  mkdirSync(koffiDest, { recursive: true });
  removeLater(koffiDest);
  step('tar', ['xzf', path.join(tmp, tgz), '-C', koffiDest, '--strip-components=1']);
}

// 3. An ignore file that keeps only this target's library and koffi binary.
const base = readFileSync('.vscodeignore', 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '!node_modules/@koromix/**');
const otherLibs = [...new Set(Object.values(TARGETS).map((t) => libNameFor(t.os)))].filter((l) => l !== lib);
const ignoreDir = mkdtempSync(path.join(os.tmpdir(), 'memmap-vscodeignore-'));
removeLater(ignoreDir);
const ignoreFile = path.join(ignoreDir, 'vscodeignore');
writeFileSync(ignoreFile, [...base, `# ${target} only`, ...otherLibs.map((l) => `dist/${l}`), `dist/${lib}.host`,
  `!${koffiDest.split(path.sep).join('/')}/package.json`, `!${koffiDest.split(path.sep).join('/')}/index.js`,
  `!${koffiDest.split(path.sep).join('/')}/${koffiDir}/**`, ''].join('\n'));

step(process.execPath, ['esbuild.mjs', '--production']);
const out = `memmap-lab-${target}.vsix`;
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
step(process.execPath, [vsce, 'package', '--target', target, '--allow-missing-repository', '--no-rewrite-relative-links',
  '--no-update-package-json', '--ignoreFile', ignoreFile, '-o', out]);
// Back to development bundles with sourcemaps for npm start / npm test.
step(process.execPath, ['esbuild.mjs']);
console.log(`package: ${out} ${(statSync(out).size / 1024).toFixed(1)} KiB (${target}: dist/${lib} and ${koffiPkg}/${koffiDir} only)`);
