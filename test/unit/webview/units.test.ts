// Units and colours of the panel (issue 12): one binary unit family scaled to
// the value; chart colours that keep 3:1 contrast in every theme.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDuration, formatRate } from '../../../common/format';
import { contrastRatio, paletteFor, parseColor, relativeLuminance } from '../../../webview/palette';
import { rng } from '../rng';


const SCALE: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };

test('bytes: the issue\'s figures in one binary family', () => {
  assert.equal(formatBytes(720896), '704.0 KiB'); // the view offset of the issue, in the counter and the file map alike
  assert.equal(formatBytes(16 * 2 ** 30), '16.00 GiB'); // not "20,000 MiB"
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1.00 KiB');
  assert.equal(formatBytes(1.5 * 2 ** 40), '1.50 TiB');
  assert.equal(formatRate(12.5 * 2 ** 20), '12.50 MiB/s');
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(40_103), '40.1 s');
  assert.equal(formatDuration(62_400), '1 min 02 s');
});

test('bytes: any value reads back within rounding, with a number from 1 to below 1024 (seeded)', () => {
  const r = rng(12);
  for (let i = 0; i < 5000; i++) {
    const n = Math.floor(2 ** (r() * 50));
    const m = /^(\d+(?:\.\d+)?) (B|KiB|MiB|GiB|TiB)$/.exec(formatBytes(n));
    assert.ok(m, `${n}: ${formatBytes(n)}`);
    const v = Number(m[1]);
    const back = v * SCALE[m[2]];
    assert.ok(Math.abs(back - n) <= (v >= 100 ? 0.05 : 0.005) * SCALE[m[2]] + 0.5, `${n} -> ${formatBytes(n)}`);
    assert.ok(n < 1024 ? m[2] === 'B' : v >= 1 && v < 1024.5, `${n} -> ${formatBytes(n)}: scaled to the value`);
  }
});

// Editor backgrounds of VS Code's built-in themes (their colour theme files).
const THEMES: [string, string][] = [
  ['Dark Modern', '#1f1f1f'], ['Dark+', '#1e1e1e'], ['Light Modern', '#ffffff'], ['Light+', '#ffffff'],
  ['High Contrast', '#000000'], ['High Contrast Light', '#ffffff'], ['Monokai', '#272822'], ['Solarized Dark', '#002b36'],
  ['Solarized Light', '#fdf6e3'], ['Quiet Light', '#f5f5f5'], ['Abyss', '#000c18'], ['Kimbie Dark', '#221a0f'],
  ['Red', '#390000'], ['Tomorrow Night Blue', '#002451'],
];

test('chart colours keep 3:1 contrast against every built-in theme\'s background', () => {
  for (const [name, bg] of THEMES) {
    const palette = paletteFor(bg);
    for (const [series, color] of Object.entries(palette)) {
      const c = contrastRatio(parseColor(color)!, parseColor(bg)!);
      assert.ok(c >= 3, `${name} (${bg}): ${series} ${color} has contrast ${c.toFixed(2)}`);
    }
  }
});

test('chart colours keep 3:1 contrast against random dark and light backgrounds (seeded)', () => {
  const r = rng(99);
  let dark = 0;
  let light = 0;
  for (let i = 0; i < 20000 && (dark < 500 || light < 500); i++) {
    const rgb: [number, number, number] = [r(), r(), r()].map((x) => Math.floor(x * 256)) as [number, number, number];
    const l = relativeLuminance(rgb);
    // Editor backgrounds are dark (luminance up to 0.05, #3f3f3f grey) or light (0.7 and up, #dbdbdb grey).
    if (l > 0.05 && l < 0.7) continue;
    if (l <= 0.05) dark++; else light++;
    const bg = `rgb(${rgb.join(', ')})`;
    for (const [series, color] of Object.entries(paletteFor(bg))) {
      const c = contrastRatio(parseColor(color)!, rgb);
      assert.ok(c >= 3, `${bg} (luminance ${l.toFixed(3)}): ${series} ${color} has contrast ${c.toFixed(2)}`);
    }
  }
  assert.ok(dark >= 500 && light >= 500, `${dark} dark, ${light} light backgrounds`);
  assert.deepEqual(parseColor('#abc'), [0xaa, 0xbb, 0xcc]);
  assert.deepEqual(parseColor('#1f1f1fff'), [31, 31, 31]);
  assert.equal(parseColor('bogus'), undefined);
});

test('the log\'s summary line names the library\'s time and the time waited', async () => {
  const { summaryLine } = await import('../../../common/format');
  const r = {
    scenario: 'grow', mode: 'pagefile', offsetBits: 32, items: 1000, viewSize: 131072, initialFileSize: 65536, granularity: 65536,
    growth: 'seed', view: 'sliding', prefault: false, verified: true, elapsedMs: 40_103,
    stats: { allocs: 1000, deletions: 0, recycledAllocs: 0, bytesAllocated: 1, bytesFreed: 0, fileMaps: 1, mapViews: 1, compactions: 0, freeListBytes: 0, fileSize: 65536 },
    process: { peakRssBytes: 1, virtualBytes: 1, minorFaults: 1, majorFaults: 0, processTotals: { peakRssBytes: 1, minorFaults: 1, majorFaults: 0 } },
  } as const;
  assert.match(summaryLine('T', r, 62_400), /^T WithPageFile library 40\.1 s, waited 1 min 02 s, verified #Allocs =1000 /);
  assert.match(summaryLine('T', r), /^T WithPageFile 40103 ms verified #Allocs =1000 /, 'without the wait, the line the Test Explorer output shows');
});

test('the event log keeps the error colours for errors: no ordinary event is painted in them', async () => {
  const { readFileSync } = await import('node:fs');
  const path = await import('node:path');
  const css = readFileSync(path.resolve(__dirname, '..', '..', '..', 'webview', 'style.css'), 'utf8');
  const rules = [...css.matchAll(/([^{}]*\.ev-[^{}]*)\{([^}]*)\}/g)];
  assert.ok(rules.length >= 3, `event rules found: ${rules.length}`);
  for (const [, selector, body] of rules) {
    assert.doesNotMatch(body, /errorForeground|charts-red|#f14c4c|\bred\b/i, `${selector.trim()} uses an error colour: ${body.trim()}`);
  }
});
