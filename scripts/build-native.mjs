#!/usr/bin/env node
// Build the native library: native/src/**/*.c -> dist/libmemmap.so (.dylib on
// macOS, memmap.dll on Windows). No dependencies. Rebuilds only when a
// source or header is newer than the output. Also a module: test-native.mjs
// reuses findCompiler(), nativeSources() and compile().
//
// `--target T` for another target (see TARGETS) cross-builds its library into
// build/native/T/ (linux-arm64: gcc-aarch64-linux-gnu; alpine-x64: musl-gcc;
// win32-x64: mingw-w64, $MINGW_CC). `--out DIR` puts the library elsewhere.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const nativeDir = join(root, 'native');

const isWin = process.platform === 'win32';

export function libName() {
  return libNameFor(process.platform);
}

/** First working C compiler: $CC, else cc, gcc, clang. Returns null if none. */
export function findCompiler() {
  const candidates = process.env.CC ? [process.env.CC] : ['cc', 'gcc', 'clang'];
  for (const cc of candidates) {
    const r = spawnSync(cc, ['--version'], { encoding: 'utf8', shell: isWin });
    if (r.status === 0) return cc;
  }
  return null;
}

/**
 * Every library source: each .c under native/src, recursively. No file is left out by its
 * name: a platform's files say where they apply with `#if` (native/src/prim/unix/prim.c is
 * `#if !defined(_WIN32)`, prim/windows/prim.c `#if defined(_WIN32)`), so the same list
 * builds every target. `platform` is kept for callers that name one; it changes nothing.
 */
export function nativeSources(platform = process.platform) {
  void platform;
  return walk(join(nativeDir, 'src'), '.c');
}

/** Files under dir ending in ext, recursively, sorted. */
function walk(dir, ext) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, ext));
    else if (e.name.endsWith(ext)) out.push(p);
  }
  return out.sort();
}

/**
 * Every target a VSIX is made for (vsce's names), with what building and packaging need:
 * the OS layer, the library's file name, cross compilers to try from another host, the ELF
 * (or PE) machine the library must have, and koffi's package and binary folder for it.
 * Compilers: Debian's gcc-aarch64-linux-gnu, musl-tools, gcc-mingw-w64-x86-64; llvm-mingw's
 * aarch64-w64-mingw32-gcc; macOS libraries build on macOS only (the release workflow).
 */
export const TARGETS = {
  'linux-x64': { os: 'linux', cross: ['x86_64-linux-gnu-gcc'], machine: 62, koffi: ['linux-x64', 'linux_x64'] },
  'linux-arm64': { os: 'linux', cross: ['aarch64-linux-gnu-gcc'], machine: 183, koffi: ['linux-arm64', 'linux_arm64'] },
  'alpine-x64': { os: 'linux', libc: 'musl', cross: ['musl-gcc', 'x86_64-linux-musl-gcc'], machine: 62, koffi: ['linux-x64', 'musl_x64'] },
  'alpine-arm64': { os: 'linux', libc: 'musl', cross: ['aarch64-linux-musl-gcc'], machine: 183, koffi: ['linux-arm64', 'musl_arm64'] },
  'darwin-x64': { os: 'darwin', cross: [], koffi: ['darwin-x64', 'darwin_x64'] },
  'darwin-arm64': { os: 'darwin', cross: [], koffi: ['darwin-arm64', 'darwin_arm64'] },
  'win32-x64': { os: 'win32', cross: ['x86_64-w64-mingw32-gcc'], machine: 0x8664, koffi: ['win32-x64', 'win32_x64'] },
  'win32-arm64': { os: 'win32', cross: ['aarch64-w64-mingw32-gcc'], machine: 0xaa64, koffi: ['win32-arm64', 'win32_arm64'] },
};

/** The library's file names per OS, kept once in native/libraryName.json (runner/native.ts loads by it too). */
const LIBRARY_NAMES = JSON.parse(readFileSync(join(nativeDir, 'libraryName.json'), 'utf8'));

/** The library's file name on an OS. */
export function libNameFor(os) {
  return os === 'win32' || os === 'darwin' ? LIBRARY_NAMES[os] : LIBRARY_NAMES.other;
}

/** This machine's target: alpine-* where Node runs on musl (no glibc version in its report). */
export function hostTarget() {
  const musl = process.platform === 'linux' && !process.report?.getReport?.().header?.glibcVersionRuntime;
  return `${musl ? 'alpine' : process.platform}-${process.arch}`;
}

