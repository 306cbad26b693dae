#!/usr/bin/env node
// Build and run the native test suite (native/test/*.c) twice:
//   1. -O2 -Wall -Wextra -Werror
//   2. -O1 -g with AddressSanitizer + UndefinedBehaviorSanitizer
// Binaries go to native/build/. Prints each test's result and finally
//   native: N passed, M failed, K skipped
// (a test that could not run here, e.g. the full-disk test as non-root, is
// listed as "SKIP name: why" and counted as skipped, not passed) and exits
// non-zero when anything failed or when nothing ran at all. Optional
// argument: a substring selecting tests (passed on to the test binary).
// MEMMAP_NATIVE_VARIANTS=O2 runs only the named builds (scripts/mutate-native.mjs).
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseFlags, compile, findCompiler, headers, nativeDir, nativeSources, runCaptured, stale } from './build-native.mjs';
import { classify } from './native-results.mjs';

const filter = process.argv[2];
const cc = findCompiler();
if (!cc) {
  console.error('test-native: no C compiler found: set $CC or install cc, gcc or clang');
  console.log('native: 0 passed, 1 failed');
  process.exit(1);
}
if (process.platform === 'win32') {
  console.error('test-native: the native suite runs on POSIX only for now');
  process.exit(1);
}

const buildDir = join(nativeDir, 'build');
const testDir = join(nativeDir, 'test');
const testSources = readdirSync(testDir).filter((f) => f.endsWith('.c')).sort().map((f) => join(testDir, f));
const testHeaders = readdirSync(testDir).filter((f) => f.endsWith('.h')).map((f) => join(testDir, f));
const inputs = [...nativeSources(), ...testSources, ...headers(), ...testHeaders];
const common = [...baseFlags, `-I${join(nativeDir, 'include')}`];
const libs = ['-lpthread'];

function run(cmd, args, env, quiet = false) {
  return runCaptured(cmd, args, { env, quiet });
}

// Does LeakSanitizer work here (it needs ptrace; some containers forbid it)?
async function lsanWorks() {
  const src = join(buildDir, 'lsan_probe.c');
  const exe = join(buildDir, 'lsan_probe');
  writeFileSync(src, '#include <stdlib.h>\nint main(void){void *volatile p = malloc(64); p = 0; (void)p; return 0;}\n');
  try {
    compile(cc, ['-fsanitize=address', '-g', src, '-o', exe]);
  } catch {
    return false;
  }
  const r = await run(exe, [], { ASAN_OPTIONS: 'detect_leaks=1' }, true).catch(() => ({ code: -1, out: '' }));
  // A working LSan reports the leak and exits non-zero; a broken one dies with "LeakSanitizer has encountered a fatal error".
  return r.code !== 0 && /detected memory leaks/.test(r.out) && !/fatal error/.test(r.out);
}

const allVariants = [
  { name: 'O2', flags: ['-O2', '-g'], env: {} },
  {
    name: 'asan',
    flags: ['-O1', '-g', '-fsanitize=address,undefined', '-fno-omit-frame-pointer', '-fno-sanitize-recover=all'],
    env: {},
  },
];
const chosen = (process.env.MEMMAP_NATIVE_VARIANTS ?? '').split(',').filter(Boolean);
const variants = chosen.length ? allVariants.filter((v) => chosen.includes(v.name)) : allVariants;
if (variants.length === 0) {
  console.error(`test-native: MEMMAP_NATIVE_VARIANTS=${process.env.MEMMAP_NATIVE_VARIANTS} names no build; allowed: ${allVariants.map((v) => v.name).join(', ')}`);
  console.log('native: 0 passed, 1 failed');
  process.exit(1);
}

mkdirSync(buildDir, { recursive: true });
let passed = 0;
let failed = 0;
let skipped = 0;
const skipReasons = new Set();
const t0 = Date.now();
for (const v of variants) {
  const exe = join(buildDir, `memmap_test_${v.name}`);
  if (v.name === 'asan') {
    const leaks = await lsanWorks();
    v.env.ASAN_OPTIONS = `detect_leaks=${leaks ? 1 : 0}:abort_on_error=0`;
    v.env.UBSAN_OPTIONS = 'print_stacktrace=1:halt_on_error=1';
    if (!leaks) console.log('(LeakSanitizer does not work here: detect_leaks=0)');
  }
  console.log(`--- native tests, ${v.name} build (${v.flags.join(' ')})`);
  try {
    if (stale(exe, inputs)) compile(cc, [...common, ...v.flags, ...nativeSources(), ...testSources, '-o', exe, ...libs]);
  } catch (e) {
    console.log(`FAIL build-${v.name}: ${e.output ?? e.message}`);
    failed++;
    continue;
  }
  const r = await run(exe, filter ? [filter] : [], v.env);
  const c = classify(r.out);
  passed += c.passed;
  failed += c.failed;
  skipped += c.skipped;
  for (const s of c.skips) skipReasons.add(s);
  const summary = /^passed (\d+) failed (\d+)$/m.exec(r.out);
  if (!summary || r.code !== (c.failed ? 1 : 0)) {
    console.log(`FAIL run-${v.name}: the test binary ended abnormally (exit ${r.code}${r.signal ? `, signal ${r.signal}` : ''})`);
    failed++;
  } else if (c.passed + c.failed + c.skipped === 0) {
    console.log(`FAIL run-${v.name}: no test ran${filter ? ` (no test name contains "${filter}")` : ''}`);
    failed++;
  }
}
for (const s of skipReasons) console.log(`SKIP ${s}`);
console.log(`(native suite took ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
console.log(`native: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
