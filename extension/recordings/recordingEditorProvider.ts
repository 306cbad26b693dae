// The editor of `*.memmaprun` files (issue 17): a read-only custom editor that
// shows a recorded run with the panel's views and a timeline scrubber. The
// file is read through vscode.workspace.fs (any URI scheme); the extension keeps
// the recording and computes the state at each scrubbed position, the webview
// only draws. It only reads, so it works in untrusted workspaces too.

import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { Disposable } from '../dispose';
import { buildHtml, buildMessageHtml } from '../panel/panelHtml';
import { parseFromRecordingView } from '../../common/messages';
import { assertNever, type ToRecordingView } from '../../common/protocol';
import { readRecording, type Recording } from '../../common/recording';
import { Replay } from '../../common/replay';
import { summarizeRecording } from '../../common/recordingSummary';

export type LoadedRecording =
  | { ok: true; uri: vscode.Uri; name: string; recording: Recording }
  | { ok: false; uri: vscode.Uri; name: string; error: string };

function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1) || uri.toString();
}

/** Reads and parses a recording; never throws: a file that cannot be shown gives one message saying why. */
export async function loadRecording(uri: vscode.Uri): Promise<LoadedRecording> {
  const name = baseName(uri);
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (err) {
    return { ok: false, uri, name, error: vscode.l10n.t('{0} cannot be read: {1}', name, (err as Error).message) };
  }
  let r: Awaited<ReturnType<typeof readRecording>>;
  try {
    r = await readRecording(bytes);
  } catch (err) {
    return { ok: false, uri, name, error: vscode.l10n.t('{0} cannot be shown: {1}', name, (err as Error).message) };
  }
  return r.ok ? { ok: true, uri, name, recording: r.recording } : { ok: false, uri, name, error: vscode.l10n.t('{0} cannot be shown: {1}', name, r.error) };
}

/**
 * A recording, read again when its file changes: one still being written (a
 * run going, or the panel's store) is followed as it grows.
 */
class RecordingDocument extends Disposable implements vscode.CustomDocument {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(readonly uri: vscode.Uri, public loaded: LoadedRecording) {
    super();
    this.register(this.changed);
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), baseName(uri)), true, false, true));
    this.register(watcher.onDidChange(() => {
      // A writer appends a line at a time: read once it has paused for a moment.
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.reload(), 300);
    }));
  }

  private async reload(): Promise<void> {
    const next = await loadRecording(this.uri);
    if (this.closed) return;
    // A write caught half-way that cannot be read keeps what was shown; the next change reads it again.
    if (!next.ok && this.loaded.ok) return;
    this.loaded = next;
    this.changed.fire();
  }

  override dispose(): void {
    this.closed = true;
    clearTimeout(this.timer);
    super.dispose();
  }
}

/** What the integration tests see of an open recording editor. */
export interface RecordingEditorState {
  uri: string;
  /** Why the recording cannot be shown, when it cannot. */
  error?: string;
  /** The webview asked for the data (it is drawing). */
  ready: boolean;
  length: number;
  /** The timeline position last shown. */
  position: number;
  /** The operations done of the sample last shown. */
  ops?: number;
  active: boolean;
  /** Exactly the path the webview's messages take. */
  handleMessage(raw: unknown): void;
  rejectedMessages: number;
}

export interface RecordingEditorHost {
  log: vscode.LogOutputChannel;
  /** "Compare with…" from an editor: the recording to compare. */
  compare(uri: vscode.Uri): void;
}

