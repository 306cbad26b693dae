// Installs node_modules with `npm ci` when they are missing or were installed
// from another package-lock.json, so `npm start` and `npm test` work on a
// fresh clone and after a pull that changed dependencies.
import { existsSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lockFile = path.join(root, 'package-lock.json');
const npmInstalledLock = path.join(root, 'node_modules', '.package-lock.json');
const stampFile = path.join(root, 'node_modules', '.memmap-lab-lock-hash');

function lockHash() {
  return createHash('sha256').update(readFileSync(lockFile)).digest('hex');
}

export function depsAreCurrent() {
  if (!existsSync(npmInstalledLock)) return false;
  if (existsSync(stampFile)) return readFileSync(stampFile, 'utf8').trim() === lockHash();
  // Installed by hand with npm install: npm writes both lock files together.
  const current = statSync(npmInstalledLock).mtimeMs + 5000 >= statSync(lockFile).mtimeMs;
  if (current) writeFileSync(stampFile, lockHash());
  return current;
}

export function ensureDeps() {
  if (depsAreCurrent()) return;
  console.log('ensure-deps: node_modules missing or stale, running npm ci');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`ensure-deps: npm ci failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  writeFileSync(stampFile, lockHash());
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) ensureDeps();
