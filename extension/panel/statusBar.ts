// A status bar item while a run is in progress: bytes allocated so far and
// the allocation throughput; a click opens the panel. Hidden when idle.

import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import { formatBytes, formatRate } from '../../common/format';
import type { RunController } from '../run/runController';
import type { SampleMessage } from '../../common/protocol';

export class RunStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private last: { ms: number; bytes: number } | undefined;
  /** The operation of the last sample and since when (run time, ms) it has not moved: a long growth shows as that. */
  private sameOp: { ops: number; sinceMs: number } | undefined;
  private lastText = '';
  private rate = 0;
  private label = '';

  static register(controller: RunController, openCommand: string): RunStatusBar {
    return new RunStatusBar(controller, openCommand);
  }

  private constructor(controller: RunController, openCommand: string) {
    super();
    this.item = this.register(vscode.window.createStatusBarItem('memmap.run', vscode.StatusBarAlignment.Left, 50));
    this.item.name = vscode.l10n.t('MemMap run');
    this.item.command = { command: openCommand, title: vscode.l10n.t('Open MemMap Visualizer') };
    // Only the run's start, samples and end matter here.
    this.register(controller.onUpdate((m) => {
      if (m.type === 'runStarted') {
        this.label = m.record.label;
        this.last = undefined;
        this.rate = 0;
        this.sameOp = undefined;
        this.lastText = '';
        this.item.text = `$(sync~spin) ${vscode.l10n.t('MemMap {0}: starting', this.label)}`;
        this.item.tooltip = vscode.l10n.t('MemMap: {0} is running. Click to open the visualizer.', this.label);
        this.show(true);
      } else if (m.type === 'sample') {
        this.onSample(m);
      } else if (m.type === 'state' && this.visible) {
        // Paused says paused, not a throughput of 0.
        if (m.state === 'paused') this.item.text = `$(debug-pause) ${vscode.l10n.t('MemMap paused at operation {0}', m.ops.toLocaleString('en-US'))}`;
        else if (m.state === 'running' && this.lastText) this.item.text = this.lastText;
      } else if (m.type === 'runEnded') {
        this.show(false);
      }
    }));
  }

  /** What the item shows now (for tests); undefined when hidden. */
  get text(): string | undefined {
    return this.visible ? this.item.text : undefined;
  }
  private visible = false;

  private show(on: boolean): void {
    this.visible = on;
    if (on) this.item.show();
    else this.item.hide();
  }

  private onSample(s: SampleMessage): void {
    const bytes = s.counters.bytesAllocated;
    if (this.last && s.elapsedMs > this.last.ms) {
      const now = (bytes - this.last.bytes) / ((s.elapsedMs - this.last.ms) / 1000);
      this.rate = this.rate === 0 ? now : 0.5 * this.rate + 0.5 * now; // smoothed
    } else if (!this.last && s.elapsedMs > 0) {
      this.rate = bytes / (s.elapsedMs / 1000);
    }
    this.last = { ms: s.elapsedMs, bytes };
    if (!this.sameOp || this.sameOp.ops !== s.ops) this.sameOp = { ops: s.ops, sinceMs: s.elapsedMs };
    const stuckMs = s.elapsedMs - this.sameOp.sinceMs;
    const share = s.itemsTotal > 0 ? ` ${Math.floor((100 * s.items) / s.itemsTotal)}%` : '';
    // One operation that lasts (a file growth copies the whole file) reads as that, not as 0 B/s.
    const pace = stuckMs >= 1000 ? vscode.l10n.t('operation {0} running for {1} s', s.ops.toLocaleString('en-US'), (stuckMs / 1000).toFixed(1)) : formatRate(this.rate);
    this.item.text = `$(pulse) MemMap${share} ${formatBytes(bytes)} · ${pace}`;
    this.lastText = this.item.text;
    this.item.tooltip = vscode.l10n.t('MemMap: {0} — {1}, {2} of {3} items, {4} allocated, {5}. Click to open the visualizer.',
      this.label, s.phase, s.items.toLocaleString('en-US'), s.itemsTotal.toLocaleString('en-US'), formatBytes(bytes), formatRate(this.rate));
    this.show(true);
  }
}
