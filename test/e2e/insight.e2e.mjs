// Issue 16 in the panel: the residency strip and the heatmap change while a
// disk run whose data exceeds the view goes (their cell states and the
// heatmap's pixels at two moments differ), the latency table says while it
// goes that its figures come with the result, the heatmap's caption names the
// file's final size; and a grow run on the seed's defaults shows its growths
// as stalls with durations on the throughput chart, one per growth the
// latency table counts, their labels inside the plot area. Takes the README's
// "Insight" screenshots on the way.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chooseOption, click, num, openVisualizer, reset, setField, status, text, waitFor, waitIdle, imagesDir } from './helpers.mjs';

export const order = ['insightStripAndHeatmapMoveDuringADiskRun', 'insightGrowRunShowsItsGrowthsAsStalls', 'insightBaselineHasNoFileWords'];

/** A screenshot of the editor with `selector` scrolled to the top of the panel. */
async function shoot(page, webview, repo, selector, name) {
  await webview.locator(selector).evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await new Promise((r) => setTimeout(r, 400));
  const file = path.join(imagesDir(repo), name);
  await page.locator('.part.editor').screenshot({ path: file });
  console.log(`      screenshot ${path.relative(repo, file)}`);
}

/** The residency views at one moment: the strip's column states, the heatmap's cells and a digest of its pixels. */
async function residencyMoment(webview) {
  return webview.locator('body').evaluate(() => {
    const strip = document.getElementById('residency-strip');
    const heat = document.getElementById('residency-heatmap');
    const ctx = heat.getContext('2d');
    const px = ctx.getImageData(0, 0, heat.width, heat.height).data;
    let h = 0;
    for (let i = 0; i < px.length; i += 4) h = (Math.imul(h, 31) + px[i] * 65536 + px[i + 1] * 256 + px[i + 2]) | 0;
    return {
      strip: strip.dataset.signature ?? '', cells: strip.dataset.cells ?? '',
      heat: heat.dataset.signature ?? '', samples: Number(heat.dataset.samples ?? 0), pixels: h,
      detail: document.getElementById('residency-detail').textContent,
    };
  });
}