class RecordingEditor extends Disposable {
  ready = false;
  position = -1;
  ops: number | undefined;
  rejectedMessages = 0;
  private replay: Replay | undefined;
  /** What the webview was given: the run's page (with its script), or a message page. */
  private page: 'run' | 'message' | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly doc: RecordingDocument,
    private readonly host: RecordingEditorHost,
    private readonly webviewRoot: vscode.Uri,
  ) {
    super();
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
    this.register(doc.onDidChange(() => this.render()));
    this.render();
  }

  /** The page for the document as it is now; a run already drawn gets the new data (at the new end if it was at the end). */
  private render(): void {
    const loaded = this.doc.loaded;
    const panel = this.panel;
    const wasAtEnd = this.replay !== undefined && this.position === this.replay.length - 1;
    this.replay = loaded.ok ? new Replay(loaded.recording) : undefined;
    const page = loaded.ok ? 'run' : 'message';
    if (page === 'run' && this.page === 'run') {
      if (wasAtEnd) this.position = -1;
      if (this.ready) this.onMessage({ type: 'ready' });
      return;
    }
    this.page = page;
    this.ready = false;
    panel.webview.options = { enableScripts: loaded.ok, localResourceRoots: [this.webviewRoot] };
    const style = panel.webview.asWebviewUri(vscode.Uri.joinPath(this.webviewRoot, 'style.css')).toString();
    if (!loaded.ok) {
      this.host.log.warn(loaded.error);
      panel.webview.html = buildMessageHtml({ cspSource: panel.webview.cspSource, styleUri: style, title: loaded.name, message: loaded.error, language: vscode.env.language });
      return;
    }
    panel.webview.html = buildHtml({
      cspSource: panel.webview.cspSource, nonce: randomBytes(16).toString('base64'), styleUri: style,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(this.webviewRoot, 'recording.js')).toString(), title: loaded.name,
      l10n: { language: vscode.env.language, bundle: vscode.l10n.bundle },
    });
  }

  get state(): RecordingEditorState {
    return {
      uri: this.doc.uri.toString(),
      ...(this.doc.loaded.ok ? {} : { error: this.doc.loaded.error }),
      ready: this.ready,
      length: this.replay?.length ?? 0,
      position: this.position,
      ...(this.ops !== undefined ? { ops: this.ops } : {}),
      active: this.panel.active,
      handleMessage: (raw) => this.onMessage(raw),
      rejectedMessages: this.rejectedMessages,
    };
  }

  private post(m: ToRecordingView): void {
    void this.panel.webview.postMessage(m);
  }

  private onMessage(raw: unknown): void {
    const parsed = parseFromRecordingView(raw);
    const loaded = this.doc.loaded;
    if (!parsed.ok || !loaded.ok || !this.replay) {
      this.rejectedMessages++;
      this.host.log.warn(`recording editor message rejected: ${parsed.ok ? 'the recording could not be read' : parsed.reason}`);
      return;
    }
    const msg = parsed.value;
    switch (msg.type) {
      case 'ready': {
        // A webview (re)loaded: the whole picture, then the state where it was (the end at first).
        this.ready = true;
        const positions: number[] = [];
        this.replay.timeline.forEach((t, i) => {
          if (t.kind === 'sample') positions.push(i);
        });
        this.post({
          type: 'recording', summary: summarizeRecording(loaded.recording, loaded.name), samples: loaded.recording.samples,
          length: this.replay.length, samplePositions: positions, lastOp: this.replay.opAt(this.replay.length - 1),
          ...(loaded.recording.end?.result ? { result: loaded.recording.end.result } : {}),
        });
        this.show(this.position < 0 ? this.replay.length - 1 : this.position);
        break;
      }
      case 'scrub':
        this.show(msg.op !== undefined ? this.replay.positionAtOp(msg.op as number) : msg.position as number);
        break;
      case 'compare':
        this.host.compare(this.doc.uri);
        break;
      default:
        assertNever(msg);
    }
  }

  private show(position: number): void {
    if (!this.replay || this.replay.length === 0) return;
    const frame = this.replay.frameAt(position);
    this.position = frame.position;
    this.ops = frame.sample?.ops;
    this.post({ type: 'frame', frame });
  }
}

export class RecordingEditorProvider implements vscode.CustomReadonlyEditorProvider<RecordingDocument> {
  static readonly viewType = 'memmap.recording';
  private readonly editors = new Set<RecordingEditor>();

  private constructor(private readonly context: vscode.ExtensionContext, private readonly host: RecordingEditorHost) {}

  static register(context: vscode.ExtensionContext, host: RecordingEditorHost): { provider: RecordingEditorProvider; disposable: vscode.Disposable } {
    const provider = new RecordingEditorProvider(context, host);
    const disposable = vscode.window.registerCustomEditorProvider(RecordingEditorProvider.viewType, provider, {
      supportsMultipleEditorsPerDocument: true,
      webviewOptions: { retainContextWhenHidden: false },
    });
    return { provider, disposable };
  }

  /** The recording of the active recording editor, if one is active. */
  get activeUri(): vscode.Uri | undefined {
    return [...this.editors].find((e) => e.panel.active)?.doc.uri;
  }

  editorsForTests(): RecordingEditorState[] {
    return [...this.editors].map((e) => e.state);
  }

  async openCustomDocument(uri: vscode.Uri): Promise<RecordingDocument> {
    return new RecordingDocument(uri, await loadRecording(uri));
  }

  resolveCustomEditor(doc: RecordingDocument, panel: vscode.WebviewPanel): void {
    const editor = new RecordingEditor(panel, doc, this.host, vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview'));
    this.editors.add(editor);
    const closed = panel.onDidDispose(() => {
      closed.dispose();
      this.editors.delete(editor);
      editor.dispose();
    });
  }
}
