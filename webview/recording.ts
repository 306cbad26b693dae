// The recording editor (issue 17): a recorded run drawn with the panel's own
// views — counters, file map, event log, charts — and a timeline scrubber.
// The extension computes the state at each position; this only draws it.
// The slider goes by operation number (dragging it moves through the run in
// proportion to its progress); the keys go by the timeline's positions:
// ←/→ one event or sample, Shift+←/→ the previous/next sample, Home/End.
// PageUp/PageDown move the slider by a tenth.

import './l10nSetup';
import * as l10n from '@vscode/l10n';
import { el, vsCodeApi } from './dom';
import { assertNever, type FromRecordingView, type RecordingSummary, type SampleMessage, type ToRecordingView } from '../common/protocol';
import type { ReplayFrame } from '../common/replay';
import { formatDuration } from '../common/format';
import { button } from './toolkit';
import { LiveCharts } from './charts';
import { FileMap } from './fileMap';
import { renderCounters } from './counters';
import { InsightViews } from './insight';

const vscode = vsCodeApi<FromRecordingView>();

const n = (x: number): string => x.toLocaleString('en-US');

/** Where to scrub to: a timeline position (keys, buttons) or an operation number (the slider). */
interface Target {
  position?: number;
  op?: number;
}

class RecordingView {
  private readonly title = el('h1', { id: 'recording-title', text: l10n.t('MemMap recording') });
  private readonly facts = el('div', { id: 'recording-facts', className: 'runner-info' });
  private readonly params = el('div', { id: 'recording-parameters', className: 'h-params' });
  private readonly status = el('div', { id: 'run-status', className: 'status' });
  private readonly notes = el('ul', { id: 'recording-notes', className: 'note' });
  private readonly slider = document.createElement('input');
  private readonly where = el('div', { id: 'scrub-position', className: 'status', text: '…' });
  private readonly counters = el('table', { id: 'counters', className: 'counters' });
  private readonly insight = el('section', { id: 'insight' });
  private readonly charts: LiveCharts;
  private readonly fileMap: FileMap;
  /** The panel's insight views (issue 16), drawn from the recorded samples and result. */
  private readonly insightViews: InsightViews;
  private samplePositions: number[] = [];
  private samples: SampleMessage[] = [];
  /** The timeline position shown (or asked for by a key). */
  private position = 0;
  private length = 0;
  /** A scrub asked for and not answered yet, and the one to ask next (the latest wins while dragging). */
  private waiting = false;
  private next: Target | undefined;

  constructor(root: HTMLElement) {
    this.slider.type = 'range';
    this.slider.id = 'scrubber';
    this.slider.min = '0';
    this.slider.max = '0';
    this.slider.step = '1';
    this.slider.className = 'scrubber';
    this.slider.setAttribute('aria-label', l10n.t('Timeline by operation number: the run at this operation (←/→ one event or sample, Shift+←/→ a sample, Home/End)'));
    this.slider.addEventListener('input', () => this.request({ op: Number(this.slider.value) }));
    this.slider.addEventListener('keydown', (e) => this.onKey(e));
    const bar = el('div', { className: 'buttons scrub-bar' },
      button('prev-sample', l10n.t('◀ Previous sample'), () => this.jumpSample(-1)),
      button('next-sample', l10n.t('Next sample ▶'), () => this.jumpSample(1)),
      button('compare', l10n.t('Compare with…'), () => vscode.postMessage({ type: 'compare' })));
    root.append(this.title, this.facts, this.params, this.status, this.notes,
      el('h2', { text: l10n.t('Timeline') }), el('div', { className: 'scrubber-box' }, this.slider), this.where, bar);
    const live = el('section', { className: 'live' });
    const left = el('div', { className: 'live-left' }, el('h2', { text: l10n.t('Counters') }), this.counters);
    const mapBox = el('div', { className: 'live-right' }, el('h2', { text: l10n.t('File map') }));
    live.append(left, mapBox);
    root.append(live);
    this.fileMap = new FileMap(mapBox);
    const chartGrid = el('section', { className: 'charts', id: 'charts' });
    root.append(el('h2', { text: l10n.t('Charts') }), chartGrid, this.insight);
    this.charts = new LiveCharts(chartGrid);
    this.insightViews = new InsightViews(mapBox, left, chartGrid, this.charts);
    renderCounters(this.counters, undefined, l10n.t('loading the recording…'));
    window.addEventListener('message', (e: MessageEvent) => this.onMessage(e.data as ToRecordingView));
    vscode.postMessage({ type: 'ready' });
  }

