// Growth stalls on a chart's time axis (issue 16): a Chart.js plugin that
// shades each stall from its start to its end (seconds on the x axis) and
// writes its duration above it. A stall shorter than a pixel still gets a
// one-pixel line, so none disappears.

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
    let lastLabelEnd = -Infinity;
    let row = 0;
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
      // Labels that would overlap step down a row (three rows, then back to the top).
      const label = stallLabel(s);
      const w = ctx.measureText(label).width;
      row = a < lastLabelEnd ? (row + 1) % 3 : 0;
      ctx.fillText(label, a + 2, area.top + 2 + row * 11);
      lastLabelEnd = Math.max(lastLabelEnd, a + 2 + w);
    }
    ctx.restore();
  },
};
