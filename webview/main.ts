// The MemMap Lab panel. It draws what the extension sends and sends back what
// the user asks for; the extension owns the data and validates everything.

import './l10nSetup';
import * as l10n from '@vscode/l10n';
import { el, vsCodeApi } from './dom';
import { assertNever, GROWTHS, MODES, SCENARIOS, VIEWS, type FromWebview, type HelloMessage, type RunParameters, type RunRecord, type RunState, type SampleMessage, type ToWebview } from '../common/protocol';
import { CHOICE_HELP, DEFAULT_PARAMETERS, estimateStoredBytes, FIELD_LABELS, FIELDS, fieldTooltip, formatSize, largestFile, parameterDifferences, validateParameters, type FieldError } from '../common/parameters';
import { actionTooltip, PANEL_ACTIONS } from '../common/panelActions';
import { button, checkbox, divider, dropdown, setButtonDisabled, textField, type Control } from './toolkit';
import { LiveCharts } from './charts';
import { FileMap } from './fileMap';
import { formatBytes, formatDuration } from '../common/format';
import { counterSpec, type SeedCounterKey } from '../common/counters';
import { counterText, phaseLabel, renderCounters } from './counters';
import { InsightViews } from './insight';

/** The counters of the history table and of the comparison, in their order. */
const HISTORY_COUNTERS = ['allocs', 'mapViews', 'fileMaps', 'fileSize'] as const satisfies readonly SeedCounterKey[];
const COMPARED_COUNTERS = ['mapViews', 'fileMaps', 'fileSize', 'bytesAllocated'] as const satisfies readonly SeedCounterKey[];

const vscode = vsCodeApi<FromWebview>();

interface SavedState {
  form?: Record<string, string | boolean>;
  compareId?: string;
}

class App {
  private runner: HelloMessage | undefined;
  private defaults: RunParameters = { ...DEFAULT_PARAMETERS };
  private state: RunState = 'idle';
  private current: RunRecord | undefined;
  private history: RunRecord[] = [];
  /** Curves read from recordings for runs whose history entry keeps none. */
  private readonly loadedCurves = new Map<string, SampleMessage[]>();
  private pendingStep: FromWebview | undefined;
  /** The current run has its result (or error). */
  private ended = true;
  /** The user pressed Stop (or Reset) on the current run. */
  private stopPressed = false;
  private sameOp: { ops: number; sinceMs: number } | undefined;
  private saved: SavedState = (vscode.getState() as SavedState | undefined) ?? {};
  private readonly controls: Record<string, Control<string> | Control<boolean>> = {};
  private readonly errors: Record<string, HTMLElement> = {};
  private readonly buttons: Record<string, HTMLElement> = {};
  private readonly charts: LiveCharts;
  private readonly fileMap: FileMap;
  private readonly insight: InsightViews;
  private readonly status = el('div', { id: 'run-status', className: 'status', text: l10n.t('idle') });
  /**
   * The one live region: state changes only (started, paused, resumed, done,
   * failed, stopped). The status line and the counters change up to 10 times a
   * second and are not live, or a screen reader would talk without end.
   */
  private readonly announcer = el('div', { id: 'announcer', className: 'sr-only' });
  private readonly counters = el('table', { id: 'counters', className: 'counters' });
  private readonly historyBox = el('div', { id: 'history' });
  private readonly granularityNote = el('span', { id: 'granularity-note', className: 'note' });
  private readonly estimateNote = el('span', { id: 'estimate', className: 'note' });
  private form!: HTMLElement;

