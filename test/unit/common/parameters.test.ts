import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSize, DEFAULT_PARAMETERS, estimateStoredBytes, FIELD_LABELS, GIB, KIB, largestFile, parameterDifferences, parseCount, parseSize, validateParameters } from '../../../common/parameters';
import type { RunParameters } from '../../../common/protocol';

/** The reason a check refused its input (the text "accepted" when it did not: no pattern here matches that). */
const refusal = (r: { ok: true } | { ok: false; reason: string }): string => (r.ok ? 'accepted' : r.reason);

const PAGE = 4096;

function errorsOf(input: unknown): string[] {
  const v = validateParameters(input, PAGE);
  return v.ok ? [] : v.reason.map((e) => `${e.field}: ${e.message}`);
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
  for (const bad of ['', 'abc', '-1', '1X', '0x10', 'NaN', '1e9', '64 K B', '65.536', '100.5']) assert.equal(parseSize(bad), undefined, bad);
});

test('checkSize says what is wrong and what is allowed', () => {
  const rule = { min: 65536, max: GIB, multipleOf: { value: 65536, what: 'granularity' } };
  assert.deepEqual(checkSize('viewSize', '128K', rule), { ok: true, value: 131072 });
  const msg = checkSize('viewSize', 1000, rule);
  assert.equal(msg.ok, false);
  assert.match(refusal(msg), /viewSize 1000 is out of range; allowed: .*from 64 KiB to 1 GiB, a multiple of the granularity \(64 KiB\)/);
  assert.match(refusal(checkSize('viewSize', 100000, rule)), /is not a multiple of the granularity \(64 KiB\)/);
  assert.match(refusal(checkSize('viewSize', 'lots', rule)), /"lots" is not a size/);
  assert.match(refusal(checkSize('viewSize', NaN, rule)), /NaN is not a size/);
  assert.match(refusal(checkSize('viewSize', -65536, rule)), /out of range/);
  assert.match(refusal(checkSize('viewSize', 2 * GIB, rule)), /out of range/);
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
  assert.match(bad.reason[0].message, /not a multiple of the granularity \(8 KiB\)/);
});

// ---- issue 12: items as people write them, messages in the panel's words, preflight -----

test('items accept commas, underscores and K, M, G (thousands, millions, billions); other text gets one message', () => {
  const cases: [string, number][] = [['100,000', 100000], ['1,000,000', 1e6], ['100_000', 100000], ['1M', 1e6], ['3K', 3000], ['3k', 3000],
    ['1.5M', 1_500_000], ['2.25K', 2250], ['1G', 1e9], [' 20000 ', 20000], ['1.0K', 1000]];
  for (const [text, want] of cases) {
    assert.equal(parseCount(text), want, text);
    const v = validateParameters({ items: text, offsetBits: 64 }, PAGE);
    assert.ok(v.ok && v.value.items === want, `${text}: ${JSON.stringify(v)}`);
  }
  for (const bad of ['100.000', '1.000.000', '1.0', '2.', '1,00', '10,0000', '1.5', '1.2345K', '1e6', '-3K', 'M', '3 000', '1,000.5', '0x10', '3KB']) {
    assert.equal(parseCount(bad), undefined, bad);
    const errs = errorsOf({ items: bad });
    assert.equal(errs.length, 1, bad);
    assert.match(errs[0], /items .* is not allowed; allowed: a whole number from 1 to 1,000,000,000 \(commas and K, M, G .* accepted: 100,000, 1M or 1\.5M; a decimal point only before K, M or G\)/, bad);
  }
});

test('with the panel\'s labels, messages name the fields as the panel does, not by internal keys', () => {
  const v = validateParameters({ viewSize: '3K', initialFileSize: 8 * GIB }, PAGE, DEFAULT_PARAMETERS, FIELD_LABELS);
  assert.ok(!v.ok);
  const text = v.reason.map((e) => e.message).join('\n');
  assert.match(text, /^View size "3K" is out of range/m);
  assert.match(text, /^Initial file size .* or Offset bits 64$/m);
  assert.doesNotMatch(text, /viewSize|initialFileSize|offsetBits/);
});

/** Heap bytes of grow / deletions, item by item: (i mod 2000) UTF-16 chars + terminator, rounded up to 4. */
function summedGrowBytes(items: number): number {
  let sum = 0;
  for (let i = 0; i < items; i++) sum += Math.ceil((2 * ((i % 2000) + 1)) / 4) * 4;
  return sum;
}

