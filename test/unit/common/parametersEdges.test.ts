// common/parameters.ts at its edges: sizes and their units, how values
// are described in messages, text forms of numbers and booleans, the whole
// view's view size, the disk directory. Expected values written out here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSize, DEFAULT_PARAMETERS, describe, errorsToText, formatSize, parseSize, validateParameters } from '../../../common/parameters';

const PAGE = 4096;
const errors = (input: unknown) => {
  const v = validateParameters(input, PAGE);
  return v.ok ? [] : v.reason.map((e) => `${e.field}: ${e.message}`);
};

test('parseSize: decimals, every unit, KB / KiB / K, spaces', () => {
  assert.equal(parseSize('1.25K'), 1280);
  assert.equal(parseSize('0.5M'), 524288);
  assert.equal(parseSize('64KB'), 65536);
  assert.equal(parseSize('64KiB'), 65536);
  assert.equal(parseSize('64kib'), 65536);
  assert.equal(parseSize(' 2 G '), 2 * 1024 ** 3);
  assert.equal(parseSize('1T'), 1024 ** 4);
  assert.equal(parseSize('3'), 3);
  assert.equal(parseSize('64KiBB'), undefined);
  assert.equal(parseSize('1..5K'), undefined);
});

test('formatSize: exact units only, else bytes', () => {
  assert.equal(formatSize(65536), '64 KiB');
  assert.equal(formatSize(1536), '1536 bytes');
  assert.equal(formatSize(3 * 1024 ** 2), '3 MiB');
  assert.equal(formatSize(1024 ** 3), '1 GiB');
  assert.equal(formatSize(2 * 1024 ** 4), '2 TiB');
  assert.equal(formatSize(1024 ** 3 + 1024), '1048577 KiB');
  assert.equal(formatSize(0), '0 bytes');
});

test('describe: text quoted and cut at 40 characters, numbers and booleans plain, the rest by kind', () => {
  assert.equal(describe('a'.repeat(40)), JSON.stringify('a'.repeat(40)));
  assert.equal(describe('a'.repeat(41)), JSON.stringify('a'.repeat(40) + '…'));
  assert.equal(describe(12.5), '12.5');
  assert.equal(describe(false), 'false');
  assert.equal(describe(undefined), '(missing)');
  assert.equal(describe(null), 'null');
  assert.equal(describe([1]), '(a list)');
  assert.equal(describe({}), '(a object)');
  assert.equal(describe(() => 1), '(a function)');
});

test('checkSize: each message and its edges', () => {
  const rule = { min: 65536, max: 1024 ** 3 };
  assert.deepEqual(checkSize('v', 65536, rule), { ok: true, value: 65536 });
  assert.deepEqual(checkSize('v', 1024 ** 3, rule), { ok: true, value: 1024 ** 3 });
  assert.deepEqual(checkSize('v', 65535, rule), { ok: false, reason: 'v 65535 is out of range; allowed: a whole number of bytes (K, M, G suffixes accepted) from 64 KiB to 1 GiB' });
  assert.deepEqual(checkSize('v', true, rule), { ok: false, reason: 'v true is not a size; allowed: a whole number of bytes (K, M, G suffixes accepted) from 64 KiB to 1 GiB' });
  assert.deepEqual(checkSize('v', Infinity, rule), { ok: false, reason: 'v Infinity is not a size; allowed: a whole number of bytes (K, M, G suffixes accepted) from 64 KiB to 1 GiB' });
  assert.deepEqual(checkSize('v', 70000.5, rule), { ok: false, reason: 'v 70000.5 is out of range; allowed: a whole number of bytes (K, M, G suffixes accepted) from 64 KiB to 1 GiB' });
});

test('numbers and booleans given as text', () => {
  assert.deepEqual(errors({ items: ' 12 ', seed: '7', prefault: 'false' }), []);
  const v = validateParameters({ items: ' 12 ', seed: '7', prefault: 'false', offsetBits: '64' }, PAGE);
  assert.ok(v.ok);
  assert.equal(v.value.items, 12);
  assert.equal(v.value.seed, 7);
  assert.equal(v.value.prefault, false);
  assert.equal(v.value.offsetBits, 64);
  assert.ok(validateParameters({ prefault: 'true' }, PAGE).ok && (validateParameters({ prefault: 'true' }, PAGE) as { value: { prefault: boolean } }).value.prefault);
  for (const items of ['12abc', 'x12', '1 2', '']) assert.match(errors({ items }).join(), /^items: items .* is not allowed; allowed: a whole number from 1 to 1,000,000,000 \(commas and K, M, G for thousands, millions, billions accepted: 100,000, 1M or 1\.5M; a decimal point only before K, M or G\)$/, items);
  assert.match(errors({ prefault: 'yes' }).join(), /^prefault: prefault "yes" is not allowed; allowed: true or false$/);
  assert.match(errors({ scenario: 64 }).join(), /^scenario: scenario 64 is not allowed; allowed: baseline, grow, deletions, random$/);
  assert.match(errors({ offsetBits: '32x' }).join(), /^offsetBits: offsetBits "32x" is not allowed; allowed: 32, 64$/);
});

test('parameters that are not an object, and the message list as text', () => {
  assert.deepEqual(errors([1]), ['parameters: parameters (a list) are not allowed; allowed: an object with scenario, mode, items, viewSize, initialFileSize, granularity, offsetBits, growth, view, prefault, diskDir, seed, coldVerify']);
  const v = validateParameters({ items: 0, seed: -1 }, PAGE);
  assert.ok(!v.ok);
  assert.equal(errorsToText(v.reason), `${v.reason[0].message}\n${v.reason[1].message}`);
  assert.equal(v.reason.length, 2);
});

test('whole view: viewSize is ignored when not given, checked when given', () => {
  const odd = { ...DEFAULT_PARAMETERS, viewSize: 1000 }; // defaults whose view size is not valid
  const w = validateParameters({ view: 'whole' }, PAGE, odd);
  assert.ok(w.ok);
  assert.equal(w.value.viewSize, 1000, 'kept as the default');
  assert.ok(!validateParameters({ view: 'sliding' }, PAGE, odd).ok, 'a sliding view checks it');
  assert.ok(!validateParameters({ view: 'whole', viewSize: 1000 }, PAGE).ok, 'given: checked');
  assert.ok(validateParameters({ view: 'whole', viewSize: 1000 }, PAGE, odd).ok === false, 'given equal to the default: checked too');
});

test('diskDir: empty is the temp dir, up to 4096 characters, no NUL, text only', () => {
  const v = validateParameters({ diskDir: '' }, PAGE);
  assert.ok(v.ok);
  assert.equal('diskDir' in v.value, false);
  const long = validateParameters({ diskDir: '/'.repeat(4096) }, PAGE);
  assert.ok(long.ok && long.value.diskDir === '/'.repeat(4096));
  for (const diskDir of ['/'.repeat(4097), 'a\0b', 5, {}]) {
    assert.deepEqual(errors({ diskDir }).map((e) => e.split(':')[0]), ['diskDir'], String(diskDir).slice(0, 10));
  }
  assert.match(errors({ diskDir: 5 }).join(), /diskDir 5 is not allowed; allowed: a directory path \(empty for the OS temp dir\)/);
});