  constructor(root: HTMLElement) {
    const info = el('div', { className: 'runner-info', id: 'runner-info' },
      l10n.t('Native library') + ' ', el('strong', { id: 'lib-version', text: '…' }),
      ` · ${l10n.t('page size')} `, el('strong', { id: 'page-size', text: '…' }),
      ` · ${l10n.t('OS allocation granularity')} `, el('strong', { id: 'granularity', text: '…' }),
      ` · ${l10n.t('platform')} `, el('strong', { id: 'platform', text: '…' }),
      el('span', { id: 'runner-error', className: 'error' }));
    this.announcer.setAttribute('role', 'status');
    this.announcer.setAttribute('aria-live', 'polite');
    this.announcer.setAttribute('aria-atomic', 'true');
    this.status.title = l10n.t('What the run is doing now, or how the last run ended.');
    const help = button('help', '?', () => vscode.postMessage({ type: 'openHelp' }));
    help.title = l10n.t('Help: open the README section on the panel and its controls.');
    help.setAttribute('aria-label', l10n.t('Help: open the README section on the panel'));
    const controlsHeading = el('div', { className: 'controls-heading' }, el('h2', { text: l10n.t('Parameters') }), help);
    root.append(el('h1', { text: 'MemMap Lab' }), info, controlsHeading, this.buildForm(), this.buildButtons(), this.status, this.announcer, divider());
    const live = el('section', { className: 'live' });
    const left = el('div', { className: 'live-left' }, el('h2', { text: l10n.t('Counters') }), this.counters);
    const mapBox = el('div', { className: 'live-right' }, el('h2', { text: l10n.t('File map') }));
    live.append(left, mapBox);
    root.append(live);
    this.fileMap = new FileMap(mapBox);
    const chartGrid = el('section', { className: 'charts', id: 'charts' });
    root.append(el('h2', { text: l10n.t('Live charts') }),
      el('div', { className: 'buttons' }, titled(button('export-png', l10n.t('Save charts as PNG'), () => vscode.postMessage({ type: 'exportPng', dataUrl: this.charts.toPng() })), l10n.t('Save the five charts as one PNG image, in the theme colours, where you choose.'))),
      chartGrid);
    this.charts = new LiveCharts(chartGrid);
    this.insight = new InsightViews(mapBox, left, chartGrid, this.charts);
    root.append(el('h2', { text: l10n.t('History and comparison') }), this.historyBox);
    this.renderCounters(undefined);
    this.updateButtons();
    window.addEventListener('message', (e: MessageEvent) => this.onMessage(e.data as ToWebview));
    vscode.postMessage({ type: 'ready' });
  }

  private buildForm(): HTMLElement {
    const form = el('section', { className: 'form', id: 'form' });
    this.form = form;
    const f = this.saved.form ?? {};
    const str = (k: keyof RunParameters) => String(f[k] ?? this.defaults[k] ?? '');
    const add = (key: keyof RunParameters, control: Control<string> | Control<boolean>) => {
      this.controls[key] = control;
      control.element.title = fieldTooltip(key);
      const err = el('div', { className: 'error', id: `err-${key}` });
      err.setAttribute('role', 'alert');
      this.errors[key] = err;
      control.onChange(() => this.validateForm());
      form.append(el('div', { className: 'field-box' }, control.element, err));
    };
    const opts = (xs: readonly (string | number)[], help: Readonly<Record<string, string>> = {}) => xs.map((x) => ({ value: String(x), label: String(x), title: help[String(x)] }));
    add('scenario', dropdown('scenario', l10n.t('Scenario'), opts(SCENARIOS), str('scenario')));
    add('mode', dropdown('mode', l10n.t('Mode'), [{ value: 'pagefile', label: l10n.t('page file'), title: CHOICE_HELP.mode.pagefile }, { value: 'disk', label: l10n.t('disk file'), title: CHOICE_HELP.mode.disk }].filter((o) => (MODES as readonly string[]).includes(o.value)), str('mode')));
    add('viewSize', textField('viewSize', l10n.t('View size'), formatInput(str('viewSize'))));
    add('initialFileSize', textField('initialFileSize', l10n.t('Initial file size'), formatInput(str('initialFileSize'))));
    add('granularity', textField('granularityInput', l10n.t('Granularity'), formatInput(str('granularity'))));
    add('items', textField('items', l10n.t('Items'), str('items')));
    add('offsetBits', dropdown('offsetBits', l10n.t('Offset bits'), opts([32, 64]), str('offsetBits')));
    add('growth', dropdown('growth', l10n.t('Growth'), opts(GROWTHS, CHOICE_HELP.growth), str('growth')));
    add('view', dropdown('view', l10n.t('View'), opts(VIEWS, CHOICE_HELP.view), str('view')));
    add('prefault', checkbox('prefault', l10n.t('Prefault'), f.prefault === true));
    // Issue 16: cold reads, where the parameters have it (common/parameters.ts FIELDS).
    if ((FIELDS as readonly string[]).includes('coldVerify')) {
      const cold = checkbox('coldVerify', l10n.t('Evict before verify (cold)'), f.coldVerify === true);
      cold.element.title = l10n.t('Write the file back and evict its pages from memory before the verify phase, so the read-back measures the disk, not the page cache.');
      add('coldVerify' as keyof RunParameters, cold);
    }
    form.append(this.estimateNote, this.granularityNote);
    return form;
  }