test('the bytes a grow or deletions run stores equal the sum of its items, rounded as the heap rounds', () => {
  for (const items of [1, 2, 3, 1999, 2000, 2001, 12345, 100_000, 3_000_000]) {
    const want = summedGrowBytes(items);
    assert.deepEqual(estimateStoredBytes({ scenario: 'grow', items }), { bytes: want, exact: true, atMost: want }, `grow ${items}`);
    assert.deepEqual(estimateStoredBytes({ scenario: 'deletions', items }), { bytes: want, exact: true, atMost: want }, `deletions ${items}`);
  }
  // The figure: 3,000,000 items are about 6 GB.
  assert.ok(Math.abs(summedGrowBytes(3_000_000) / 1e9 - 6) < 0.01);
  // Baseline: malloc keeps the unrounded sizes.
  let raw = 0;
  for (let i = 0; i < 5001; i++) raw += 2 * ((i % 2000) + 1);
  assert.equal(estimateStoredBytes({ scenario: 'baseline', items: 5001 }).bytes, raw);
});

/** MSVC rand() seeded 1 and the random scenario's mix (scenario.c op_random), with per-size free lists: the bump pointer's end. */
function simulatedRandomBytes(iterations: number, seed = 1): number {
  let state = seed;
  const rand = () => ((state = (Math.imul(state, 214013) + 2531011) >>> 0) >>> 16) & 0x7fff;
  const sizes: number[] = [];
  const free = new Map<number, number>();
  let bump = 0;
  const add = (len: number) => {
    const n = Math.ceil((2 * (len + 1)) / 4) * 4;
    const f = free.get(n) ?? 0;
    if (f > 0) free.set(n, f - 1); else bump += n;
    sizes.push(n);
  };
  for (let i = 0; i < iterations; i++) {
    const verb = (rand() * 100) / 32767;
    if (verb < 10) for (let j = 0; j < 100; j++) add(j);
    else if (verb < 20) {
      const ndx = Math.trunc(sizes.length * (rand() / 32767));
      if (ndx < sizes.length) {
        const [n] = sizes.splice(ndx, 1);
        free.set(n, (free.get(n) ?? 0) + 1);
      }
    } else if (verb < 40) rand();
    else add(1);
  }
  return bump;
}

test('the random run\'s estimate is within 3% of a simulation of the seed\'s mix, and its bound above it, for any seed', () => {
  // A bound above every simulation, so that the largest item count the preflight suggests really
  // fits (the attack test ran the suggested 4,325,693 items of an average-based check: 4 GiB wall).
  for (const seed of [1, 2, 7, 12345, 99]) {
    for (const iterations of [2_000, 20_000, 60_000, 300_000]) {
      const simulated = simulatedRandomBytes(iterations, seed);
      const est = estimateStoredBytes({ scenario: 'random', items: iterations });
      assert.equal(est.exact, false);
      assert.ok(est.atMost >= simulated, `seed ${seed}, ${iterations} iterations: bound ${est.atMost} below the simulated ${simulated}`);
      if (iterations >= 300_000) assert.ok(Math.abs(est.bytes / simulated - 1) < 0.03, `seed ${seed}, ${iterations} iterations: estimate ${est.bytes}, simulated ${simulated}`);
    }
  }
});