export async function insightStripAndHeatmapMoveDuringADiskRun({ page, webview, repo }) {
  await openVisualizer(page, webview);
  await reset(webview);
  await chooseOption(webview, 'mode', 'disk');
  await chooseOption(webview, 'offsetBits', '64');
  // About 1.1 GiB stored through a 128 KiB view: the data exceeds the view by far.
  await setField(webview, 'items', '600,000');
  await click(webview, 'run');
  await waitFor(async () => /^running/.test(await status(webview)), { what: 'the disk run to start' });
  const first = await waitFor(async () => {
    const m = await residencyMoment(webview);
    return m.samples >= 2 && m.strip ? m : null;
  }, { timeoutMs: 60_000, what: 'residency samples in the strip and the heatmap' });
  assert.match(await status(webview), /^running/, 'the first moment is taken during the run');
  // While the run goes, the latency table has the figures so far (a sample a second carries them); the histogram comes with the result.
  await waitFor(async () => (await webview.locator('#latency-note').getAttribute('data-state')) === 'live', { what: 'the latency so far while the run goes' });
  assert.match(await text(webview, '#latency-note'), /^So far: the run's figures, updated once a second/);
  const liveAllocs = num(await text(webview, '#latency tr.l-alloc td.l-count'));
  assert.ok(liveAllocs > 0 && liveAllocs <= 600_000, `allocations so far: ${liveAllocs}`);
  assert.equal(await webview.locator('#chart-latency').getAttribute('data-buckets'), '0', 'no histogram before the result');
  const second = await waitFor(async () => {
    const m = await residencyMoment(webview);
    // Residency is sampled within 1% of the run's time: a few samples a second at most.
    return m.samples > first.samples && m.strip !== first.strip && m.pixels !== first.pixels ? m : null;
  }, { timeoutMs: 90_000, what: `the strip and the heatmap to change (first: ${JSON.stringify(first)})` });
  console.log(`      residency: ${first.detail} -> ${second.detail}; heatmap ${first.heat} -> ${second.heat}`);
  assert.notEqual(second.strip, first.strip, 'the strip\'s cells changed');
  assert.notEqual(second.heat, first.heat, 'the heatmap\'s cells changed');
  assert.match(second.detail, /resident of .* \((cachestat|mincore)/, 'the source is named');
  await shoot(page, webview, repo, '#file-map', 'panel-insight-residency.png');
  await shoot(page, webview, repo, '#heatmap', 'panel-insight-heatmap.png');
  await waitIdle(webview, 300_000);
  assert.match(await status(webview), /^done: grow disk, verified/);
  // With the result: the latency figures, no note; the heatmap's offset axis is the file's final size, in a correct number.
  await waitFor(async () => (await webview.locator('#latency-note').getAttribute('data-state')) === 'shown', { what: 'the latency figures with the result' });
  assert.equal(await webview.locator('#latency-note').isVisible(), false);
  const fileSize = await text(webview, 'td.c-file-size');
  const caption = await waitFor(async () => {
    const c = await webview.locator('#heatmap-axis').getAttribute('data-caption');
    return c && c.includes(`file offsets 0 to ${fileSize} (the file's size)`) ? c : null;
  }, { what: `the heatmap's caption to name the file's size ${fileSize}` });
  assert.match(caption, /^(1 residency sample at |(?!1 )[\d,]+ residency samples over )/, caption);
  // The finished run: its time breakdown bar in the history.
  await waitFor(async () => (await webview.locator('#breakdown .b-bar').count()) >= 1, { what: 'the run\'s time breakdown' });
  const tips = await webview.locator('#breakdown .b-bar').first().locator('.b-seg').evaluateAll((segs) => segs.map((s) => s.title));
  assert.ok(tips.some((t) => /^page faults \(estimated\): .*Estimated: /.test(t)), `the page-fault segment says how it is estimated: ${JSON.stringify(tips)}`);
  assert.match(await text(webview, '#cache-state'), /^Verify read (warm|cold)/);
  // The bar's total is named, and its tooltips' shares say of what.
  assert.match(await text(webview, '#breakdown .b-label'), /^grow disk \((warm|cold)\): [\d.]+ (ms|s) in the runner/);
  assert.ok(tips.every((t) => /% of the run's [\d.]+ (µs|ms|s) in the runner: library \+ runner\)/.test(t)), JSON.stringify(tips));
}

export async function insightGrowRunShowsItsGrowthsAsStalls({ page, webview, repo }) {
  await openVisualizer(page, webview);
  await reset(webview); // the seed's defaults: grow, page file, 100,000 items, 128 KiB view, 64 KiB file
  await click(webview, 'run');
  // Reset left the status at "idle": wait for this run's end, not for that.
  await waitFor(async () => /^(done|ended)/.test(await status(webview)), { timeoutMs: 120_000, what: 'the grow run to end' });
  assert.match(await status(webview), /^done: grow pagefile, verified/);
  const stalls = await waitFor(async () => {
    const s = await webview.locator('#chart-throughput').getAttribute('data-stalls');
    return s ? s.split('|') : null;
  }, { what: 'stalls on the throughput chart' });
  for (const s of stalls) assert.match(s, /^grow \d[\d.]* (ns|µs|ms|s)$/, `a stall with its duration: ${s}`);
  // Their labels inside the plot area (the first growths are at the axis's left edge).
  const labels = JSON.parse(await webview.locator('#chart-throughput').getAttribute('data-stall-labels'));
  assert.ok(labels.boxes.length >= 1, `labels drawn: ${JSON.stringify(labels)}`);
  const [left, top, right, bottom] = labels.area;
  for (const [x, y, w, h] of labels.boxes) {
    assert.ok(x >= left - 0.1 && x + w <= right + 0.2 && y >= top - 0.1 && y + h <= bottom + 0.2, `label box ${[x, y, w, h]} inside the area ${labels.area}`);
  }
  // One stall per growth: the latency table's grow count (the library's own), and the file's doublings (64 KiB to its size).
  const grows = num(await text(webview, '#latency tr.l-grow td.l-count'));
  assert.equal(stalls.length, grows, `stalls ${stalls.join(', ')} vs ${grows} growths`);
  const fileSize = await text(webview, 'td.c-file-size');
  const mib = num(fileSize) * (/GiB/.test(fileSize) ? 1024 : /KiB/.test(fileSize) ? 1 / 1024 : 1);
  assert.equal(grows, Math.round(Math.log2((mib * 1024) / 64)), `the seed's doublings from 64 KiB to ${fileSize}`);
  // The latency table has every operation of the run, with its percentiles in order.
  for (const op of ['alloc', 'deref', 'mapView', 'grow']) {
    const [count, p50, p99, p999, max] = await webview.locator(`#latency tr.l-${op} td`).allTextContents();
    assert.ok(num(count) > 0, `${op}: count ${count}`);
    const ns = (t) => num(t) * { ns: 1, 'µs': 1e3, ms: 1e6, s: 1e9 }[t.split(' ')[1]];
    assert.ok(ns(p50) <= ns(p99) && ns(p99) <= ns(p999) && ns(p999) <= ns(max), `${op}: ${p50} <= ${p99} <= ${p999} <= ${max}`);
  }
  assert.equal(num(await text(webview, '#latency tr.l-alloc td.l-count')), num(await text(webview, 'td.c-allocs')), 'allocs = latency.alloc.count');
  // Allocations past the first 256 are sampled (about 1 in 16): the note under the table says how many were timed; views are all timed.
  const sampling = await text(webview, '#latency-sampling');
  const [, timedAllocs, allAllocs] = sampling.match(/alloc ([\d,]+) of ([\d,]+)/) ?? [];
  assert.ok(timedAllocs, `the sampling note names the allocations timed: ${sampling}`);
  assert.equal(num(allAllocs), num(await text(webview, 'td.c-allocs')));
  assert.ok(num(timedAllocs) > 256 && num(timedAllocs) < num(allAllocs) / 8, `about 1 in 16 allocations timed: ${timedAllocs} of ${allAllocs}`);
  assert.doesNotMatch(sampling, /map view/, 'every view is timed');
  // Every column in view (the tester found max cut off, scrolled out of the narrow counters column).
  const fit = await webview.locator('#latency').evaluate((t) => ({ scroll: t.scrollWidth, client: t.clientWidth }));
  assert.ok(fit.scroll <= fit.client + 1, `the latency table shows all its columns (${fit.scroll} px wide in ${fit.client})`);
  await shoot(page, webview, repo, '#chart-latency', 'panel-insight-latency.png');
}

// The baseline keeps its items in the C heap: no file, so no cold/warm line, no mode or cache in its
// breakdown label, and one line instead of a latency table of zeros (malloc is not timed).
export async function insightBaselineHasNoFileWords({ webview }) {
  await reset(webview);
  await chooseOption(webview, 'scenario', 'baseline');
  await chooseOption(webview, 'mode', 'disk');
  await setField(webview, 'items', '20,000');
  await click(webview, 'run');
  await waitFor(async () => /^done: baseline disk/.test(await status(webview)), { timeoutMs: 120_000, what: 'the baseline run to end' });
  await waitFor(async () => (await webview.locator('#latency-note').getAttribute('data-state')) === 'baseline', { what: 'the baseline\'s latency line' });
  assert.equal(await text(webview, '#latency-note'), 'No latency: the baseline allocates with the C heap\'s malloc, which the library does not time.');
  assert.equal(await webview.locator('#latency').isVisible(), false, 'no table of zeros');
  assert.equal(await text(webview, '#cache-state'), '');
  assert.equal(await webview.locator('#cache-state').isVisible(), false);
  await waitFor(async () => /^baseline: /.test(await text(webview, '#breakdown .b-label')), { what: 'the baseline\'s breakdown row first' });
  // No mode, no warm/cold; a loaded machine's fault cost can cap the estimate, and the label says so.
  assert.match(await text(webview, '#breakdown .b-label'), /^baseline: [\d.]+ (µs|ms|s) in the runner( — page faults capped)?$/);
}