  private buildButtons(): HTMLElement {
    const bar = el('div', { className: 'buttons', id: 'buttons' });
    const add = (id: string, label: string, action: () => void, primary = false) => {
      const b = button(id, label, action, primary ? 'primary' : 'secondary');
      // The buttons with keys (common/panelActions.ts) say their key in the tooltip.
      const spec = PANEL_ACTIONS.find((a) => a.buttonId === id);
      if (spec) {
        b.title = actionTooltip(spec);
        b.setAttribute('aria-keyshortcuts', spec.keyLabel);
      }
      this.buttons[id] = b;
      bar.append(b);
    };
    add('run', l10n.t('Run'), () => this.run(false), true);
    add('pause', l10n.t('Pause'), () => vscode.postMessage({ type: this.state === 'paused' || this.state === 'pausing' ? 'resume' : 'pause' }));
    add('step', l10n.t('Step'), () => this.step({ type: 'step', count: 1 }));
    add('step-remap', l10n.t('Step to next remap'), () => this.step({ type: 'step', until: 'mapView' }));
    add('step-grow', l10n.t('Step to next growth'), () => this.step({ type: 'step', until: 'grow' }));
    add('stop', l10n.t('Stop'), () => {
      this.stopPressed = true;
      vscode.postMessage({ type: 'stop' });
    });
    add('reset', l10n.t('Reset'), () => this.reset());
    this.buttons['step-grow'].title = l10n.t('Run up to right after the next growth of the file and pause; on an idle panel, start a run in step mode.');
    this.buttons.reset.title = l10n.t('Stop a run in progress, put the form back to the defaults and clear every section.');
    // Issue 15: the same items as the heap baseline under the same budgets, overlaid on this run, the heap's wall marked.
    add('compare-heap', l10n.t('Compare with the heap'), () => this.compareWithHeap());
    this.buttons['compare-heap'].title = l10n.t('Run the same items as the heap baseline (with the same memmap.addressBudget / memoryBudget) and overlay this run on it');
    return bar;
  }

  /** The form shows these parameters (a run's), without saving them as the user's input. */
  private showParameters(p: RunParameters): void {
    for (const [k, c] of Object.entries(this.controls)) {
      const v = p[k as keyof RunParameters];
      if (typeof v === 'boolean') (c as Control<boolean>).set(v);
      else (c as Control<string>).set(k.endsWith('Size') || k === 'granularity' ? formatInput(String(v)) : String(v ?? ''));
    }
    for (const e of Object.values(this.errors)) e.textContent = '';
    this.estimateNote.textContent = l10n.t('Parameters of the run in progress (read-only until it ends). {0}', describeEstimate(p));
  }

  /** Back to what the user had typed (kept in the webview state). */
  private restoreForm(): void {
    const f = this.saved.form;
    if (!f) return;
    for (const [k, c] of Object.entries(this.controls)) {
      if (f[k] === undefined) continue;
      if (typeof f[k] === 'boolean') (c as Control<boolean>).set(f[k] as boolean);
      else (c as Control<string>).set(String(f[k]));
    }
    this.validateForm();
  }

