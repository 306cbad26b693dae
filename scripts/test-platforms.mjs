#!/usr/bin/env node
// `npm run test:platforms`: every VSIX this machine can make holds exactly its target's
// native library (machine and C library read from the binary) and its koffi binary, and
// nothing else native; a target whose library cannot be built here is refused with a
// message; the release workflow passes a workflow linter (@action-validator/cli).
// Prints each result and finally "platforms: N passed, M failed, K skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TARGETS, findCrossCompiler, hostTarget, libNameFor, root } from './build-native.mjs';
import { binaryFacts, zipEntries } from './binaries.mjs';

let passed = 0;
let failed = 0;
let skipped = 0;
const result = (ok, name, detail = '') => {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
  if (ok) passed++;
  else failed++;
};
const skip = (name, why) => {
  console.log(`SKIP ${name}: ${why}`);
  skipped++;
};
const host = hostTarget();
const packageTarget = (target) => spawnSync(process.execPath, ['scripts/package.mjs', '--target', target], { cwd: root, encoding: 'utf8' });

// The native binaries a VSIX may hold: our library and koffi's.
const isNative = (name) => /\.(node|so|dylib|dll)$/.test(name);

for (const [target, spec] of Object.entries(TARGETS)) {
  const buildable = target === host || findCrossCompiler(target) !== null;
  if (!buildable) {
    if (spec.cross.length === 0) {
      // Refused, never packaged without its library.
      const r = packageTarget(target);
      result(r.status === 2 && new RegExp(`no ${libNameFor(spec.os).replace('.', '\\.')} for ${target}`).test(r.stderr),
        `${target} is refused here (no library)`, r.stderr.trim().split('\n').pop());
    } else {
      skip(`${target} VSIX`, `no ${spec.cross[0]} on this machine`);
    }
    continue;
  }
  const vsix = join(root, `memmap-lab-${target}.vsix`);
  rmSync(vsix, { force: true });
  const r = packageTarget(target);
  if (r.status !== 0 || !existsSync(vsix)) {
    result(false, `${target} VSIX`, `package failed (exit ${r.status}): ${(r.stderr || r.stdout).slice(-600)}`);
    continue;
  }
  const entries = zipEntries(vsix);
  const natives = entries.filter((e) => isNative(e.name));
  const lib = natives.filter((e) => e.name === `extension/dist/${libNameFor(spec.os)}`);
  const koffi = natives.filter((e) => e.name === `extension/node_modules/@koromix/koffi-${spec.koffi[0]}/${spec.koffi[1]}/koffi.node`);
  const others = natives.filter((e) => !lib.includes(e) && !koffi.includes(e)).map((e) => e.name);
  const sources = entries.filter((e) => /\.(ts|c|h)$/.test(e.name)).map((e) => e.name);
  const facts = lib.length === 1 ? binaryFacts(lib[0].data()) : undefined;
  const koffiFacts = koffi.length === 1 ? binaryFacts(koffi[0].data()) : undefined;
  const wantLibc = spec.libc ?? 'glibc';
  const libOk = facts !== undefined && facts.machine === spec.machine
    && (spec.os !== 'linux' || facts.libc === wantLibc) && facts.format === (spec.os === 'win32' ? 'pe' : 'elf');
  result(lib.length === 1 && libOk, `${target} VSIX: its library`,
    facts ? `${libNameFor(spec.os)} ${facts.format} machine ${facts.machine}${facts.libc ? ` ${facts.libc}` : ''}` : `no extension/dist/${libNameFor(spec.os)}`);
  result(koffi.length === 1 && koffiFacts?.machine === spec.machine, `${target} VSIX: koffi's ${spec.koffi[1]} binary`,
    koffiFacts ? `machine ${koffiFacts.machine}` : 'missing');
  result(others.length === 0 && sources.length === 0, `${target} VSIX: no other native binary, no sources`,
    [...others, ...sources].slice(0, 5).join(', '));
  rmSync(vsix, { force: true });
}

// The release workflow, linted.
const validator = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'action-validator.cmd' : 'action-validator');
const lint = spawnSync(validator, [join(root, '.github', 'workflows', 'release.yml')], { encoding: 'utf8' });
result(lint.status === 0, 'release.yml passes action-validator', lint.status === 0 ? '' : (lint.stdout + lint.stderr).slice(0, 800));

console.log(`platforms: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed || passed === 0 ? 1 : 0);
