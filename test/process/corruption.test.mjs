// A stored byte changed behind the heap's back is found, through the CLI, in
// the two heap scenarios whose read-back the seed does not do itself
// (deletions: the uncounted read-back before the frees; random: its
// dereferences and the final check of every live item): exit status 1, and
// the item and the file offset named. The disk file is changed from outside
// while the runner is stopped (SIGSTOP) during its allocations. The C suite
// has the exact, step-by-step versions (native/test/test_scenario.c,
// verify_failure_*).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, readdirSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runRandom } from '../model/scenarios.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const runner = path.join(root, 'dist', 'runner.js');

/**
 * Starts the CLI in disk mode, stops it as soon as the bytes at `offset` hold
 * `want` (the item is stored), writes `bad` there, lets it go on.
 */
async function corruptRun(args, offset, want, bad) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-corrupt-'));
  try {
    const child = spawn(process.execPath, [runner, 'run', '--mode', 'disk', '--disk-dir', dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60000;
    let done = false;
    while (!done) {
      assert.ok(Date.now() < deadline, 'the disk file did not appear with the item stored within 60 s');
      const files = readdirSync(dir).filter((f) => f.endsWith('.mmap'));
      if (files.length === 1) {
        child.kill('SIGSTOP');
        const fd = openSync(path.join(dir, files[0]), 'r+');
        try {
          const buf = Buffer.alloc(want.length);
          if (readSync(fd, buf, 0, want.length, offset) === want.length && want.every((b, i) => buf[i] === b)) {
            writeSync(fd, Buffer.from([bad]), 0, 1, offset);
            done = true;
          }
        } finally {
          closeSync(fd);
          child.kill('SIGCONT');
        }
      }
      if (!done) await new Promise((r) => setImmediate(r));
    }
    const code = await exited;
    assert.deepEqual(readdirSync(dir), [], 'the disk file is removed after the failure too');
    return { code, stdout, stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Item 1 of deletions (and the second item of random's first batch, seed 1):
// one UTF-16 'a' and the terminator, 4 bytes at file offset 4.
const ITEM1 = [0x61, 0, 0, 0];

test('deletions: a corrupted item fails the run (exit 1) naming item 1 and file offset 4', async () => {
  const r = await corruptRun(['--scenario', 'deletions', '--items', '400000'], 4, ITEM1, 0x7a);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^memmap-lab: verify: item 1 did not read back: byte at file offset 4 is 0x7a, expected 0x61\n$/);
});

test('deletions --ndjson: the error message carries the failure (item, offset, expected, found)', async () => {
  const r = await corruptRun(['--scenario', 'deletions', '--items', '400000', '--ndjson'], 4, ITEM1, 0x7a);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const last = lines[lines.length - 1];
  assert.equal(last.type, 'error');
  assert.equal(last.code, 'verify');
  assert.deepEqual(last.failure, { item: 1, offset: 4, expected: 0x61, found: 0x7a });
  assert.ok(!lines.some((l) => l.type === 'done'), 'no done: the run is not reported as verified');
});

test('random: a corrupted live item fails the run (exit 1) naming the item and its file offset', async () => {
  // An item of the first batch (seed 1 starts with a batch of 100 adds) that
  // the random phase never frees, found with the independent model of the
  // scenario (test/model/scenarios.mjs): it must be read back by a
  // dereference or by the final check.
  const items = 100000;
  const firstBatch = [];
  const freed = new Set();
  runRandom(items, { mode: 'disk' }, {
    seed: 1,
    onCall: (kind, loc, i) => {
      if (kind === 'alloc' && i === 0) firstBatch.push(loc);
      if (kind === 'free' && i < items) freed.add(loc.offset);
    },
  });
  const target = firstBatch.find((l) => l.size >= 8 && !freed.has(l.offset));
  assert.ok(target, 'an item of the first batch stays live');
  const r = await corruptRun(['--scenario', 'random', '--items', String(items), '--ndjson'], target.offset, [0x61, 0, 0x61, 0], 0x7a);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const last = lines[lines.length - 1];
  assert.equal(last.type, 'error');
  assert.equal(last.code, 'verify');
  assert.equal(last.failure.offset, target.offset);
  assert.equal(last.failure.expected, 0x61);
  assert.equal(last.failure.found, 0x7a);
  assert.match(last.message, new RegExp(`^item ${last.failure.item} did not read back: byte at file offset ${target.offset} `));
});
