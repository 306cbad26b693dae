import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSize, DEFAULT_PARAMETERS, GIB, KIB, parseSize, validateParameters } from '../../extension/parameters';

const PAGE = 4096;

function errorsOf(input: unknown): string[] {
  const v = validateParameters(input, PAGE);
  return v.ok ? [] : v.errors.map((e) => `${e.field}: ${e.message}`);
}

test('defaults are the seed\'s: 64 KiB file, 2 x 64 KiB view, 64 KiB granularity, 32-bit, page file, grow, 100,000 items', () => {
  const v = validateParameters({}, PAGE);
  assert.ok(v.ok);
  assert.deepEqual(v.value, { ...DEFAULT_PARAMETERS });
  assert.equal(DEFAULT_PARAMETERS.initialFileSize, 65536);
  assert.equal(DEFAULT_PARAMETERS.viewSize, 131072);
  assert.equal(DEFAULT_PARAMETERS.granularity, 65536);
  assert.equal(DEFAULT_PARAMETERS.items, 100000);
});

test('parseSize accepts bytes and K, M, G suffixes, rejects the rest', () => {
  assert.equal(parseSize('65536'), 65536);
  assert.equal(parseSize('64K'), 64 * KIB);
  assert.equal(parseSize('128k'), 128 * KIB);
  assert.equal(parseSize('2M'), 2 * 1024 * KIB);
  assert.equal(parseSize('1G'), GIB);
  assert.equal(parseSize('1.5K'), 1536);
  assert.equal(parseSize('64KiB'), 64 * KIB);
  for (const bad of ['', 'abc', '-1', '1X', '0x10', 'NaN', '1e9', '64 K B']) assert.equal(parseSize(bad), undefined, bad);
});

test('checkSize says what is wrong and what is allowed', () => {
  const rule = { min: 65536, max: GIB, multipleOf: { value: 65536, what: 'granularity' } };
  assert.equal(checkSize('viewSize', '128K', rule), 131072);
  const msg = checkSize('viewSize', 1000, rule);
  assert.equal(typeof msg, 'string');
  assert.match(msg as string, /viewSize 1000 is out of range; allowed: .*from 64 KiB to 1 GiB, a multiple of the granularity \(64 KiB\)/);
  assert.match(checkSize('viewSize', 100000, rule) as string, /is not a multiple of the granularity \(64 KiB\)/);
  assert.match(checkSize('viewSize', 'lots', rule) as string, /"lots" is not a size/);
  assert.match(checkSize('viewSize', NaN, rule) as string, /NaN is not a size/);
  assert.match(checkSize('viewSize', -65536, rule) as string, /out of range/);
  assert.match(checkSize('viewSize', 2 * GIB, rule) as string, /out of range/);
});

test('every bad parameter gets one clear message naming what is allowed', () => {
  const cases: [unknown, RegExp][] = [
    [{ items: 0 }, /items 0 is not allowed; allowed: a whole number from 1 to/],
    [{ items: -5 }, /items -5 is not allowed/],
    [{ items: 'many' }, /items "many" is not allowed/],
    [{ items: 1.5 }, /items 1.5 is not allowed/],
    [{ items: NaN }, /items NaN is not allowed/],
    [{ items: 1e12 }, /items 1000000000000 is not allowed/],
    [{ viewSize: 1000 }, /viewSize 1000 is out of range; allowed: .* a multiple of the granularity/],
    [{ viewSize: 0 }, /viewSize 0 is out of range/],
    [{ viewSize: 100 * KIB }, /viewSize 100 KiB is not a multiple of the granularity \(64 KiB\)/],
    [{ viewSize: 32 * KIB }, /viewSize 32768 is out of range; allowed: .*from 64 KiB/],
    [{ granularity: 6000 }, /granularity 6000 bytes is not a multiple of the OS page size \(4 KiB\)/],
    [{ granularity: 1024 }, /granularity 1024 is out of range; allowed: .*from 4 KiB/],
    [{ initialFileSize: 8 * GIB }, /initialFileSize 8589934592 is beyond what 32-bit offsets address \(4 GiB\); allowed: at most 4 GiB, or offsetBits 64/],
    [{ initialFileSize: 1000 }, /initialFileSize 1000 is out of range/],
    [{ mode: 'ram' }, /mode "ram" is not allowed; allowed: pagefile, disk/],
    [{ growth: 'fast' }, /growth "fast" is not allowed; allowed: seed, copy, remap, reserve/],
    [{ scenario: 'x' }, /scenario "x" is not allowed; allowed: baseline, grow, deletions, random/],
    [{ view: 'half' }, /view "half" is not allowed; allowed: sliding, whole/],
    [{ offsetBits: 16 }, /offsetBits 16 is not allowed; allowed: 32, 64/],
    [{ prefault: 'yes' }, /prefault "yes" is not allowed; allowed: true or false/],
    [{ seed: -1 }, /seed -1 is not allowed/],
    [{ diskDir: 42 }, /diskDir 42 is not allowed; allowed: a directory path/],
    [{ viewsize: 65536 }, /unknown parameter "viewsize"; allowed: scenario, mode/],
    [null, /parameters null are not allowed/],
    [[1, 2], /parameters \(a list\) are not allowed/],
    ['grow', /parameters "grow" are not allowed/],
  ];
  for (const [input, re] of cases) {
    const errs = errorsOf(input);
    assert.equal(errs.length, 1, `${JSON.stringify(input)} gave ${JSON.stringify(errs)}`);
    assert.match(errs[0], re, JSON.stringify(input));
  }
});

test('an initial file of 8 GiB is fine with 64-bit offsets; sizes are taken as text too', () => {
  const v = validateParameters({ initialFileSize: '8G', offsetBits: '64', viewSize: '1M', items: '20000', prefault: 'true' }, PAGE);
  assert.ok(v.ok, JSON.stringify(v));
  assert.equal(v.value.initialFileSize, 8 * GIB);
  assert.equal(v.value.offsetBits, 64);
  assert.equal(v.value.viewSize, 1024 * KIB);
  assert.equal(v.value.items, 20000);
  assert.equal(v.value.prefault, true);
});

test('granularity decides what the view and file sizes must be multiples of', () => {
  const ok = validateParameters({ granularity: 4096, viewSize: 8192, initialFileSize: 4096 }, PAGE);
  assert.ok(ok.ok);
  const bad = validateParameters({ granularity: 8192, viewSize: 12288 }, PAGE);
  assert.ok(!bad.ok);
  assert.match(bad.errors[0].message, /not a multiple of the granularity \(8 KiB\)/);
});