test('a run that cannot fit 32-bit offsets is refused before it starts, in the panel\'s words, with what is allowed', () => {
  // The run: grow, page file, 32-bit offsets, 3,000,000 items.
  const v = validateParameters({ scenario: 'grow', items: 3_000_000 }, PAGE, DEFAULT_PARAMETERS, FIELD_LABELS);
  assert.ok(!v.ok);
  assert.equal(v.reason.length, 1);
  assert.equal(v.reason[0].field, 'items');
  // Largest item count whose last block still ends below 4 GiB, found by summing item by item.
  let sum = 0;
  let most = 0;
  for (let i = 0; ; i++) {
    const n = Math.ceil((2 * ((i % 2000) + 1)) / 4) * 4;
    if (sum + n >= 4 * GIB) break;
    sum += n;
    most = i + 1;
  }
  assert.match(v.reason[0].message, new RegExp(`^this run needs about 5\\.\\d+ GiB and 32-bit offsets end at 4 GiB: choose Offset bits 64, or at most ${most.toLocaleString('en-US')} Items$`));
  // The boundary, on both sides; and 64-bit offsets take it.
  assert.ok(validateParameters({ scenario: 'grow', items: most }, PAGE).ok, `${most} items fit`);
  assert.ok(!validateParameters({ scenario: 'deletions', items: most + 1 }, PAGE).ok, `${most + 1} items do not`);
  assert.ok(validateParameters({ scenario: 'grow', items: 3_000_000, offsetBits: 64 }, PAGE).ok);
  // The CLI, the settings and scenario files get the same check (same function), named by key.
  const cli = validateParameters({ scenario: 'deletions', items: '3M' }, PAGE);
  assert.ok(!cli.ok && /choose offsetBits 64/.test(cli.reason[0].message), JSON.stringify(cli));
  // Random: the seed's Long scenario of 3,000,000 iterations (about 3 GB) still runs; 5,000,000 do not fit.
  assert.ok(validateParameters({ scenario: 'random', items: 3_000_000 }, PAGE).ok);
  assert.ok(!validateParameters({ scenario: 'random', items: 5_000_000 }, PAGE).ok);
  // Baseline uses no file at all.
  assert.ok(validateParameters({ scenario: 'baseline', items: 5_000_000 }, PAGE).ok);
});

test('the largest file doubles from the initial size and stays within the offsets', () => {
  assert.equal(largestFile(64 * KIB, 32), 4 * GIB);
  assert.equal(largestFile(3 * GIB, 32), 3 * GIB);
  assert.equal(largestFile(3 * 64 * KIB, 32), 3 * GIB);
  // An initial file of 3 GiB cannot double under 32 bits: 1.6 GiB of items is fine, 3.5 GiB is not.
  assert.ok(validateParameters({ initialFileSize: '3G', items: 800_000 }, PAGE).ok);
  const v = validateParameters({ initialFileSize: '3G', items: 1_700_000 }, PAGE);
  assert.ok(!v.ok && /the file can reach at most 3\.00 GiB from an initial 3\.00 GiB with 32-bit offsets/.test(v.reason[0].message), JSON.stringify(v));
});

test('a run is told apart from the defaults by every parameter that differs', () => {
  const d = { ...DEFAULT_PARAMETERS };
  assert.deepEqual(parameterDifferences(d), []);
  assert.deepEqual(parameterDifferences({ ...d, growth: 'copy' }), ['Growth copy']);
  assert.deepEqual(parameterDifferences({ ...d, offsetBits: 64, prefault: true, items: 3_000_000 }), ['Items 3,000,000', 'Offset bits 64', 'Prefault on']);
  assert.deepEqual(parameterDifferences({ ...d, viewSize: 256 * KIB, initialFileSize: GIB }), ['View size 256 KiB', 'Initial file size 1 GiB']);
  assert.deepEqual(parameterDifferences({ ...d, view: 'whole', viewSize: 256 * KIB }), ['View whole']);
  assert.deepEqual(parameterDifferences({ ...d, seed: 7 }), [], 'the seed matters to the random scenario only');
  assert.deepEqual(parameterDifferences({ ...d, scenario: 'random', seed: 7 }), ['Seed 7']);
  assert.deepEqual(parameterDifferences({ ...d, mode: 'disk', diskDir: '/tmp/x' }), ['Disk directory /tmp/x']);
  // Every growth and offsets choice gives a different description: the runs no longer all read "grow pagefile".
  const runs = ['seed', 'copy', 'remap', 'reserve'].flatMap((growth) => [32, 64].flatMap((offsetBits) => [false, true].map((prefault) =>
    parameterDifferences({ ...d, growth: growth as RunParameters['growth'], offsetBits: offsetBits as 32 | 64, prefault }).join(', '))));
  assert.equal(new Set(runs).size, runs.length);
});

test('the settings skip the fit check (their scenario is only a default); the run that starts makes it', () => {
  assert.ok(validateParameters({ items: 3_000_000 }, PAGE, DEFAULT_PARAMETERS, {}, { checkFit: false }).ok);
  assert.ok(!validateParameters({ items: 3_000_000 }, PAGE).ok);
  assert.ok(validateParameters({ items: 3_000_000, scenario: 'random' }, PAGE).ok, 'a palette run of the random scenario with these settings');
});
