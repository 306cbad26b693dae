// The MemMap Lab panel. It draws what the extension sends and sends back what
// the user asks for; the extension owns the data and validates everything.

import { assertNever, GROWTHS, MODES, SCENARIOS, VIEWS, type FromWebview, type HelloMessage, type RunParameters, type RunRecord, type RunState, type SampleMessage, type ToWebview } from '../extension/protocol';
import { DEFAULT_PARAMETERS, estimateStoredBytes, FIELD_LABELS, formatSize, largestFile, validateParameters, type FieldError } from '../extension/parameters';
import { button, checkbox, divider, dropdown, setButtonDisabled, textField, type Control } from './toolkit';
import { LiveCharts } from './charts';
import { FileMap } from './fileMap';
import { formatBytes } from '../extension/format';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

interface SavedState {
  form?: Record<string, string | boolean>;
  compareId?: string;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { id?: string; className?: string; text?: string } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.id) e.id = props.id;
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  e.append(...children);
  return e;
}

class App {
  private runner: HelloMessage | undefined;
  private defaults: RunParameters = { ...DEFAULT_PARAMETERS };
  private state: RunState = 'idle';
  private current: RunRecord | undefined;
  private history: RunRecord[] = [];
  private pendingStep: FromWebview | undefined;
  /** The current run has its result (or error). */
  private ended = true;
  private saved: SavedState = (vscode.getState() as SavedState | undefined) ?? {};
  private readonly controls: Record<string, Control<string> | Control<boolean>> = {};
  private readonly errors: Record<string, HTMLElement> = {};
  private readonly buttons: Record<string, HTMLElement> = {};
  private readonly charts: LiveCharts;
  private readonly fileMap: FileMap;
  private readonly status = el('div', { id: 'run-status', className: 'status', text: 'idle' });
  private readonly counters = el('table', { id: 'counters', className: 'counters' });
  private readonly historyBox = el('div', { id: 'history' });
  private readonly granularityNote = el('span', { id: 'granularity-note', className: 'note' });
  private readonly estimateNote = el('span', { id: 'estimate', className: 'note' });

  constructor(root: HTMLElement) {
    const info = el('div', { className: 'runner-info', id: 'runner-info' },
      'Native library ', el('strong', { id: 'lib-version', text: '…' }),
      ' · page size ', el('strong', { id: 'page-size', text: '…' }),
      ' · allocation granularity ', el('strong', { id: 'granularity', text: '…' }),
      ' · platform ', el('strong', { id: 'platform', text: '…' }),
      el('span', { id: 'runner-error', className: 'error' }));
    root.append(el('h1', { text: 'MemMap Lab' }), info, this.buildForm(), this.buildButtons(), this.status, divider());
    const live = el('section', { className: 'live' });
    const left = el('div', { className: 'live-left' }, el('h2', { text: 'Counters' }), this.counters);
    const mapBox = el('div', { className: 'live-right' }, el('h2', { text: 'File map' }));
    live.append(left, mapBox);
    root.append(live);
    this.fileMap = new FileMap(mapBox);
    const chartGrid = el('section', { className: 'charts', id: 'charts' });
    root.append(el('h2', { text: 'Live charts' }),
      el('div', { className: 'buttons' }, button('export-png', 'Save charts as PNG', () => vscode.postMessage({ type: 'exportPng', dataUrl: this.charts.toPng() }))),
      chartGrid);
    this.charts = new LiveCharts(chartGrid);
    root.append(el('h2', { text: 'History and comparison' }), this.historyBox);
    this.renderCounters(undefined);
    this.updateButtons();
    window.addEventListener('message', (e: MessageEvent) => this.onMessage(e.data as ToWebview));
    vscode.postMessage({ type: 'ready' });
  }

