// Disk files of the runner: where they go, and removing those of dead runs.
// The native library names them <prefix>-<pid>-<n>.mmap (common/diskFileNames.ts), marks them (an
// extended attribute) and locks them while they are in use; only a file with
// the marker whose lock can be taken is a dead runner's.

import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDiskFileName } from '../common/diskFileNames';
import type { Parsed } from '../common/parsed';

/** Absolute, existing, writable directory, or a sentence saying what is wrong and what is allowed. */
export function resolveDiskDir(dir: string | undefined): Parsed<string> {
  const abs = path.resolve(dir && dir.trim() !== '' ? dir : os.tmpdir());
  const allowed = 'allowed: an existing, writable directory (empty for the OS temp dir)';
  let st;
  try {
    st = statSync(abs);
  } catch {
    return { ok: false, reason: `disk directory ${abs} does not exist; ${allowed}` };
  }
  if (!st.isDirectory()) return { ok: false, reason: `disk directory ${abs} is not a directory; ${allowed}` };
  try {
    accessSync(abs, constants.W_OK | constants.X_OK);
  } catch {
    return { ok: false, reason: `disk directory ${abs} is not writable; ${allowed}` };
  }
  return { ok: true, value: abs };
}

/** Removes a file only if it is provably a dead runner's; the native library's mm_disk_file_remove_if_stale. */
export type StaleFileRemover = (file: string) => { removed: boolean; reason: string };

/**
 * Removes the disk files of runners that are gone; returns their paths.
 *
 * The name (`memmap-lab-<pid>-<n>.mmap`) only selects candidates: a pid says
 * nothing across PID namespaces and containers, and anyone can make a file
 * with such a name. Each candidate is removed only when `removeIfStale`
 * proves it a dead runner's: a regular file of this user, carrying the
 * marker the library writes on its disk files, whose lock (held by a live
 * owner) can be taken. Without that proof (no `removeIfStale`: JavaScript
 * alone cannot take the lock), nothing is removed.
 */
export function removeStaleFiles(dir: string, removeIfStale?: StaleFileRemover, log?: (line: string) => void): string[] {
  const removed: string[] = [];
  if (!removeIfStale) return removed;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!isDiskFileName(name)) continue;
    const file = path.join(dir, name);
    const r = removeIfStale(file);
    if (r.removed) removed.push(file);
    log?.(r.reason);
  }
  return removed;
}
