// Growth stalls on a chart's time axis (issue 16): a Chart.js plugin that
// shades each stall from its start to its end (seconds on the x axis) and
// writes its duration beside it. A stall shorter than a pixel still gets a
// one-pixel line, so none disappears. The labels stay inside the plot area
// (insightLayout.ts layoutStallLabels: moved in from either edge); a label
// with no room is left out (the chart's data-stalls attribute and the shading
// keep every stall). Stalls before the first throughput point extend the time
// axis to 0, the run's start, so none falls off its left edge.

import * as l10n from '@vscode/l10n';
import type { Chart, Plugin } from 'chart.js';
import { layoutStallLabels, stallAxisFrom } from './insightLayout';
import type { StallView } from './insightModel';
import { formatNs } from './insightText';

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
  return l10n.t('grow {0}', formatNs(s.durationMs * 1e6));
}

const FONT_PX = 10;
const LINE_PX = 11;

export const stallMarksPlugin: Plugin = {
  id: 'stallMarks',
  // Growths before the first throughput point (a small initial file grows at once) would fall left of
  // the axis, undrawn: the axis then starts at the run's start, 0 (insightLayout.ts stallAxisFrom).
  afterDataLimits(chart: Chart, args: { scale: { id: string; min: number } }) {
    const stalls = STALLS.get(chart)?.stalls;
    if (args.scale.id !== 'x' || !stalls?.length) return;
    args.scale.min = stallAxisFrom(args.scale.min, stalls);
  },
  afterDatasetsDraw(chart: Chart) {
    const options = STALLS.get(chart);
    const canvas = chart.canvas;
    if (!options?.stalls.length) {
      delete canvas.dataset.stallLabels;
      return;
    }
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
    ctx.font = `${FONT_PX}px sans-serif`;
    ctx.textBaseline = 'top';
    const marks = options.stalls.map((s) => {
      const label = stallLabel(s);
      return {
        label,
        from: x.getPixelForValue(s.startMs / 1000),
        to: x.getPixelForValue((s.startMs + s.durationMs) / 1000),
        width: ctx.measureText(label).width,
      };
    });
    for (const m of marks) {
      ctx.globalAlpha = 0.25;
      ctx.fillRect(m.from, area.top, Math.max(1, m.to - m.from), area.bottom - area.top);
      ctx.globalAlpha = 1;
      ctx.beginPath();
      ctx.moveTo(m.from, area.top);
      ctx.lineTo(m.from, area.bottom);
      ctx.stroke();
    }
    const places = layoutStallLabels(marks, area, LINE_PX);
    const boxes: number[][] = [];
    places.forEach((p, i) => {
      if (!p) return;
      ctx.fillText(marks[i].label, p.x, p.y);
      boxes.push([p.x, p.y, marks[i].width, LINE_PX].map((v) => Math.round(v * 10) / 10));
    });
    ctx.restore();
    // For tests and assistive tools: the plot area and each label's box drawn (x, y, width, height; CSS pixels of the chart).
    canvas.dataset.stallLabels = JSON.stringify({ area: [area.left, area.top, area.right, area.bottom].map((v) => Math.round(v * 10) / 10), boxes });
  },
};
