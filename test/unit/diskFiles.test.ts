import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeStaleFiles, resolveDiskDir } from '../../runner/diskFiles';

test('the disk directory is resolved to an absolute path and checked', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-diskdir-'));
  try {
    assert.equal(resolveDiskDir(undefined), path.resolve(os.tmpdir()));
    assert.equal(resolveDiskDir(''), path.resolve(os.tmpdir()));
    const rel = path.relative(process.cwd(), dir);
    assert.equal(resolveDiskDir(rel), dir, 'a relative path becomes absolute');
    assert.equal(resolveDiskDir(`${dir}/./sub/..`), dir, 'normalised');
    const missing = resolveDiskDir(path.join(dir, 'nope'));
    assert.ok(typeof missing !== 'string' && /does not exist; allowed: an existing, writable directory/.test(missing.error));
    const file = path.join(dir, 'f');
    writeFileSync(file, '');
    const notDir = resolveDiskDir(file);
    assert.ok(typeof notDir !== 'string' && /is not a directory/.test(notDir.error));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('only files of dead runners are removed, recognised by the pid in their name', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-stale-'));
  try {
    const deadPid = 2 ** 22 + 12345; // above pid_max on Linux: never alive
    const names = [
      `memmap-lab-${deadPid}-0.mmap`,        // dead runner: removed
      `memmap-lab-${process.pid}-3.mmap`,    // this process: kept
      `memmap-lab-1-0.mmap`,                 // pid 1 is alive: kept
      'memmap-lab-abc-0.mmap', 'notes.txt', `memmap-lab-${deadPid}-0.mmap.bak`, // not ours: kept
    ];
    for (const n of names) writeFileSync(path.join(dir, n), 'x');
    const removed = removeStaleFiles(dir).map((f) => path.basename(f));
    assert.deepEqual(removed, [names[0]]);
    assert.deepEqual(readdirSync(dir).sort(), names.slice(1).sort());
    assert.deepEqual(removeStaleFiles(path.join(dir, 'missing')), [], 'a missing directory is not an error');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
