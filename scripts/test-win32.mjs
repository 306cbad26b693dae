#!/usr/bin/env node
// `npm run test:win32`: the native suite on Windows' own OS layer
// (native/src/prim/windows/prim.c under native/src/os.c), cross-built here with mingw-w64 and run under
// Wine (or run directly on a Windows host):
//   1. memmap.dll, built as the VSIX ships it; its imports must be system DLLs only;
//   2. native/test/*.c + the library -> memmap_test.exe (the same tests as
//      test-native.mjs; each test in its own process via CreateProcess; the
//      POSIX-only ones are listed as SKIP with the reason);
//   3. native/test/win32/dll_fidelity.c linked against memmap.dll: the
//      seed's scenarios through the DLL, counters equal to the seed's in both modes.
// Binaries go to native/build/win32/. Prints each result and finally
//   win32: N passed, M failed, K skipped
// (POSIX-only tests and tests that could not run here counted as skipped).
// Without a cross compiler or Wine it prints "win32: skipped (why)" and
// exits 0 (exit 1 with --require); `npm test`'s summary shows the stage as
// skipped, and .ci/run (MEMMAP_REQUIRE_STAGES) fails on it. A run in which no
// test ran fails. Optional argument: a substring selecting tests.
// Wine: $WINE, else wine64 / wine on PATH, else /usr/lib/wine/wine64 (Debian's
// wine64 package); prefix $MEMMAP_WINEPREFIX, else ~/.cache/memmap-lab/wine.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  baseFlags, buildWindowsDll, compile, dllFlags, findCompiler, findCrossCompiler, headers, nativeDir, nativeSources, runCaptured,
  stale,
} from './build-native.mjs';
import { classify } from './native-results.mjs';
import { cacheDir } from './cache.mjs';

const args = process.argv.slice(2);
const require_ = args.includes('--require');
const filter = args.find((a) => !a.startsWith('--'));
const onWindows = process.platform === 'win32';

function skip(why) {
  console.log(`win32: skipped (${why})`);
  process.exit(require_ ? 1 : 0);
}

function works(cmd, argv) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0;
}

function findWine() {
  const candidates = [process.env.WINE, 'wine64', 'wine', '/usr/lib/wine/wine64', '/usr/lib/wine/wine',
    '/opt/wine-stable/bin/wine64', '/opt/wine-stable/bin/wine'].filter(Boolean);
  for (const w of candidates) if (works(w, ['--version'])) return w;
  return null;
}

const cc = onWindows ? findCompiler() : findCrossCompiler('win32-x64');
if (!cc) {
  skip(onWindows
    ? 'no C compiler found: set $CC or install mingw-w64 gcc'
    : 'no mingw-w64 cross compiler: apt-get install gcc-mingw-w64-x86-64, or set $MINGW_CC');
}
const wine = onWindows ? null : findWine();
if (!onWindows && !wine) skip('no Wine: apt-get install wine64, or set $WINE');

const buildDir = join(nativeDir, 'build', 'win32');
const testDir = join(nativeDir, 'test');
mkdirSync(buildDir, { recursive: true });
const wineEnv = {
  WINEPREFIX: process.env.MEMMAP_WINEPREFIX ?? join(cacheDir(), 'wine'),
  WINEDEBUG: '-all',
  WINEDLLOVERRIDES: 'mscoree,mshtml=', // no Mono/Gecko installers
};

function run(exe, argv, quiet = false) {
  const [cmd, cmdArgs] = wine ? [wine, [exe, ...argv]] : [exe, argv];
  return runCaptured(cmd, cmdArgs, { env: wineEnv, quiet, settle: 'exit' });
}

let passed = 0;
let failed = 0;
let skipped = 0;
const skipReasons = []; // skips the binary did not print as "SKIP name: why" itself
const t0 = Date.now();
const result = (ok, name, detail = '') => {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
  if (ok) passed++;
  else failed++;
};

if (wine) {
  if (!existsSync(join(wineEnv.WINEPREFIX, 'system.reg'))) {
    console.log(`(creating the Wine prefix ${wineEnv.WINEPREFIX}, once)`);
    mkdirSync(wineEnv.WINEPREFIX, { recursive: true });
    await run('wineboot', ['-i'], true);
  }
  const v = spawnSync(wine, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`--- win32 tests: ${cc}, ${v} (${wine}), WINEPREFIX=${wineEnv.WINEPREFIX}`);
} else {
  console.log(`--- win32 tests: ${cc}, run natively`);
}