  private buildForm(): HTMLElement {
    const form = el('section', { className: 'form', id: 'form' });
    const f = this.saved.form ?? {};
    const str = (k: keyof RunParameters) => String(f[k] ?? this.defaults[k] ?? '');
    const add = (key: keyof RunParameters, control: Control<string> | Control<boolean>) => {
      this.controls[key] = control;
      const err = el('div', { className: 'error', id: `err-${key}` });
      err.setAttribute('role', 'alert');
      this.errors[key] = err;
      control.onChange(() => this.validateForm());
      form.append(el('div', { className: 'field-box' }, control.element, err));
    };
    const opts = (xs: readonly (string | number)[]) => xs.map((x) => ({ value: String(x), label: String(x) }));
    add('scenario', dropdown('scenario', 'Scenario', opts(SCENARIOS), str('scenario')));
    add('mode', dropdown('mode', 'Mode', [{ value: 'pagefile', label: 'page file' }, { value: 'disk', label: 'disk file' }].filter((o) => (MODES as readonly string[]).includes(o.value)), str('mode')));
    add('viewSize', textField('viewSize', 'View size', formatInput(str('viewSize'))));
    add('initialFileSize', textField('initialFileSize', 'Initial file size', formatInput(str('initialFileSize'))));
    add('granularity', textField('granularityInput', 'Granularity', formatInput(str('granularity'))));
    add('items', textField('items', 'Items', str('items')));
    add('offsetBits', dropdown('offsetBits', 'Offset bits', opts([32, 64]), str('offsetBits')));
    add('growth', dropdown('growth', 'Growth', opts(GROWTHS), str('growth')));
    add('view', dropdown('view', 'View', opts(VIEWS), str('view')));
    add('prefault', checkbox('prefault', 'Prefault', f.prefault === true));
    form.append(this.estimateNote, this.granularityNote);
    return form;
  }

  private buildButtons(): HTMLElement {
    const bar = el('div', { className: 'buttons', id: 'buttons' });
    const add = (id: string, label: string, action: () => void, primary = false) => {
      const b = button(id, label, action, primary ? 'primary' : 'secondary');
      this.buttons[id] = b;
      bar.append(b);
    };
    add('run', 'Run', () => this.run(false), true);
    add('pause', 'Pause', () => vscode.postMessage({ type: this.state === 'paused' || this.state === 'pausing' ? 'resume' : 'pause' }));
    add('step', 'Step', () => this.step({ type: 'step', count: 1 }));
    add('step-remap', 'Step to next remap', () => this.step({ type: 'step', until: 'mapView' }));
    add('stop', 'Stop', () => vscode.postMessage({ type: 'stop' }));
    add('reset', 'Reset', () => this.reset());
    return bar;
  }

  private formValues(): Record<string, unknown> {
    const v: Record<string, unknown> = {};
    for (const [k, c] of Object.entries(this.controls)) v[k] = c.get();
    return v;
  }

  /** Inline validation with the same rules the extension applies again. */
  private validateForm(): RunParameters | undefined {
    const values = this.formValues();
    this.saved.form = values as Record<string, string | boolean>;
    vscode.setState(this.saved);
    for (const e of Object.values(this.errors)) e.textContent = '';
    const v = validateParameters(values, this.runner?.pageSize ?? 4096, this.defaults, FIELD_LABELS);
    if (!v.ok) {
      this.showErrors(v.errors);
      this.estimateNote.textContent = '';
      return undefined;
    }
    this.estimateNote.textContent = describeEstimate(v.value);
    return v.value;
  }

  private showErrors(errors: readonly FieldError[]): void {
    for (const e of errors) {
      const box = this.errors[e.field] ?? this.errors.scenario;
      box.textContent = box.textContent ? `${box.textContent} ${e.message}` : e.message;
    }
  }

  private run(paused: boolean): void {
    const p = this.validateForm();
    if (!p) return;
    vscode.postMessage({ type: 'run', parameters: p, paused });
  }

  private step(msg: FromWebview): void {
    if (this.state === 'idle') {
      // Step from the start: a paused run, then this step once it is paused.
      this.pendingStep = msg;
      this.run(true);
      return;
    }
    vscode.postMessage(msg);
  }