  private formValues(): Record<string, unknown> {
    const v: Record<string, unknown> = {};
    for (const [k, c] of Object.entries(this.controls)) v[k] = c.get();
    return v;
  }

  /** Inline validation with the same rules the extension applies again. */
  private validateForm(): RunParameters | undefined {
    const values = this.formValues();
    // While a run goes the form shows that run's parameters: they are not the user's input to keep.
    if (this.ended) {
      this.saved.form = values as Record<string, string | boolean>;
      vscode.setState(this.saved);
    }
    for (const e of Object.values(this.errors)) e.textContent = '';
    const v = validateParameters(values, this.runner?.pageSize ?? 4096, this.defaults, FIELD_LABELS);
    if (!v.ok) {
      this.showErrors(v.reason);
      // The boxes under the fields are fixed in size (no reflow); a long message is read whole here.
      this.estimateNote.textContent = l10n.t('Not runnable: {0}', v.reason.map((e) => e.message).join('; '));
      this.estimateNote.classList.add('failed');
      return undefined;
    }
    this.estimateNote.classList.remove('failed');
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
    if (!p) {
      this.pendingStep = undefined;
      this.setStatus(l10n.t('not started: see the message under the field'));
      this.status.classList.add('failed');
      return;
    }
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

  /** The mapped run to overlay once the heap baseline started by "Compare with the heap" ends. */
  private pendingHeapCompare: string | undefined;

  private compareWithHeap(): void {
    const last = this.current;
    if (!last || !this.ended || last.parameters.scenario === 'baseline') {
      this.setStatus(l10n.t('Compare with the heap: run a mapped scenario first; its items then run as the heap baseline under the same budgets'));
      return;
    }
    this.pendingHeapCompare = last.id;
    vscode.postMessage({ type: 'run', parameters: { ...last.parameters, scenario: 'baseline' } });
  }

  private reset(): void {
    vscode.postMessage({ type: 'reset' });
    this.current = undefined;
    this.ended = true;
    this.pendingStep = undefined;
    this.setStatus(l10n.t('idle'));
    this.charts.reset([]);
    this.fileMap.reset();
    this.insight.reset(undefined);
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
        this.insight.reset(m.current);
        if (m.current?.samples.length) this.fileMap.setCounters(m.current.samples.at(-1)!.counters);
        this.renderCounters(m.current?.samples.at(-1));
        this.setStatus(m.current ? this.recordStatus(m.current, m.state) : l10n.t('idle'));
        if (m.current?.error && m.current.error.code !== 'cancelled') this.status.classList.add('failed');
        this.renderHistory();
        this.updateButtons();
        // A panel (re)opened while a run goes shows that run's parameters, read-only until it ends.
        if (m.current && !this.ended) this.showParameters(m.current.parameters);
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
        this.stopPressed = false;
        this.sameOp = undefined;
        this.showParameters(m.record.parameters);
        this.charts.reset([]);
        this.fileMap.reset();
        this.insight.reset(undefined);
        this.renderCounters(undefined);
        this.setStatus(l10n.t('running {0}', m.record.label));
        this.announce(l10n.t('Run started: {0}', m.record.label));
        break;
      case 'sample':
        this.current?.samples.push(m);
        if (!this.sameOp || this.sameOp.ops !== m.ops) this.sameOp = { ops: m.ops, sinceMs: m.elapsedMs };
        // One operation that lasts (a growth copies the whole file) says so, rather than sit on the same number.
        if (this.state === 'running') {
          const long = m.elapsedMs - this.sameOp.sinceMs >= 1000 ? ` ${l10n.t('(this operation has run {0})', formatDuration(m.elapsedMs - this.sameOp.sinceMs))}` : '';
          this.setStatus(l10n.t('running: operation {0}{1}, {2} of {3} items ({4})', m.ops.toLocaleString('en-US'), long, m.items.toLocaleString('en-US'), m.itemsTotal.toLocaleString('en-US'), phaseLabel(m.phase)));
        }
        else if (this.state === 'paused') this.setStatus(l10n.t('paused at operation {0}, {1} of {2} items ({3})', m.ops.toLocaleString('en-US'), m.items.toLocaleString('en-US'), m.itemsTotal.toLocaleString('en-US'), phaseLabel(m.phase)));
        this.charts.add(m);
        this.fileMap.setCounters(m.counters);
        this.insight.sample(m);
        this.renderCounters(m);
        break;
      case 'event':
        this.fileMap.addEvents(m.events);
        break;
      case 'state':
        if (m.state === 'paused' && this.state !== 'paused') this.announce(l10n.t('Paused at operation {0}', m.ops.toLocaleString('en-US')));
        if (m.state === 'running' && this.state === 'paused') this.announce(l10n.t('Resumed'));
        this.state = m.state;
        this.updateButtons();
        if (m.state === 'paused' && this.pendingStep) {
          const s = this.pendingStep;
          this.pendingStep = undefined;
          vscode.postMessage(s);
        }
        // 'idle' comes first, then the result once the runner has cleaned up.
        if (m.state === 'idle') {
          if (this.current && !this.ended) {
            const what = this.current.parameters.mode === 'disk' ? l10n.t('removing the file') : l10n.t('releasing the mapping');
            this.setStatus(this.stopPressed ? l10n.t('stopping: {0}…', what) : l10n.t('finishing: {0}…', what));
          } else if (!this.current) this.setStatus(l10n.t('idle'));
        }
        else this.setStatus(l10n.t('{0} at operation {1}', m.state, m.ops.toLocaleString('en-US')));
        break;
      case 'runEnded': {
        const r = m.record;
        this.ended = true;
        this.setStatus(this.recordStatus(r, 'idle'));
        this.insight.ended(r);
        this.announce(r.result && !r.error ? (r.result.verified ? l10n.t('Done: {0}, verified', r.label) : l10n.t('Done: {0}, NOT verified', r.label))
          : r.error?.code === 'cancelled' ? l10n.t('Stopped: {0}', r.label) : l10n.t('Failed: {0}: {1}', r.label, r.error?.message ?? l10n.t('no result')));
        // A budget's wall is marked where the run stopped (issue 15).
        this.charts.markWall(r.budgetFailure
          ? (r.parameters.scenario === 'baseline' ? l10n.t('the heap\'s wall: item {0}', n(r.budgetFailure.atItem)) : l10n.t('the run\'s wall: item {0}', n(r.budgetFailure.atItem)))
          : undefined, r.samples.at(-1));
        if (this.pendingHeapCompare && r.parameters.scenario === 'baseline') {
          const mapped = this.pendingHeapCompare;
          this.pendingHeapCompare = undefined;
          // The history gets this run right after; the mapped run is in it already.
          queueMicrotask(() => this.compare(mapped));
        }
        this.restoreForm();
        if (r.error && r.error.code !== 'cancelled') this.status.classList.add('failed');
        this.pendingStep = undefined;
        break;
      }
      case 'history':
        this.history = m.history.map((r) => (r.samples.length === 0 ? { ...r, samples: this.loadedCurves.get(r.id) ?? [] } : r));
        this.renderHistory();
        break;
      case 'curves': {
        // A run beyond the last 10: its curves from its recording (issue 17).
        this.loadedCurves.set(m.id, m.samples);
        this.history = this.history.map((r) => (r.id === m.id ? { ...r, samples: m.samples } : r));
        if (this.saved.compareId === m.id) this.compare(m.id);
        break;
      }
      case 'invalid':
        this.pendingStep = undefined;
        this.showErrors([{ field: m.field as FieldError['field'], message: m.message }]);
        break;
      case 'panelAction': {
        // A key pressed while the panel has focus: the same as clicking the button (a disabled one does nothing).
        const spec = PANEL_ACTIONS.find((a) => a.action === m.action);
        if (spec) this.buttons[spec.buttonId]?.click();
        break;
      }
      default:
        assertNever(m);
    }
  }