/** The cross compiler for a target from this host ($MINGW_CC for Windows targets), or null. */
export function findCrossCompiler(target = 'win32-x64') {
  const t = TARGETS[target];
  const candidates = [t?.os === 'win32' ? process.env.MINGW_CC : undefined, ...(t?.cross ?? [])].filter(Boolean);
  for (const cc of candidates) {
    const r = spawnSync(cc, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return cc;
  }
  return null;
}

/** Flags for memmap.dll: exported API, libgcc linked in (no libgcc_s DLL to ship), stripped. */
export const dllFlags = ['-shared', '-DMM_BUILDING_DLL', '-static-libgcc', '-s'];

/** Compiler flags that make the shared library for an OS. */
export function libraryFlags(os) {
  if (os === 'win32') return dllFlags;
  return ['-shared', '-fPIC', '-fvisibility=hidden', ...(os === 'darwin' ? ['-dynamiclib'] : [])];
}

/** Where a cross-built library of a target goes: build/native/<target>/. */
export function targetDir(target) {
  return join(root, 'build', 'native', target);
}

/**
 * Builds the library for a target from this host with its cross compiler, into
 * `outDir` (default build/native/<target>/); returns { path, size, rebuilt }. Throws with
 * code 'NOCC' and what to install when this host has no compiler for it.
 */
export function buildTargetLibrary({ target, outDir = targetDir(target), force = false } = {}) {
  const t = TARGETS[target];
  if (!t) throw Object.assign(new Error(`unknown target ${JSON.stringify(target)}; allowed: ${Object.keys(TARGETS).join(', ')}`), { code: 'TARGET' });
  const cc = findCrossCompiler(target);
  if (!cc) {
    const how = t.cross.length ? `install ${t.cross[0]} (${CROSS_PACKAGES[target] ?? 'a cross toolchain'})` : `build it on a ${target} machine (the release workflow does)`;
    throw Object.assign(new Error(`no compiler for ${target} on ${hostTarget()}: ${how}`), { code: 'NOCC' });
  }
  const out = join(outDir, libNameFor(t.os));
  const srcs = nativeSources(t.os);
  let rebuilt = false;
  if (force || stale(out, [...srcs, ...headers()])) {
    mkdirSync(outDir, { recursive: true });
    compile(cc, [...baseFlags, '-O2', ...libraryFlags(t.os), `-I${join(nativeDir, 'include')}`, ...srcs, '-o', out,
      ...(t.os === 'win32' ? [] : ['-lpthread'])]);
    rebuilt = true;
  }
  return { path: out, size: statSync(out).size, rebuilt };
}

/** Debian packages of the cross compilers. */
export const CROSS_PACKAGES = {
  'linux-arm64': 'Debian: apt-get install gcc-aarch64-linux-gnu',
  'alpine-x64': 'Debian: apt-get install musl-tools',
  'win32-x64': 'Debian: apt-get install gcc-mingw-w64-x86-64, or set $MINGW_CC',
  'win32-arm64': 'llvm-mingw, or set $MINGW_CC',
};

/** Cross-build memmap.dll for target into outDir (default dist/); returns { path, size, rebuilt }. */
export function buildWindowsDll({ target = 'win32-x64', outDir = join(root, 'dist'), force = false } = {}) {
  return buildTargetLibrary({ target, outDir, force });
}

function newestMtime(files) {
  let t = 0;
  for (const f of files) t = Math.max(t, statSync(f).mtimeMs);
  return t;
}

export function headers() {
  return [...walk(join(nativeDir, 'include'), '.h'), ...walk(join(nativeDir, 'src'), '.h')];
}

/** Is output missing or older than any of inputs? */
export function stale(output, inputs) {
  if (!existsSync(output)) return true;
  return newestMtime(inputs) > statSync(output).mtimeMs;
}

/** Run the compiler; throws with its output on failure. */
export function compile(cc, args) {
  const r = spawnSync(cc, args, { encoding: 'utf8', shell: isWin });
  if (r.error) throw new Error(`${cc}: ${r.error.message}`);
  if (r.status !== 0) {
    const err = new Error(`${cc} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    err.output = `${r.stdout}${r.stderr}`;
    throw err;
  }
  return r;
}

export const baseFlags = ['-std=c11', '-Wall', '-Wextra', '-Werror'];

/** Build the shared library; returns { path, size, rebuilt }. */
export function buildNative({ force = false } = {}) {
  const cc = findCompiler();
  if (!cc) {
    throw Object.assign(
      new Error('no C compiler found: set $CC or install cc, gcc or clang (e.g. apt-get install gcc)'),
      { code: 'NOCC' },
    );
  }
  const outDir = join(root, 'dist');
  const out = join(outDir, libName());
  const srcs = nativeSources();
  let rebuilt = false;
  if (force || stale(out, [...srcs, ...headers()])) {
    mkdirSync(outDir, { recursive: true });
    const flags = [...baseFlags, '-O2', ...libraryFlags(process.platform), `-I${join(nativeDir, 'include')}`];
    if (isWin) flags.splice(flags.indexOf('-s'), 1); // keep symbols in a development build
    compile(cc, [...flags, ...srcs, '-o', out, ...(isWin ? [] : ['-lpthread'])]);
    rebuilt = true;
  }
  return { path: out, size: statSync(out).size, rebuilt };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const force = process.argv.includes('--force');
    const arg = (name) => {
      const i = process.argv.indexOf(name);
      return i > 0 ? process.argv[i + 1] : undefined;
    };
    const target = arg('--target');
    const outDir = arg('--out');
    const r = target && target !== hostTarget()
      ? buildTargetLibrary({ target, force, ...(outDir ? { outDir: resolve(outDir) } : {}) })
      : buildNative({ force });
    console.log(`native: ${r.path} (${r.size} bytes${r.rebuilt ? '' : ', up to date'})`);
  } catch (e) {
    console.error(`build-native: ${e.message}`);
    process.exit(1);
  }
}

/**
 * Runs a test program, echoing its output unless quiet, and resolves with
 * {code, signal, out}. Under Wine, settle on 'exit': a wineserver started by
 * the run may hold the pipes open for a while after the program ended.
 */
export function runCaptured(cmd, args, { env = {}, quiet = false, settle = 'close' } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d) => {
      const s = d.toString();
      out += s;
      if (!quiet) process.stdout.write(s);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => resolve({ code: -1, signal: null, out: `${out}${e.message}\n` }));
    child.on(settle, (code, signal) => setTimeout(() => resolve({ code, signal, out }), settle === 'exit' ? 50 : 0));
  });
}