  private reset(): void {
    vscode.postMessage({ type: 'reset' });
    this.current = undefined;
    this.ended = true;
    this.pendingStep = undefined;
    this.setStatus('idle');
    this.charts.reset([]);
    this.fileMap.reset();
    this.renderCounters(undefined);
    for (const [k, c] of Object.entries(this.controls)) {
      const d = this.defaults[k as keyof RunParameters];
      if (typeof d === 'boolean') (c as Control<boolean>).set(d);
      else (c as Control<string>).set(k.endsWith('Size') || k === 'granularity' ? formatInput(String(d)) : String(d ?? ''));
    }
    this.validateForm();
  }

  private onMessage(m: ToWebview): void {
    switch (m.type) {
      case 'init':
        this.defaults = m.defaults;
        if (m.runner) this.setRunner(m.runner);
        this.setRunnerError(m.runnerError);
        this.history = m.history;
        this.current = m.current;
        this.ended = !m.current || !!(m.current.result || m.current.error);
        this.state = m.state;
        // Every section from the same record: all show the current (or last) run, or all are clear.
        this.charts.reset(m.current?.samples ?? []);
        this.fileMap.reset();
        if (m.current?.samples.length) this.fileMap.setCounters(m.current.samples.at(-1)!.counters);
        this.renderCounters(m.current?.samples.at(-1));
        this.setStatus(m.current ? this.recordStatus(m.current, m.state) : 'idle');
        if (m.current?.error && m.current.error.code !== 'cancelled') this.status.classList.add('failed');
        this.renderHistory();
        this.updateButtons();
        break;
      case 'runner':
        this.setRunner(m.runner);
        this.setRunnerError(undefined);
        break;
      case 'runnerError':
        this.setRunnerError(m.message);
        break;
      case 'runStarted':
        this.current = m.record;
        this.ended = false;
        this.charts.reset([]);
        this.fileMap.reset();
        this.renderCounters(undefined);
        this.setStatus(`running ${m.record.label}`);
        break;
      case 'sample':
        this.current?.samples.push(m);
        if (this.state === 'running') this.setStatus(`running: operation ${m.ops.toLocaleString('en-US')}, ${m.items.toLocaleString('en-US')} of ${m.itemsTotal.toLocaleString('en-US')} items (${m.phase})`);
        this.charts.add(m);
        this.fileMap.setCounters(m.counters);
        this.renderCounters(m);
        break;
      case 'event':
        this.fileMap.addEvents(m.events);
        break;
      case 'state':
        this.state = m.state;
        this.updateButtons();
        if (m.state === 'paused' && this.pendingStep) {
          const s = this.pendingStep;
          this.pendingStep = undefined;
          vscode.postMessage(s);
        }
        // 'idle' comes first, then the result once the runner has cleaned up.
        if (m.state === 'idle') this.setStatus(this.current && !this.ended ? 'stopped: cleaning up…' : 'idle');
        else this.setStatus(`${m.state} at operation ${m.ops.toLocaleString('en-US')}`);
        break;
      case 'runEnded': {
        const r = m.record;
        this.ended = true;
        this.setStatus(this.recordStatus(r, 'idle'));
        if (r.error && r.error.code !== 'cancelled') this.status.classList.add('failed');
        this.pendingStep = undefined;
        break;
      }
      case 'history':
        this.history = m.history;
        this.renderHistory();
        break;
      case 'invalid':
        this.pendingStep = undefined;
        this.showErrors([{ field: m.field as FieldError['field'], message: m.message }]);
        break;
      default:
        assertNever(m);
    }
  }

  /** The status line of a run record: how it ended, or what it is doing. */
  private recordStatus(r: RunRecord, state: RunState): string {
    if (r.result) return `done: ${r.label} in ${r.result.elapsedMs.toFixed(0)} ms, ${r.result.verified ? 'verified' : 'NOT verified'}`;
    if (r.error) return `ended: ${r.error.code}: ${r.error.message}`;
    const s = r.samples.at(-1);
    return `${state === 'idle' ? 'running' : state} ${r.label}${s ? ` at operation ${s.ops.toLocaleString('en-US')}` : ''}`;
  }