  /** The status line of a run record: how it ended, or what it is doing. */
  private recordStatus(r: RunRecord, state: RunState): string {
    // A budget's wall keeps the counters reached in `result`, but the run ended at the wall (issue 15).
    if (r.error && r.budgetFailure) return l10n.t('ended: {0}: {1}', r.error.code, r.error.message);
    if (r.result) {
      const waited = r.endedAt !== undefined ? l10n.t('you waited {0}, ', formatDuration(r.endedAt - r.startedAt)) : '';
      return l10n.t('done: {0}, {1}; {2}the library ran {3}', r.label, r.result.verified ? l10n.t('verified') : l10n.t('NOT verified'), waited, formatDuration(r.result.elapsedMs));
    }
    if (r.error) return r.error.code === 'cancelled' ? l10n.t('ended: {0}', r.error.message) : l10n.t('ended: {0}: {1}', r.error.code, r.error.message);
    const s = r.samples.at(-1);
    const doing = state === 'paused' ? l10n.t('paused {0}', r.label) : state === 'pausing' ? l10n.t('pausing {0}', r.label) : l10n.t('running {0}', r.label);
    return s ? l10n.t('{0} at operation {1}', doing, s.ops.toLocaleString('en-US')) : doing;
  }

  private setRunner(h: HelloMessage): void {
    this.runner = h;
    document.getElementById('lib-version')!.textContent = h.libraryVersion;
    document.getElementById('page-size')!.textContent = String(h.pageSize);
    document.getElementById('granularity')!.textContent = String(h.granularity);
    document.getElementById('platform')!.textContent = `${h.platform}-${h.arch}`;
    this.granularityNote.textContent = l10n.t("Granularity is the heap's: the unit it maps views and grows the file in (default {0}, the seed's AllocationGranularity). It is not the OS allocation granularity in the header ({1}, what the OS aligns mappings to); it must be a multiple of the OS page size ({2}). View and file sizes are multiples of it.",
      formatSize(this.defaults.granularity), formatSize(h.granularity), formatSize(h.pageSize));
    this.validateForm();
  }

