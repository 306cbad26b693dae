// The insight views (issue 16) together, for main.ts: the residency strip
// (under the file map), the latency table (under the counters), the heatmap,
// the latency histogram, the stalls on the throughput chart, cold/warm, and
// the time breakdown of the runs in the history. main.ts hands it what it gets
// (records and samples); insightModel.ts reads them.

import type { RunRecord, SampleMessage } from '../common/protocol';
import { breakdownSection } from './breakdown';
import type { LiveCharts } from './charts';
import { Heatmap } from './heatmap';
import { fileSizeOf, insightOf, latencyState, residencySamples, scenarioOf, type RunInsight } from './insightModel';
import { cacheNote } from './insightText';
import { LatencyPanel } from './latency';
import { ResidencyStrip } from './residency';

export class InsightViews {
  private readonly strip = new ResidencyStrip();
  private readonly heatmap = new Heatmap();
  private readonly latency = new LatencyPanel();
  private readonly cacheNote = document.createElement('p');

  /**
   * @param mapBox     the file map's box: the strip goes right under the file map
   * @param countersBox the counters' box: the latency table goes under them
   * @param chartGrid  the live charts' grid: the heatmap and the histogram join it
   */
  constructor(mapBox: HTMLElement, countersBox: HTMLElement, chartGrid: HTMLElement, private readonly charts: LiveCharts) {
    const map = mapBox.querySelector('.file-map');
    if (map) map.after(this.strip.element); else mapBox.append(this.strip.element);
    this.cacheNote.id = 'cache-state';
    this.cacheNote.className = 'note';
    countersBox.append(this.latency.table, this.latency.note, this.latency.sampling, this.cacheNote);
    const wide = document.createElement('div');
    wide.className = 'chart-wide';
    wide.append(this.heatmap.element);
    chartGrid.before(wide);
    chartGrid.append(this.latency.chartBox);
  }

  /**
   * A new run, a restored panel, a reset or a recording (its samples and result): draw this record (or nothing).
   * The samples carry residency (as often as its cost allows) and the latency so far (once a second, without
   * buckets: runner/engine.ts); the histograms and the stalls come with the result.
   */
  reset(record: (Pick<RunRecord, 'samples' | 'result'> & Partial<Pick<RunRecord, 'error' | 'parameters'>>) | undefined): void {
    const last = record?.samples.at(-1);
    const i = this.insightOf(record);
    this.strip.set(insightOf(last).residency ?? i.residency);
    this.strip.setFileSize(fileSizeOf(record));
    this.heatmap.reset(residencySamples(record?.samples ?? []), fileSizeOf(record));
    this.latency.set(i.latency, latencyState(record, i), scenarioOf(record));
    this.charts.setStalls(i.stalls);
    this.showCache(record?.result ? i : undefined, scenarioOf(record));
  }

  sample(m: SampleMessage): void {
    const i = insightOf(m);
    if (i.residency) this.strip.set(i.residency);
    const [r] = residencySamples([m]);
    if (r) this.heatmap.add(r);
    this.heatmap.setFileSize(m.counters.fileSize);
    this.strip.setFileSize(m.counters.fileSize);
    if (i.latency) this.latency.set(i.latency, 'live');
    if (i.stalls.length) this.charts.setStalls(i.stalls);
  }

  /** A run ended: its result's figures replace the last sample's. */
  ended(record: RunRecord): void {
    const i = this.insightOf(record);
    if (i.residency) this.strip.set(i.residency);
    this.strip.setFileSize(fileSizeOf(record));
    this.heatmap.setFileSize(fileSizeOf(record));
    this.latency.set(i.latency, latencyState(record, i), scenarioOf(record));
    if (i.stalls.length) this.charts.setStalls(i.stalls);
    this.showCache(i, scenarioOf(record));
  }

  /** The history's "where the time goes" bars. */
  breakdown(history: readonly RunRecord[]): HTMLElement {
    return breakdownSection(history);
  }

  private insightOf(record: Pick<RunRecord, 'samples' | 'result'> | undefined): RunInsight {
    const last = record?.samples.at(-1);
    const fromResult = insightOf(record?.result);
    const fromSample = insightOf(last);
    // latency comes on one sample a second: the latest that has it
    const samples = record?.samples ?? [];
    let latest: SampleMessage | undefined;
    for (let k = samples.length - 1; k >= 0 && !latest; k--) if (samples[k].latency) latest = samples[k];
    return {
      residency: fromResult.residency ?? fromSample.residency,
      latency: fromResult.latency ?? insightOf(latest).latency,
      stalls: fromResult.stalls.length ? fromResult.stalls : fromSample.stalls,
      breakdown: fromResult.breakdown,
      cache: fromResult.cache,
    };
  }

  /** Cold or warm read-back: nothing for the baseline (no file). */
  private showCache(i: RunInsight | undefined, scenario: string | undefined): void {
    const text = cacheNote(i?.cache, scenario);
    this.cacheNote.textContent = text;
    this.cacheNote.hidden = text === '';
    this.cacheNote.dataset.cache = text ? i?.cache ?? '' : '';
  }
}

