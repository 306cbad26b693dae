// The MemMap Lab webview panel: sets its HTML once (strict CSP with a nonce,
// local resources only), forwards what the RunController says, and checks
// every message from the webview again before acting on it.

import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { Disposable } from '../dispose';
import { parseFromWebview, parseStep } from '../../common/messages';
import { errorsToText, FIELD_LABELS, validateParameters } from '../../common/parameters';
import { assertNever, type ToWebview } from '../../common/protocol';
import type { MemMapServices } from '../services';
import { buildHtml } from './panelHtml';
import type { PanelAction } from '../../common/panelActions';

export class VisualizerPanel extends Disposable {
  static readonly viewType = 'memmap.visualizer';
  private static current: VisualizerPanel | undefined;
  private ready = false;
  /** Messages from the webview that failed validation (each is logged). */
  rejectedMessages = 0;

  static createOrShow(services: MemMapServices): VisualizerPanel {
    if (VisualizerPanel.current) {
      VisualizerPanel.current.panel.reveal();
      return VisualizerPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(VisualizerPanel.viewType, vscode.l10n.t('MemMap Lab'), vscode.ViewColumn.Active,
      VisualizerPanel.webviewOptions(services.context));
    return new VisualizerPanel(panel, services);
  }

  static register(services: MemMapServices): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(VisualizerPanel.viewType, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        panel.webview.options = VisualizerPanel.webviewOptions(services.context);
        new VisualizerPanel(panel, services);
      },
    });
  }

  static get active(): VisualizerPanel | undefined {
    return VisualizerPanel.current;
  }

  private static webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')],
    };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly services: MemMapServices,
  ) {
    super();
    VisualizerPanel.current = this;
    // However it was opened (palette, the walkthrough's button, a restored window): the walkthrough's first step.
    services.walkthrough.mark('openedPanel');
    panel.iconPath = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'icon.svg');
    panel.webview.html = this.html();
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)));
    this.register(panel.onDidChangeViewState(() => {
      // Hidden panels get nothing; on return they get the full picture again.
      if (panel.visible) this.ready = false;
    }));
    this.register(services.controller.onUpdate((m) => this.post(m)));
    void services.controller.ensureRunner().catch((err: Error) => services.log.error(`runner: ${err.message}`));
  }

  override dispose(): void {
    if (VisualizerPanel.current === this) VisualizerPanel.current = undefined;
    super.dispose();
    this.panel.dispose();
  }

  private post(m: ToWebview): void {
    if (!this.ready || !this.panel.visible) return;
    void this.panel.webview.postMessage(m);
  }

  private sendSnapshot(): void {
    this.ready = true;
    void this.panel.webview.postMessage(this.services.controller.snapshot(this.services.defaults()));
    const events = this.services.controller.recentEventList();
    if (events.length > 0) void this.panel.webview.postMessage({ type: 'event', events, dropped: 0 });
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      this.rejectedMessages++;
      this.services.log.warn(`webview message rejected: ${parsed.reason}`);
      return;
    }
    const msg = parsed.value;
    const c = this.services.controller;
    switch (msg.type) {
      case 'ready':
        this.sendSnapshot();
        break;
      case 'run': {
        const v = validateParameters(msg.parameters, this.services.pageSize(), this.services.defaults(), FIELD_LABELS);
        if (!v.ok) {
          this.rejectedMessages++;
          for (const e of v.reason) this.post({ type: 'invalid', field: e.field, message: e.message });
          this.services.log.warn(`run rejected: ${errorsToText(v.reason)}`);
          return;
        }
        if (c.isRunning) {
          this.post({ type: 'invalid', field: 'parameters', message: vscode.l10n.t('a run is already in progress; stop it first') });
          return;
        }
        const paused = msg.paused === true;
        try {
          const outcome = await c.run(v.value, { events: true, paused, budgets: this.services.budgets() });
          // A budget's wall is an outcome the panel shows (status, marked on the chart), not a failure to pop up.
          if (outcome.error && outcome.error.code !== 'cancelled' && !outcome.budgetFailure) {
            // A crash or a failure: say so, and offer the same run again.
            const again = vscode.l10n.t('Run again');
            void vscode.window.showErrorMessage(vscode.l10n.t('MemMap run failed: {0}', outcome.error.message), again).then((choice) => {
              if (choice === again && !c.isRunning) void this.handleMessage({ type: 'run', parameters: v.value });
            });
          }
        } catch (err) {
          this.post({ type: 'runnerError', message: (err as Error).message });
        }
        break;
      }
      case 'pause': c.pause(); break;
      case 'resume': c.resume(); break;
      case 'stop': c.stop(); break;
      case 'step': {
        const s = parseStep(msg.count, msg.until);
        if (!s.ok) {
          this.rejectedMessages++;
          this.services.log.warn(`step rejected: ${s.reason}`);
          return;
        }
        if (!c.isRunning) {
          // A step with no run in progress is refused here: the panel itself starts a
          // paused run first (a `run` with paused) and steps once it is paused.
          this.post({ type: 'invalid', field: 'parameters', message: vscode.l10n.t('no run in progress: press Run or Step from the start') });
          return;
        }
        c.step(s.value);
        if (s.value.until === 'mapView') this.services.walkthrough.mark('steppedToRemap');
        break;
      }
      case 'reset':
        // Forget the last run (and stop one in progress): every section of every panel clears.
        c.reset();
        this.sendSnapshot();
        break;
      case 'deleteRun':
        if (!c.deleteRun(msg.id)) this.services.log.warn(`deleteRun: no run ${msg.id} in the history`);
        break;
      case 'clearHistory': {
        const n = c.getHistory().length;
        if (n === 0) break;
        const clear = vscode.l10n.t('Clear History');
        const question = n === 1 ? vscode.l10n.t('Clear the MemMap history (1 run)?') : vscode.l10n.t('Clear the MemMap history ({0} runs)?', n);
        const choice = await vscode.window.showWarningMessage(question, { modal: true }, clear);
        if (choice === clear) c.clearHistory();
        break;
      }
      case 'exportHistory':
        await this.services.exportHistory(msg.format as 'json' | 'csv');
        break;
      case 'exportPng':
        await this.savePng(msg.dataUrl);
        break;
      case 'openHelp':
        this.services.openHelp();
        break;
      case 'saveRecording':
        await this.services.saveRecording(msg.id);
        break;
      case 'loadCurves': {
        const samples = await this.services.loadCurves(msg.id);
        if (samples) this.post({ type: 'curves', id: msg.id, samples });
        else this.services.log.info(`no recording of run ${msg.id} is kept: its curves cannot be drawn`);
        break;
      }
      default:
        assertNever(msg);
    }
  }

  private async savePng(dataUrl: string): Promise<void> {
    const png = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
    const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    if (png.length < 8 || !png.subarray(0, 8).equals(signature)) {
      this.rejectedMessages++;
      this.services.log.warn('exportPng rejected: the data is not a PNG');
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('MemMap: Save Charts as PNG'),
      defaultUri: folder ? vscode.Uri.joinPath(folder, 'memmap-charts.png') : undefined,
      filters: { PNG: ['png'] },
    });
    if (!uri) return;
    await vscode.workspace.fs.writeFile(uri, png);
    this.services.log.info(`saved the charts (${png.length} bytes) to ${uri.scheme === 'file' ? uri.fsPath : uri.toString(true)}`);
  }

  /**
   * A panel keybinding (common/panelActions.ts): the panel presses its button, so
   * the key does what the click does (Run reads the form; a disabled button does nothing).
   * False when the panel is not ready to take it.
   */
  sendAction(action: PanelAction): boolean {
    if (!this.ready || !this.panel.visible) return false;
    void this.panel.webview.postMessage({ type: 'panelAction', action } satisfies ToWebview);
    return true;
  }

  /** Same path as messages from the webview; exposed for the hostile-message tests. */
  handleMessage(raw: unknown): Promise<void> {
    return this.onMessage(raw);
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const root = vscode.Uri.joinPath(this.services.context.extensionUri, 'dist', 'webview');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(root, 'style.css'));
    return buildHtml({
      cspSource: webview.cspSource, nonce, scriptUri: script.toString(), styleUri: style.toString(),
      l10n: { language: vscode.env.language, bundle: vscode.l10n.bundle },
    });
  }
}