  private setRunner(h: HelloMessage): void {
    this.runner = h;
    document.getElementById('lib-version')!.textContent = h.libraryVersion;
    document.getElementById('page-size')!.textContent = String(h.pageSize);
    document.getElementById('granularity')!.textContent = String(h.granularity);
    document.getElementById('platform')!.textContent = `${h.platform}-${h.arch}`;
    this.granularityNote.textContent = `Sizes are multiples of the granularity (default ${formatSize(this.defaults.granularity)}, the seed's AllocationGranularity), itself a multiple of the OS page size (${formatSize(h.pageSize)}).`;
    this.validateForm();
  }

  private setRunnerError(message: string | undefined): void {
    document.getElementById('runner-error')!.textContent = message ? ` Runner: ${message}` : '';
  }

  private setStatus(text: string): void {
    this.status.classList.remove('failed');
    this.status.textContent = text;
  }

  private updateButtons(): void {
    const idle = this.state === 'idle';
    setButtonDisabled(this.buttons.run, !idle);
    setButtonDisabled(this.buttons.pause, idle);
    this.buttons.pause.textContent = this.state === 'paused' || this.state === 'pausing' ? 'Resume' : 'Pause';
    setButtonDisabled(this.buttons.stop, idle);
    for (const c of Object.values(this.controls)) c.setDisabled(!idle);
  }

  private renderCounters(s: SampleMessage | undefined): void {
    const rows: [string, string][] = s ? [
      ['operations', `${s.ops.toLocaleString('en-US')}${s.opsTotal ? ` / ~${s.opsTotal.toLocaleString('en-US')}` : ''}`],
      ['items', `${s.items.toLocaleString('en-US')} / ${s.itemsTotal.toLocaleString('en-US')} (${s.phase})`],
      ['allocs', n(s.counters.allocs)], ['deletions', n(s.counters.deletions)], ['recycled allocs', n(s.counters.recycledAllocs)],
      ['bytes allocated', formatBytes(s.counters.bytesAllocated)], ['bytes freed', formatBytes(s.counters.bytesFreed)],
      ['file maps', n(s.counters.fileMaps)], ['map views', n(s.counters.mapViews)], ['compactions', n(s.counters.compactions)],
      ['free-list bytes', formatBytes(s.counters.freeListBytes)], ['file size', formatBytes(s.counters.fileSize)],
      ['view', s.counters.viewLength ? `${formatBytes(s.counters.viewLength)} at ${s.counters.viewOffset.toLocaleString('en-US')}` : 'none'],
      ['resident', formatBytes(s.process.rssBytes)], ['virtual', formatBytes(s.process.virtualBytes)],
      ['minor faults', n(s.process.minorFaults)], ['major faults', n(s.process.majorFaults)], ['on disk', formatBytes(s.process.diskBytes)],
    ] : [['counters', 'no run yet']];
    this.counters.replaceChildren(...rows.map(([k, v]) => el('tr', {}, el('th', { text: k }), el('td', { text: v, className: `c-${k.replace(/\s+/g, '-')}` }))));
  }

