// Every limit of the run parameters exactly at its edge (accepted) and one
// step past it (refused), through the one validation (common/parameters.ts)
// that the CLI, settings, scenario files and panel all use. The limits are
// written here as literals (the documented values: README, package.json's
// settings, the C library's 32-bit offsets), never read from LIMITS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validateParameters } from '../../../common/parameters';

const PAGE = 4096;
const K = 1024;
const G = K * K * K;

function check(input: Record<string, unknown>, page = PAGE): string[] {
  const v = validateParameters(input, page);
  return v.ok ? [] : v.reason.map((e) => `${e.field}: ${e.message}`);
}
function accepted(input: Record<string, unknown>, what: string, page = PAGE): void {
  assert.deepEqual(check(input, page), [], `${what} must be accepted`);
}
function refused(input: Record<string, unknown>, field: string, what: string, page = PAGE): void {
  const errors = check(input, page);
  assert.ok(errors.some((e) => e.startsWith(`${field}: `)), `${what} must be refused (got ${JSON.stringify(errors)})`);
}

test('items: 1 to 1,000,000,000', () => {
  accepted({ items: 1 }, 'items 1');
  refused({ items: 0 }, 'items', 'items 0');
  // 64-bit offsets: with 32 the preflight refuses a billion grow items (about 1.8 TiB) on its own.
  accepted({ items: 1_000_000_000, offsetBits: 64 }, 'items 1e9');
  refused({ items: 1_000_000_001, offsetBits: 64 }, 'items', 'items 1e9 + 1');
  accepted({ items: '1000000000', offsetBits: 64 }, 'items "1000000000"');
  refused({ items: '1000000001', offsetBits: 64 }, 'items', 'items "1000000001"');
  refused({ items: 1.5 }, 'items', 'items 1.5');
});

test('seed: 0 to 4294967295 (the 32 bits of srand)', () => {
  accepted({ seed: 0 }, 'seed 0');
  refused({ seed: -1 }, 'seed', 'seed -1');
  accepted({ seed: 4294967295 }, 'seed 2^32 - 1');
  refused({ seed: 4294967296 }, 'seed', 'seed 2^32');
});

test('granularity: the page size to 1 GiB, in pages', () => {
  accepted({ granularity: PAGE, viewSize: PAGE, initialFileSize: PAGE }, 'granularity = page size');
  refused({ granularity: PAGE - 1, viewSize: 65536, initialFileSize: 65536 }, 'granularity', 'granularity page - 1');
  refused({ granularity: 0 }, 'granularity', 'granularity 0');
  refused({ granularity: PAGE + 1 }, 'granularity', 'granularity page + 1');
  accepted({ granularity: G, viewSize: G, initialFileSize: G }, 'granularity 1 GiB');
  refused({ granularity: G + PAGE, viewSize: 2 * (G + PAGE), initialFileSize: 2 * (G + PAGE) }, 'granularity', 'granularity 1 GiB + page');
  // on Windows the page size the runner reports is 64 KiB's divisor; a 64 KiB page size works the same way
  accepted({ granularity: 65536 }, 'granularity 64 KiB with 64 KiB pages', 65536);
  refused({ granularity: 65536 - PAGE }, 'granularity', 'granularity below a 64 KiB page', 65536);
});

test('viewSize: one granularity to 64 GiB, in granularities', () => {
  accepted({ viewSize: 65536 }, 'viewSize = granularity');
  refused({ viewSize: 65536 - PAGE }, 'viewSize', 'viewSize granularity - page');
  refused({ viewSize: 65536 + PAGE }, 'viewSize', 'viewSize granularity + page');
  accepted({ viewSize: 64 * G }, 'viewSize 64 GiB');
  refused({ viewSize: 64 * G + 65536 }, 'viewSize', 'viewSize 64 GiB + granularity');
  accepted({ viewSize: '64G' }, 'viewSize "64G"');
  refused({ viewSize: '65G' }, 'viewSize', 'viewSize "65G"');
});

test('initialFileSize: one granularity to 4 GiB with 32-bit offsets, to 64 TiB with 64-bit offsets', () => {
  accepted({ initialFileSize: 65536 }, 'initialFileSize = granularity');
  refused({ initialFileSize: 65536 - PAGE }, 'initialFileSize', 'initialFileSize granularity - page');
  accepted({ initialFileSize: 4 * G }, 'initialFileSize 4 GiB, 32-bit');
  refused({ initialFileSize: 4 * G + 65536 }, 'initialFileSize', 'initialFileSize 4 GiB + granularity, 32-bit');
  accepted({ initialFileSize: '4G' }, 'initialFileSize "4G", 32-bit');
  refused({ initialFileSize: '4194368K' }, 'initialFileSize', 'initialFileSize 4 GiB + 64 KiB as "K", 32-bit');
  accepted({ initialFileSize: 4 * G + 65536, offsetBits: 64 }, 'initialFileSize 4 GiB + granularity, 64-bit');
  accepted({ initialFileSize: 64 * K * G, offsetBits: 64 }, 'initialFileSize 64 TiB, 64-bit');
  refused({ initialFileSize: 64 * K * G + 65536, offsetBits: 64 }, 'initialFileSize', 'initialFileSize 64 TiB + granularity, 64-bit');
  const msg = check({ initialFileSize: 4 * G + 65536 }).join('\n');
  assert.match(msg, /32-bit offsets .*4 GiB/);
});

test('the settings schema states the same edges as the validation', () => {
  const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties;
  assert.equal(props['memmap.items'].minimum, 1);
  assert.equal(props['memmap.items'].maximum, 1_000_000_000);
  assert.equal(props['memmap.seed'].minimum, 0);
  assert.equal(props['memmap.seed'].maximum, 4294967295);
  accepted({ items: props['memmap.items'].maximum, seed: props['memmap.seed'].maximum, offsetBits: 64 }, 'the schema maxima');
  refused({ items: props['memmap.items'].maximum + 1, offsetBits: 64 }, 'items', 'one past the schema maximum');
});
