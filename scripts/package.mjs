// `npm run package [-- --target linux-x64]`: a VSIX for one platform holding
// the minified bundles, the compiled native library and koffi's binary for
// that platform; no TypeScript, C sources or tests (.vscodeignore).
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
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

const nativeArgs = ['scripts/build-native.mjs'];
if (target !== host) nativeArgs.push('--target', target);
step(process.execPath, nativeArgs);
step(process.execPath, ['esbuild.mjs', '--production']);
const out = `memmap-lab-${target}.vsix`;
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
step(process.execPath, [vsce, 'package', '--target', target, '--allow-missing-repository', '--no-rewrite-relative-links', '--no-update-package-json', '-o', out]);
// Back to development bundles with sourcemaps for npm start / npm test.
step(process.execPath, ['esbuild.mjs']);
const kib = (f) => (statSync(f).size / 1024).toFixed(1);
console.log(`package: ${out} ${kib(out)} KiB (extension bundle dist/extension.js in the VSIX is minified)`);