  private onMessage(m: ToRecordingView): void {
    switch (m.type) {
      case 'recording':
        this.samples = m.samples;
        this.samplePositions = m.samplePositions;
        this.length = m.length;
        this.slider.max = String(m.lastOp);
        this.slider.disabled = m.length === 0;
        this.showSummary(m.summary);
        this.charts.reset(m.samples);
        this.insightViews.reset({ samples: m.samples, result: m.result });
        if (m.length === 0) {
          this.where.textContent = l10n.t('nothing was recorded: no sample and no event');
          renderCounters(this.counters, undefined, l10n.t('no sample recorded'));
        }
        break;
      case 'frame':
        this.showFrame(m.frame);
        this.waiting = false;
        if (this.next !== undefined) {
          const t = this.next;
          this.next = undefined;
          if (t.position !== m.frame.position) this.request(t);
        }
        break;
      default:
        assertNever(m);
    }
  }

  private showSummary(s: RecordingSummary): void {
    document.title = s.title;
    this.title.textContent = s.title;
    this.facts.replaceChildren(...s.facts.flatMap(([k, v], i) => [i ? ' · ' : '', `${k} `, el('strong', { text: v })]));
    this.params.textContent = s.parameters.join(', ');
    this.status.textContent = s.outcome;
    this.status.classList.toggle('failed', s.failed);
    this.notes.replaceChildren(...s.notes.map((t) => el('li', { text: t })));
    this.insight.replaceChildren();
    if (s.insight?.length) {
      this.insight.append(el('h2', { text: l10n.t('Insight') }), el('dl', { className: 'insight' },
        ...s.insight.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, el('pre', { text: v }))])));
    }
  }

  private showFrame(f: ReplayFrame): void {
    this.position = f.position;
    this.slider.value = String(f.op);
    const s = f.sample;
    const sampleNo = f.sampleIndex >= 0 ? l10n.t('sample {0} of {1}', n(f.sampleIndex + 1), n(this.samples.length)) : l10n.t('before the first sample');
    const time = s ? ` ${l10n.t('at {0}', formatDuration(s.elapsedMs))}` : '';
    this.where.textContent = f.eventCount === 1
      ? l10n.t('position {0} of {1} · operation {2} · {3}{4} · 1 event', n(f.position + 1), n(f.length), n(f.op), sampleNo, time)
      : l10n.t('position {0} of {1} · operation {2} · {3}{4} · {5} events', n(f.position + 1), n(f.length), n(f.op), sampleNo, time, n(f.eventCount));
    renderCounters(this.counters, s, l10n.t('before the first sample'));
    this.fileMap.showState(s?.counters, f.freeBlocks, f.view, f.events);
    this.charts.setCursor(s);
  }

  private request(t: Target): void {
    const v = t.position ?? t.op;
    if (v === undefined || !Number.isInteger(v) || v < 0) return;
    if (this.waiting) {
      this.next = t;
      return;
    }
    this.waiting = true;
    vscode.postMessage(t.position !== undefined ? { type: 'scrub', position: t.position } : { type: 'scrub', op: t.op });
  }

  /** A position asked for by a key or a button (the slider follows when the frame comes). */
  private go(position: number): void {
    const p = Math.min(Math.max(0, this.length - 1), Math.max(0, position));
    this.position = p;
    this.request({ position: p });
  }

  /** The previous (-1) or next (1) sample's position from the one shown; the ends when there is none. */
  private jumpSample(dir: 1 | -1): void {
    const at = this.position;
    const ps = this.samplePositions;
    this.go(dir === 1 ? ps.find((p) => p > at) ?? this.length - 1 : [...ps].reverse().find((p) => p < at) ?? 0);
  }

  private onKey(e: KeyboardEvent): void {
    const forward = e.key === 'ArrowRight' || e.key === 'ArrowUp';
    const back = e.key === 'ArrowLeft' || e.key === 'ArrowDown';
    if (forward || back) {
      if (e.shiftKey) this.jumpSample(forward ? 1 : -1);
      else this.go(this.position + (forward ? 1 : -1));
    } else if (e.key === 'Home') {
      this.go(0);
    } else if (e.key === 'End') {
      this.go(this.length - 1);
    } else {
      return; // PageUp/PageDown: the slider's own steps, by operation
    }
    e.preventDefault();
  }
}

new RecordingView(document.getElementById('app')!);
