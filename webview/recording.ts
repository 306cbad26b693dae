// The recording editor (issue 17): a recorded run drawn with the panel's own
// views — counters, file map, event log, charts — and a timeline scrubber.
// The extension computes the state at each position; this only draws it.
// Keys: ←/→ one position, Shift+←/→ the previous/next sample, Home/End.

import { assertNever, type FromRecordingView, type RecordingSummary, type SampleMessage, type ToRecordingView } from '../extension/protocol';
import type { ReplayFrame } from '../common/replay';
import { formatDuration } from '../extension/format';
import { button } from './toolkit';
import { LiveCharts } from './charts';
import { FileMap } from './fileMap';
import { renderCounters } from './counters';

interface VsCodeApi {
  postMessage(message: FromRecordingView): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { id?: string; className?: string; text?: string } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.id) e.id = props.id;
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  e.append(...children);
  return e;
}

const n = (x: number): string => x.toLocaleString('en-US');

class RecordingView {
  private readonly title = el('h1', { id: 'recording-title', text: 'MemMap recording' });
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
  private samplePositions: number[] = [];
  private samples: SampleMessage[] = [];
  /** A scrub asked for and not answered yet, and the one to ask next (the latest wins while dragging). */
  private waiting = false;
  private next: number | undefined;

  constructor(root: HTMLElement) {
    this.slider.type = 'range';
    this.slider.id = 'scrubber';
    this.slider.min = '0';
    this.slider.max = '0';
    this.slider.step = '1';
    this.slider.className = 'scrubber';
    this.slider.setAttribute('aria-label', 'Timeline: the run at this position (←/→ one step, Shift+←/→ a sample, Home/End)');
    this.slider.addEventListener('input', () => this.request(Number(this.slider.value)));
    this.slider.addEventListener('keydown', (e) => this.onKey(e));
    const bar = el('div', { className: 'buttons scrub-bar' },
      button('prev-sample', '◀ Previous sample', () => this.jumpSample(-1)),
      button('next-sample', 'Next sample ▶', () => this.jumpSample(1)),
      button('compare', 'Compare with…', () => vscode.postMessage({ type: 'compare' })));
    root.append(this.title, this.facts, this.params, this.status, this.notes,
      el('h2', { text: 'Timeline' }), el('div', { className: 'scrubber-box' }, this.slider), this.where, bar);
    const live = el('section', { className: 'live' });
    const left = el('div', { className: 'live-left' }, el('h2', { text: 'Counters' }), this.counters);
    const mapBox = el('div', { className: 'live-right' }, el('h2', { text: 'File map' }));
    live.append(left, mapBox);
    root.append(live);
    this.fileMap = new FileMap(mapBox);
    const chartGrid = el('section', { className: 'charts', id: 'charts' });
    root.append(el('h2', { text: 'Charts' }), chartGrid, this.insight);
    this.charts = new LiveCharts(chartGrid);
    renderCounters(this.counters, undefined, 'loading the recording…');
    window.addEventListener('message', (e: MessageEvent) => this.onMessage(e.data as ToRecordingView));
    vscode.postMessage({ type: 'ready' });
  }

  private onMessage(m: ToRecordingView): void {
    switch (m.type) {
      case 'recording':
        this.samples = m.samples;
        this.samplePositions = m.samplePositions;
        this.slider.max = String(Math.max(0, m.length - 1));
        this.slider.disabled = m.length === 0;
        this.showSummary(m.summary);
        this.charts.reset(m.samples);
        if (m.length === 0) {
          this.where.textContent = 'nothing was recorded: no sample and no event';
          renderCounters(this.counters, undefined, 'no sample recorded');
        }
        break;
      case 'frame':
        this.showFrame(m.frame);
        this.waiting = false;
        if (this.next !== undefined && this.next !== m.frame.position) {
          const p = this.next;
          this.next = undefined;
          this.request(p);
        } else {
          this.next = undefined;
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
      this.insight.append(el('h2', { text: 'Insight' }), el('dl', { className: 'insight' },
        ...s.insight.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, el('pre', { text: v }))])));
    }
  }

  private showFrame(f: ReplayFrame): void {
    this.slider.value = String(f.position);
    const s = f.sample;
    const sampleNo = f.sampleIndex >= 0 ? `sample ${n(f.sampleIndex + 1)} of ${n(this.samples.length)}` : 'before the first sample';
    const time = s ? ` at ${formatDuration(s.elapsedMs)}` : '';
    this.where.textContent = `position ${n(f.position + 1)} of ${n(f.length)} · operation ${n(f.op)} · ${sampleNo}${time} · ${n(f.eventCount)} events`;
    renderCounters(this.counters, s, 'before the first sample');
    this.fileMap.showState(s?.counters, f.freeBlocks, f.view, f.events);
    this.charts.setCursor(s);
  }

  private request(position: number): void {
    if (!Number.isInteger(position) || position < 0) return;
    if (this.waiting) {
      this.next = position;
      return;
    }
    this.waiting = true;
    vscode.postMessage({ type: 'scrub', position });
  }

  /** The previous (-1) or next (1) sample's position from the slider's. */
  private jumpSample(dir: 1 | -1): void {
    const at = Number(this.next ?? this.slider.value);
    const ps = this.samplePositions;
    const target = dir === 1 ? ps.find((p) => p > at) ?? Number(this.slider.max) : [...ps].reverse().find((p) => p < at) ?? 0;
    this.slider.value = String(target);
    this.request(target);
  }

  private onKey(e: KeyboardEvent): void {
    if (!e.shiftKey || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight')) return;
    e.preventDefault();
    this.jumpSample(e.key === 'ArrowRight' ? 1 : -1);
  }
}

new RecordingView(document.getElementById('app')!);