  private renderHistory(): void {
    const box = this.historyBox;
    box.replaceChildren();
    if (this.history.length === 0) {
      box.append(el('p', { text: 'Finished runs appear here.' }));
      return;
    }
    const exportBar = el('div', { className: 'buttons' },
      button('export-json', 'Export JSON', () => vscode.postMessage({ type: 'exportHistory', format: 'json' })),
      button('export-csv', 'Export CSV', () => vscode.postMessage({ type: 'exportHistory', format: 'csv' })),
      button('compare-clear', 'Clear overlay', () => this.compare(undefined)));
    const table = el('table', { className: 'history', id: 'history-table' });
    table.append(el('tr', {}, ...['run', 'view', 'items', 'time', 'allocs', 'map views', 'file maps', 'file size', 'overlay'].map((h) => el('th', { text: h }))));
    for (const r of this.history.slice(0, 20)) {
      const cmp = button(`compare-${r.id}`, r.id === this.saved.compareId ? 'overlaid' : 'overlay', () => this.compare(r.id));
      table.append(el('tr', { className: 'h-run' },
        el('td', { text: `${r.label}${r.error ? ` (${r.error.code})` : ''}` }),
        el('td', { text: r.parameters.view === 'whole' ? 'whole' : formatSize(r.parameters.viewSize), className: 'h-view' }),
        el('td', { text: n(r.parameters.items), className: 'h-items' }),
        el('td', { text: r.result ? `${r.result.elapsedMs.toFixed(0)} ms` : '—' }),
        el('td', { text: r.result ? n(r.result.stats.allocs) : '—' }),
        el('td', { text: r.result ? n(r.result.stats.mapViews) : '—' }),
        el('td', { text: r.result ? n(r.result.stats.fileMaps) : '—' }),
        el('td', { text: r.result ? formatBytes(r.result.stats.fileSize) : '—' }),
        el('td', {}, cmp)));
    }
    box.append(exportBar, table, this.comparisonTable());
  }

  private compare(id: string | undefined): void {
    this.saved.compareId = id;
    vscode.setState(this.saved);
    const other = this.history.find((r) => r.id === id);
    this.charts.setOverlay(other?.label ?? '', other?.samples ?? []);
    this.renderHistory();
  }

  /** Side by side: the latest run against the overlaid one, with ratios. */
  private comparisonTable(): HTMLElement {
    const a = this.history[0];
    const b = this.history.find((r) => r.id === this.saved.compareId);
    if (!a?.result || !b?.result || a === b) return el('p', { id: 'comparison', text: 'Choose a run to overlay to compare it with the latest.' });
    const rows: [string, number, number][] = [
      ['elapsed ms', a.result.elapsedMs, b.result.elapsedMs],
      ['map views', a.result.stats.mapViews, b.result.stats.mapViews],
      ['file maps', a.result.stats.fileMaps, b.result.stats.fileMaps],
      ['file size', a.result.stats.fileSize, b.result.stats.fileSize],
      ['peak resident', a.result.process.peakRssBytes, b.result.process.peakRssBytes],
      ['minor faults', a.result.process.minorFaults, b.result.process.minorFaults],
    ];
    const t = el('table', { id: 'comparison', className: 'history' });
    t.append(el('tr', {}, el('th', { text: '' }), el('th', { text: a.label }), el('th', { text: b.label }), el('th', { text: 'ratio' })));
    for (const [k, x, y] of rows) t.append(el('tr', {}, el('th', { text: k }), el('td', { text: n(x) }), el('td', { text: n(y) }), el('td', { text: y ? (x / y).toFixed(2) : '—' })));
    return t;
  }
}

/** "Stores about 195.6 MiB; the file grows from 64.0 KiB to 256.0 MiB." — the preflight's figures, before Run. */
function describeEstimate(p: RunParameters): string {
  const est = estimateStoredBytes(p);
  const about = est.exact ? '' : 'about ';
  if (p.scenario === 'baseline') return `This run stores ${about}${formatBytes(est.bytes)} on the C heap (no file mapping).`;
  let file = p.initialFileSize;
  while (file <= est.bytes && file < largestFile(p.initialFileSize, p.offsetBits)) file *= 2;
  return `This run stores ${about}${formatBytes(est.bytes)} at its peak; the file grows from ${formatBytes(p.initialFileSize)} to ${est.exact ? '' : 'about '}${formatBytes(file)}.`;
}

function n(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

function formatInput(bytes: string): string {
  const v = Number(bytes);
  if (!Number.isFinite(v) || v <= 0) return bytes;
  for (const [u, s] of [['G', 1 << 30], ['M', 1 << 20], ['K', 1 << 10]] as const) if (v % s === 0) return `${v / s}${u}`;
  return bytes;
}

new App(document.getElementById('app')!);
