#!/usr/bin/env node
// Build the native library: native/src/*.c -> dist/libmemmap.so (.dylib on
// macOS, memmap.dll on Windows). No dependencies. Rebuilds only when a
// source or header is newer than the output. Also a module: test-native.mjs
// reuses findCompiler(), nativeSources() and compile().
//
// `--target win32-x64` on Linux/macOS cross-builds dist/memmap.dll with
// mingw-w64 ($MINGW_CC, else x86_64-w64-mingw32-gcc; Debian package
// gcc-mingw-w64-x86-64). `--out DIR` puts the library elsewhere.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const nativeDir = join(root, 'native');

const isWin = process.platform === 'win32';
const isMac = process.platform === 'darwin';

export function libName() {
  return isWin ? 'memmap.dll' : isMac ? 'libmemmap.dylib' : 'libmemmap.so';
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

/** Library sources for this platform, or for `platform` (the other OS layers are skipped). */
export function nativeSources(platform = process.platform) {
  const dir = join(nativeDir, 'src');
  const win = platform === 'win32';
  return readdirSync(dir)
    .filter((f) => f.endsWith('.c'))
    .filter((f) => (win ? f !== 'os_posix.c' : f !== 'os_windows.c'))
    .sort()
    .map((f) => join(dir, f));
}

/** mingw-w64 cross compilers by target (Windows on arm64: llvm-mingw's name). */
const CROSS = { 'win32-x64': 'x86_64-w64-mingw32-gcc', 'win32-arm64': 'aarch64-w64-mingw32-gcc' };

/** The cross compiler for a Windows target from a non-Windows host, or null. */
export function findCrossCompiler(target = 'win32-x64') {
  const candidates = [process.env.MINGW_CC, CROSS[target]].filter(Boolean);
  for (const cc of candidates) {
    const r = spawnSync(cc, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return cc;
  }
  return null;
}

/** Flags for memmap.dll: exported API, libgcc linked in (no libgcc_s DLL to ship), stripped. */
export const dllFlags = ['-shared', '-DMM_BUILDING_DLL', '-static-libgcc', '-s'];

/** Cross-build memmap.dll for target into outDir; returns { path, size, rebuilt }. */
export function buildWindowsDll({ target = 'win32-x64', outDir = join(root, 'dist'), force = false } = {}) {
  const cc = findCrossCompiler(target);
  if (!cc) {
    throw Object.assign(
      new Error(`no cross compiler for ${target}: install ${CROSS[target] ?? 'a mingw-w64 gcc'} ` +
        `(Debian: apt-get install gcc-mingw-w64-x86-64) or set $MINGW_CC`),
      { code: 'NOCC' },
    );
  }
  const out = join(outDir, 'memmap.dll');
  const srcs = nativeSources('win32');
  let rebuilt = false;
  if (force || stale(out, [...srcs, ...headers()])) {
    mkdirSync(outDir, { recursive: true });
    compile(cc, [...baseFlags, '-O2', ...dllFlags, `-I${join(nativeDir, 'include')}`, ...srcs, '-o', out]);
    rebuilt = true;
  }
  return { path: out, size: statSync(out).size, rebuilt };
}

function newestMtime(files) {
  let t = 0;
  for (const f of files) t = Math.max(t, statSync(f).mtimeMs);
  return t;
}

export function headers() {
  return [join(nativeDir, 'include', 'memmap.h'), join(nativeDir, 'src', 'internal.h')];
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
    const flags = [...baseFlags, '-O2', '-shared', `-I${join(nativeDir, 'include')}`];
    if (isWin) flags.push('-DMM_BUILDING_DLL', '-static-libgcc');
    else flags.push('-fPIC', '-fvisibility=hidden');
    if (isMac) flags.push('-dynamiclib');
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
    const host = `${process.platform}-${process.arch}`;
    const r = target && target !== host && target.startsWith('win32-')
      ? buildWindowsDll({ target, force, ...(outDir ? { outDir: resolve(outDir) } : {}) })
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