  private setRunnerError(message: string | undefined): void {
    document.getElementById('runner-error')!.textContent = message ? ` ${l10n.t('Runner: {0}', message)}` : '';
  }

  /** Says a state change once, through the live region. */
  private announce(text: string): void {
    this.announcer.textContent = text;
  }

  private setStatus(text: string): void {
    this.status.classList.remove('failed');
    this.status.textContent = text;
  }

  private updateButtons(): void {
    const idle = this.state === 'idle';
    setButtonDisabled(this.buttons.run, !idle);
    setButtonDisabled(this.buttons.pause, idle);
    this.buttons.pause.textContent = this.state === 'paused' || this.state === 'pausing' ? l10n.t('Resume') : l10n.t('Pause');
    setButtonDisabled(this.buttons.stop, idle);
    setButtonDisabled(this.buttons['compare-heap'], !idle || !this.current || this.current.parameters.scenario === 'baseline');
    this.form.classList.toggle('read-only', !idle);
    for (const c of Object.values(this.controls)) c.setDisabled(!idle);
  }

  private renderCounters(s: SampleMessage | undefined): void {
    renderCounters(this.counters, s);
  }

  private renderHistory(): void {
    const box = this.historyBox;
    box.replaceChildren();
    if (this.history.length === 0) {
      box.append(el('p', { text: l10n.t('Finished runs appear here.') }));
      return;
    }
    const exportBar = el('div', { className: 'buttons' },
      titled(button('export-json', l10n.t('Export JSON'), () => vscode.postMessage({ type: 'exportHistory', format: 'json' })), l10n.t('Save the history as JSON, where you choose.')),
      titled(button('export-csv', l10n.t('Export CSV'), () => vscode.postMessage({ type: 'exportHistory', format: 'csv' })), l10n.t('Save the history as CSV, one column per counter, where you choose.')),
      titled(button('compare-clear', l10n.t('Clear overlay'), () => this.compare(undefined)), l10n.t('Remove the overlaid run from the charts.')),
      titled(button('history-clear', l10n.t('Clear history'), () => vscode.postMessage({ type: 'clearHistory' })), l10n.t('Forget every finished run (after a confirmation).')));
    const table = el('table', { className: 'history', id: 'history-table' });
    table.append(el('tr', {}, ...[l10n.t('run'), l10n.t('started'), l10n.t('view'), l10n.t('items'), l10n.t('time (waited / library)'), ...HISTORY_COUNTERS.map((k) => counterSpec(k).label), '', '', ''].map((h) => el('th', { text: h }))));
    for (const [i, r] of this.history.slice(0, 20).entries()) {
      const cmp = button(`compare-${r.id}`, r.id === this.saved.compareId ? l10n.t('overlaid') : l10n.t('overlay'), () => this.compare(r.id));
      const del = button(`delete-${r.id}`, l10n.t('Delete'), () => vscode.postMessage({ type: 'deleteRun', id: r.id }));
      const save = button(`save-${r.id}`, l10n.t('Save…'), () => vscode.postMessage({ type: 'saveRecording', id: r.id }));
      save.title = l10n.t('Save the recording of this run (a .memmaprun file)');
      // Twenty rows of "overlay", "Delete" and "Save…": each button's name says which run it acts on.
      const which = l10n.t('run {0} ({1}, started {2})', i + 1, r.label, new Date(r.startedAt).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' }));
      cmp.setAttribute('aria-label', `${r.id === this.saved.compareId ? l10n.t('Overlaid') : l10n.t('Overlay')}: ${which}`);
      cmp.title = l10n.t('Draw this run dashed on the charts and compare it with the latest ({0}).', which);
      del.setAttribute('aria-label', l10n.t('Delete: {0}', which));
      del.title = l10n.t('Remove this run from the history ({0}).', which);
      save.setAttribute('aria-label', l10n.t('Save the recording: {0}', which));
      // An interrupted run has no result: its last sample holds the counters it reached.
      const stats = r.result?.stats ?? r.samples.at(-1)?.counters;
      const diffs = parameterDifferences(r.parameters, this.defaults);
      const outcome = r.error ? (r.error.message.startsWith('interrupted') ? ` — ${r.error.message}` : ` (${r.error.code === 'cancelled' ? l10n.t('cancelled') : r.error.code})`) : '';
      const waited = r.endedAt !== undefined ? formatDuration(r.endedAt - r.startedAt) : '—';
      table.append(el('tr', { className: 'h-run' },
        el('td', { className: 'h-label' }, el('span', { text: `${r.label}${outcome}` }), el('div', { className: 'h-params', text: diffs.length ? diffs.join(', ') : l10n.t('defaults') })),
        el('td', { text: new Date(r.startedAt).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' }), className: 'h-started' }),
        el('td', { text: r.parameters.view === 'whole' ? 'whole' : formatSize(r.parameters.viewSize), className: 'h-view' }),
        el('td', { text: n(r.parameters.items), className: 'h-items' }),
        el('td', { text: r.result ? `${waited} / ${formatDuration(r.result.elapsedMs)}` : waited, className: 'h-time' }),
        ...HISTORY_COUNTERS.map((k) => el('td', { text: stats ? counterText(counterSpec(k).unit, stats[k]) : '—' })),
        el('td', {}, cmp), el('td', {}, save), el('td', {}, del)));
    }
    const overlaid = this.history.find((r) => r.id === this.saved.compareId);
    const note = el('p', { id: 'overlay-note', className: 'note' });
    if (overlaid && overlaid.samples.length === 0) {
      note.textContent = l10n.t('The curves of "{0}" are read from its recording; without one (pruned, or a run from before recordings) the charts draw no overlay for it; its results stay in the tables.', overlaid.label);
    }
    box.append(exportBar, table, note, this.comparisonTable(), el('h3', { text: l10n.t('Where the time goes') }), this.insight.breakdown(this.history));
  }

  private compare(id: string | undefined): void {
    this.saved.compareId = id;
    vscode.setState(this.saved);
    const other = this.history.find((r) => r.id === id);
    // The history keeps curves for its last 10 runs; older ones come from their recordings.
    if (other && other.samples.length === 0 && !this.loadedCurves.has(other.id)) vscode.postMessage({ type: 'loadCurves', id: other.id });
    this.charts.setOverlay(other?.label ?? '', other?.samples ?? []);
    this.renderHistory();
  }

  /** Side by side: the latest run against the overlaid one, with ratios; per-run figures and process totals labelled apart. */
  private comparisonTable(): HTMLElement {
    const a = this.history[0];
    const b = this.history.find((r) => r.id === this.saved.compareId);
    if (!a?.result || !b?.result || a === b) return el('p', { id: 'comparison', text: l10n.t('Choose a run to overlay to compare it with the latest.') });
    type Kind = 'ms' | 'count' | 'bytes';
    const ra = a.result;
    const rb = b.result;
    const rows: [string, Kind, number | undefined, number | undefined][] = [
      [l10n.t('library time'), 'ms', ra.elapsedMs, rb.elapsedMs],
      ...COMPARED_COUNTERS.map((k): [string, Kind, number, number] => [counterSpec(k).label, counterSpec(k).unit, ra.stats[k], rb.stats[k]]),
      [l10n.t('peak resident (sampled, this run)'), 'bytes', ra.process.peakRssBytes, rb.process.peakRssBytes],
      [l10n.t('minor faults (this run)'), 'count', ra.process.minorFaults, rb.process.minorFaults],
      [l10n.t('major faults (this run)'), 'count', ra.process.majorFaults, rb.process.majorFaults],
      [l10n.t('peak resident (runner process total)'), 'bytes', ra.process.processTotals?.peakRssBytes, rb.process.processTotals?.peakRssBytes],
      [l10n.t('minor faults (runner process total)'), 'count', ra.process.processTotals?.minorFaults, rb.process.processTotals?.minorFaults],
    ];
    const show = (k: Kind, x: number | undefined) => (x === undefined ? '—' : k === 'ms' ? formatDuration(x) : k === 'bytes' ? formatBytes(x) : n(x));
    const t = el('table', { id: 'comparison', className: 'history' });
    t.append(el('tr', {}, el('th', { text: '' }), el('th', { text: a.label }), el('th', { text: b.label }), el('th', { text: l10n.t('ratio') })));
    for (const [k, kind, x, y] of rows) {
      t.append(el('tr', {}, el('th', { text: k }), el('td', { text: show(kind, x) }), el('td', { text: show(kind, y) }),
        el('td', { text: x !== undefined && y ? (x / y).toFixed(2) : '—' })));
    }
    return t;
  }
}

/** "Stores about 195.6 MiB; the file grows from 64.0 KiB to 256.0 MiB." — the preflight's figures, before Run. */
function describeEstimate(p: RunParameters): string {
  const est = estimateStoredBytes(p);
  const stored = est.exact ? formatBytes(est.bytes) : l10n.t('about {0}', formatBytes(est.bytes));
  if (p.scenario === 'baseline') return l10n.t('This run stores {0} on the C heap (no file mapping).', stored);
  let file = p.initialFileSize;
  while (file <= est.bytes && file < largestFile(p.initialFileSize, p.offsetBits)) file *= 2;
  return l10n.t('This run stores {0} at its peak; the file grows from {1} to {2}.', stored, formatBytes(p.initialFileSize), est.exact ? formatBytes(file) : l10n.t('about {0}', formatBytes(file)));
}

/** The element with a tooltip. */
function titled<T extends HTMLElement>(e: T, title: string): T {
  e.title = title;
  return e;
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
