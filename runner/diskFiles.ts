// Disk files of the runner: where they go, and removing those of dead runs.
// The native library names them <prefix>-<pid>-<n>.mmap, so the pid tells
// whether their owner still lives.

import { accessSync, constants, readdirSync, statSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const FILE_PREFIX = 'memmap-lab';
const FILE_PATTERN = /^memmap-lab-(\d+)-\d+\.mmap$/;

/** Absolute, existing, writable directory, or a sentence saying what is wrong. */
export function resolveDiskDir(dir: string | undefined): string | { error: string } {
  const abs = path.resolve(dir && dir.trim() !== '' ? dir : os.tmpdir());
  const allowed = 'allowed: an existing, writable directory (empty for the OS temp dir)';
  let st;
  try {
    st = statSync(abs);
  } catch {
    return { error: `disk directory ${abs} does not exist; ${allowed}` };
  }
  if (!st.isDirectory()) return { error: `disk directory ${abs} is not a directory; ${allowed}` };
  try {
    accessSync(abs, constants.W_OK | constants.X_OK);
  } catch {
    return { error: `disk directory ${abs} is not writable; ${allowed}` };
  }
  return abs;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the disk files of runners that are gone; returns their paths. */
export function removeStaleFiles(dir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = FILE_PATTERN.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    const file = path.join(dir, name);
    try {
      unlinkSync(file);
      removed.push(file);
    } catch {
      // Someone else removed it first: fine.
    }
  }
  return removed;
}
