// Growth stalls on a chart's time axis (issue 16): a Chart.js plugin that
// shades each stall from its start to its end (seconds on the x axis) and
// writes its duration above it. A stall shorter than a pixel still gets a
// one-pixel line, so none disappears; a label with no room is left out (the
// chart's data-stalls attribute and the shading keep every stall).

import type { Chart, Plugin } from 'chart.js';
import { formatNs } from './latency';
import type { StallView } from './insightModel';

export interface StallMarksOptions {
  stalls: StallView[];
  color: string;
}

/** The stalls of each chart (kept here, not in Chart.js's options: those are resolved as scriptable proxies). */
const STALLS = new WeakMap<Chart, StallMarksOptions>();

export function setChartStalls(chart: Chart, options: StallMarksOptions): void {
  STALLS.set(chart, options);
}

export function stallLabel(s: StallView): string {
  return `grow ${formatNs(s.durationMs * 1e6)}`;
}

export const stallMarksPlugin: Plugin = {
  id: 'stallMarks',
  afterDatasetsDraw(chart: Chart) {
    const options = STALLS.get(chart);
    if (!options?.stalls.length) return;
    const x = chart.scales.x;
    const area = chart.chartArea;
    if (!x || !area) return;
    const ctx = chart.ctx;
    ctx.save();
    ctx.beginPath();
    ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
    ctx.clip();
    ctx.fillStyle = options.color;
    ctx.strokeStyle = options.color;
    ctx.font = '10px sans-serif';
    ctx.textBaseline = 'top';
    // Three rows of labels; a label goes in the first row with room, or is left out (its stall stays shaded).
    const rowEnds = [-Infinity, -Infinity, -Infinity];
    for (const s of options.stalls) {
      const a = x.getPixelForValue(s.startMs / 1000);
      const b = x.getPixelForValue((s.startMs + s.durationMs) / 1000);
      ctx.globalAlpha = 0.25;
      ctx.fillRect(a, area.top, Math.max(1, b - a), area.bottom - area.top);
      ctx.globalAlpha = 1;
      ctx.beginPath();
      ctx.moveTo(a, area.top);
      ctx.lineTo(a, area.bottom);
      ctx.stroke();
      const label = stallLabel(s);
      const w = ctx.measureText(label).width;
      const row = rowEnds.findIndex((end) => a >= end);
      if (row < 0) continue;
      ctx.fillText(label, a + 2, area.top + 2 + row * 11);
      rowEnds[row] = a + 6 + w;
    }
    ctx.restore();
  },
};
