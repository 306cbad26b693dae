// "MemMap: Compare Recording With…" (issue 17): two recordings in one webview
// panel, overlaid or side by side, their curves aligned by operation number or
// by time (the user picks), the ratios of their final figures, the parameters
// that differ marked. Opened from a recording editor (its title bar or its
// button), from the Explorer's context menu on two selected .memmaprun files,
// or from the command palette (two files picked).

import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { Disposable } from '../dispose';
import { buildHtml } from '../panel/panelHtml';
import { parseFromCompareView } from '../../common/messages';
import { assertNever, type Comparison, type ToCompareView } from '../../common/protocol';
import type { Alignment } from '../../common/compare';
import { buildComparison } from '../../common/recordingSummary';
import { RECORDING_EXTENSION } from '../../common/recording';
import { loadRecording, type LoadedRecording } from './recordingEditorProvider';

type Loaded = Extract<LoadedRecording, { ok: true }>;

/** What the integration tests see of an open comparison. */
export interface ComparisonState {
  a: string;
  b: string;
  by: Alignment;
  ready: boolean;
  comparison: Comparison;
  handleMessage(raw: unknown): void;
}

export class ComparePanel extends Disposable {
  static readonly viewType = 'memmap.compare';
  private static readonly open = new Set<ComparePanel>();
  private by: Alignment = 'ops';
  private ready = false;

  static show(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, a: Loaded, b: Loaded): ComparePanel {
    const panel = vscode.window.createWebviewPanel(ComparePanel.viewType, ComparePanel.title(a, b), vscode.ViewColumn.Active,
      ComparePanel.webviewOptions(context));
    return new ComparePanel(panel, context, log, a, b);
  }

  private static title(a: Loaded, b: Loaded): string {
    return vscode.l10n.t('Compare: {0} ↔ {1}', a.name, b.name);
  }

  private static webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')],
    };
  }

  /** A window reloaded with a comparison open: the two files are read again (the webview's state names them). */
  static register(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(ComparePanel.viewType, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        const files = restoredFiles(state);
        const loaded = files ? await Promise.all(files.map(loadRecording)) : [];
        const [a, b] = loaded;
        if (!a?.ok || !b?.ok) {
          const why = !files ? 'the comparison did not say which files it compared' : [a, b].filter((r) => !r.ok).map((r) => (r.ok ? '' : r.error)).join('; ');
          log.warn(`comparison not restored: ${why}`);
          panel.dispose();
          return;
        }
        panel.webview.options = ComparePanel.webviewOptions(context);
        panel.title = ComparePanel.title(a, b);
        const p = new ComparePanel(panel, context, log, a, b);
        const by = (state as { by?: unknown }).by;
        if (by === 'ops' || by === 'time') p.by = by;
      },
    });
  }

  static forTests(): ComparisonState[] {
    return [...ComparePanel.open].map((p) => ({
      a: p.a.uri.toString(), b: p.b.uri.toString(), by: p.by, ready: p.ready, comparison: p.comparison(),
      handleMessage: (raw: unknown) => p.onMessage(raw),
    }));
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly a: Loaded,
    private readonly b: Loaded,
  ) {
    super();
    ComparePanel.open.add(this);
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.svg');
    const root = vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview');
    panel.webview.html = buildHtml({
      cspSource: panel.webview.cspSource, nonce: randomBytes(16).toString('base64'),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'compare.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'style.css')).toString(),
      title: panel.title,
      l10n: { language: vscode.env.language, bundle: vscode.l10n.bundle },
    });
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
  }

  override dispose(): void {
    ComparePanel.open.delete(this);
    super.dispose();
    this.panel.dispose();
  }

  private comparison(): Comparison {
    return buildComparison(this.a, this.b, this.by);
  }

  private post(m: ToCompareView): void {
    void this.panel.webview.postMessage(m);
  }

  private onMessage(raw: unknown): void {
    const parsed = parseFromCompareView(raw);
    if (!parsed.ok) {
      this.log.warn(`comparison message rejected: ${parsed.reason}`);
      return;
    }
    const msg = parsed.value;
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        break;
      case 'align':
        this.by = msg.by as Alignment;
        break;
      default:
        assertNever(msg);
    }
    this.post({ type: 'comparison', comparison: this.comparison(), files: { a: this.a.uri.toString(), b: this.b.uri.toString() } });
  }
}

/** The two recordings a saved comparison names: URIs of .memmaprun files, or undefined. */
function restoredFiles(state: unknown): [vscode.Uri, vscode.Uri] | undefined {
  const files = (state as { files?: { a?: unknown; b?: unknown } } | undefined)?.files;
  const uri = (x: unknown): vscode.Uri | undefined => {
    if (typeof x !== 'string' || x.length > 4096) return undefined;
    try {
      const u = vscode.Uri.parse(x, true);
      return u.path.endsWith(RECORDING_EXTENSION) ? u : undefined;
    } catch {
      return undefined;
    }
  };
  const a = uri(files?.a);
  const b = uri(files?.b);
  return a && b ? [a, b] : undefined;
}

function filters(): Record<string, string[]> {
  return { [vscode.l10n.t('MemMap recordings')]: [RECORDING_EXTENSION.slice(1)] };
}

/**
 * The command: `(uri, uris)` from the Explorer (two selected files), `(uri)`
 * from an editor's title bar, nothing from the palette (the active recording
 * editor's file, or one picked, then the other picked).
 */
export async function compareRecordingsCommand(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  activeUri: () => vscode.Uri | undefined,
  arg?: unknown,
  selection?: unknown,
): Promise<ComparePanel | undefined> {
  const isUri = (x: unknown): x is vscode.Uri => x instanceof vscode.Uri;
  const selected = Array.isArray(selection) ? selection.filter(isUri) : [];
  let uris: vscode.Uri[];
  if (selected.length > 1) {
    if (selected.length !== 2) {
      void vscode.window.showErrorMessage(vscode.l10n.t('MemMap: select two .memmaprun files to compare, not {0}.', selected.length));
      return undefined;
    }
    uris = selected;
  } else {
    let first = isUri(arg) ? arg : activeUri();
    if (!first) {
      const picked = await vscode.window.showOpenDialog({ title: vscode.l10n.t('MemMap: Compare Recording — the first recording'), filters: filters(), canSelectMany: false, openLabel: vscode.l10n.t('Compare') });
      first = picked?.[0];
      if (!first) return undefined;
    }
    const second = await vscode.window.showOpenDialog({
      title: vscode.l10n.t('MemMap: Compare {0} With…', first.path.slice(first.path.lastIndexOf('/') + 1)), filters: filters(), canSelectMany: false,
      openLabel: vscode.l10n.t('Compare'), defaultUri: vscode.Uri.joinPath(first, '..'),
    });
    if (!second?.[0]) return undefined;
    uris = [first, second[0]];
  }
  const [a, b] = await Promise.all(uris.map(loadRecording));
  for (const r of [a, b]) {
    if (!r.ok) {
      log.warn(r.error);
      void vscode.window.showErrorMessage(vscode.l10n.t('MemMap: {0}', r.error));
      return undefined;
    }
  }
  return ComparePanel.show(context, log, a as Loaded, b as Loaded);
}