// 1. the DLL as shipped
function buildDll() {
  if (!onWindows) return buildWindowsDll({ outDir: buildDir }).path;
  const out = join(buildDir, 'memmap.dll');
  const srcs = nativeSources('win32');
  if (stale(out, [...srcs, ...headers()])) {
    compile(cc, [...baseFlags, '-O2', ...dllFlags, `-I${join(nativeDir, 'include')}`, ...srcs, '-o', out]);
  }
  return out;
}
let dll = null;
try {
  dll = buildDll();
} catch (e) {
  result(false, 'build-dll', e.output ?? e.message);
}
if (dll && !onWindows) {
  const objdump = cc.replace(/gcc(\.exe)?$/, 'objdump');
  const r = spawnSync(objdump, ['-p', dll], { encoding: 'utf8' });
  if (r.status === 0) {
    const imports = [...r.stdout.matchAll(/DLL Name: (\S+)/g)].map((m) => m[1]);
    const system = /^(kernel32|msvcrt|ucrtbase|api-ms-win-.*|ntdll|advapi32|psapi)\.dll$/i;
    const extra = imports.filter((d) => !system.test(d));
    result(extra.length === 0, 'dll_imports_system_only', `${imports.join(', ')}${extra.length ? ` (not shipped: ${extra.join(', ')})` : ''}`);
  }
}

// 2. the suite
const testSources = readdirSync(testDir).filter((f) => f.endsWith('.c')).sort().map((f) => join(testDir, f));
const testHeaders = readdirSync(testDir).filter((f) => f.endsWith('.h')).map((f) => join(testDir, f));
const exe = join(buildDir, 'memmap_test.exe');
let built = true;
try {
  if (stale(exe, [...nativeSources('win32'), ...testSources, ...headers(), ...testHeaders])) {
    compile(cc, [...baseFlags, '-O2', '-g', '-DMM_BUILDING_DLL', `-I${join(nativeDir, 'include')}`,
      ...nativeSources('win32'), ...testSources, '-o', exe, '-static', '-lpthread']);
  }
} catch (e) {
  result(false, 'build-suite', e.output ?? e.message);
  built = false;
}
// A really full disk under Wine: a 32 MiB tmpfs (needs root, as the POSIX
// suite's own full-disk test), seen by Wine through Z: (its / drive).
let fullDisk = null;
if (built && wine && process.platform === 'linux' && process.getuid?.() === 0 && (!filter || 'full_disk_tmpfs'.includes(filter))) {
  const dir = mkdtempSync(join(tmpdir(), 'memmap-win32-fulldisk-'));
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', dir]).status === 0) {
    fullDisk = dir;
    wineEnv.MEMMAP_FULLDISK_DIR = `Z:${dir.replaceAll('/', '\\')}`;
  } else {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (built) {
  const r = await run(exe, filter ? [filter] : []);
  const c = classify(r.out);
  passed += c.passed;
  failed += c.failed;
  skipped += c.skipped;
  skipReasons.push(...c.skips.filter((s) => !r.out.includes(`SKIP ${s}`)));
  if (!/^passed (\d+) failed (\d+)$/m.test(r.out) || r.code !== (c.failed ? 1 : 0)) {
    result(false, 'run-suite', `the test binary ended abnormally (exit ${r.code}${r.signal ? `, signal ${r.signal}` : ''})`);
  }
}

if (fullDisk) {
  spawnSync('umount', [fullDisk]);
  rmSync(fullDisk, { recursive: true, force: true });
}

// 3. the seed's counters through memmap.dll
if (dll && (!filter || 'dll_fidelity'.includes(filter) || filter.includes('fidelity'))) {
  const fid = join(buildDir, 'dll_fidelity.exe');
  const src = join(testDir, 'win32', 'dll_fidelity.c');
  try {
    if (stale(fid, [src, dll, join(testDir, 'seedsim.h'), ...headers()])) {
      compile(cc, [...baseFlags, '-O2', src, dll, '-o', fid, '-static-libgcc']);
    }
    const r = await run(fid, []);
    const p = (r.out.match(/^PASS /gm) ?? []).length;
    const f = (r.out.match(/^FAIL /gm) ?? []).length;
    passed += p;
    failed += f;
    if (r.code !== (f ? 1 : 0) || p + f === 0) result(false, 'run-dll_fidelity', `ended abnormally (exit ${r.code})`);
  } catch (e) {
    result(false, 'build-dll_fidelity', e.output ?? e.message);
  }
}

if (passed + failed + skipped === 0) result(false, 'run', `no test ran${filter ? ` (no test name contains "${filter}")` : ''}`);
for (const s of skipReasons) console.log(`SKIP ${s}`);
console.log(`(win32 suite took ${((Date.now() - t0) / 1000).toFixed(1)} s${wine ? ', under Wine' : ''})`);
console.log(`win32: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
