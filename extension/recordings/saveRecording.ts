// The panel's recordings in VS Code (issue 17): the RecordingStore over
// vscode.workspace.fs in the extension's storage and "MemMap: Save Recording…"
// (the history read back from recordings is in recordingStore.ts).

import * as vscode from 'vscode';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { RECORDING_EXTENSION } from '../../common/recording';
import type { RunController } from '../run/runController';
import { RecordingStore, type StoreFs } from './recordingStore';

export const SAVE_RECORDING_COMMAND = 'memmap.saveRecording';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** StoreFs over vscode.workspace.fs: URIs only, so a remote or virtual storage works too. */
export const workspaceStoreFs: StoreFs<vscode.Uri> = {
  join: (dir, name) => vscode.Uri.joinPath(dir, name),
  list: async (dir) => {
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(dir);
    } catch {
      return []; // no recordings yet
    }
    const files = entries.filter(([, type]) => type === vscode.FileType.File);
    return Promise.all(files.map(async ([name]) => ({ name, size: (await vscode.workspace.fs.stat(vscode.Uri.joinPath(dir, name))).size })));
  },
  mkdir: async (dir) => {
    await vscode.workspace.fs.createDirectory(dir);
  },
  read: async (file) => vscode.workspace.fs.readFile(file),
  write: async (file, bytes) => {
    await vscode.workspace.fs.writeFile(file, bytes);
  },
  remove: async (file) => {
    await vscode.workspace.fs.delete(file, { useTrash: false });
  },
  gzip: async (bytes) => new Uint8Array(await gzipAsync(bytes)),
  gunzip: async (bytes) => new Uint8Array(await gunzipAsync(bytes)),
};

/** The store in this workspace's storage (the global storage without a workspace). */
export function createRecordingStore(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): RecordingStore<vscode.Uri> {
  const base = context.storageUri ?? context.globalStorageUri;
  return new RecordingStore(workspaceStoreFs, vscode.Uri.joinPath(base, 'recordings'), { log: (line) => log.info(line) });
}

/** A name for a file from a run's label: letters, digits, dot, dash, underscore. */
export function fileNameFor(label: string): string {
  const base = label.replace(/[^\w.-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 80) || 'run';
  return `${base}${RECORDING_EXTENSION}`;
}

/** "MemMap: Save Recording…": one run's recording (the latest when none is named) where the user picks, as plain NDJSON. */
export function registerSaveRecording(store: RecordingStore<vscode.Uri>, controller: RunController, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(SAVE_RECORDING_COMMAND, async (arg?: unknown, target?: unknown): Promise<string | undefined> => {
    await store.idle();
    const kept = await store.list();
    if (kept.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('MemMap: no recording to save yet: every run is recorded, so run a scenario first.'));
      return undefined;
    }
    const labels = new Map(controller.getHistory().map((r) => [r.id, r.label]));
    let id = typeof arg === 'string' ? arg : undefined;
    if (id !== undefined && !kept.some((k) => k.id === id)) {
      void vscode.window.showWarningMessage(vscode.l10n.t('MemMap: no recording of that run is kept (the newest {0} are).', kept.length));
      return undefined;
    }
    if (id === undefined) {
      const items = [...kept].reverse().map((k) => ({
        label: labels.get(k.id) ?? k.name,
        description: new Date(k.startedAt).toLocaleString(),
        detail: vscode.l10n.t('{0} KiB stored', (k.size / 1024).toFixed(0)),
        id: k.id,
      }));
      const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('MemMap: Save Recording…'), placeHolder: vscode.l10n.t('The run to save (newest first)') });
      if (!pick) return undefined;
      id = pick.id;
    }
    let uri: vscode.Uri | undefined;
    if (typeof target === 'string') {
      uri = vscode.Uri.parse(target); // the integration tests name the target instead of the dialog
    } else {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const name = fileNameFor(labels.get(id) ?? 'run');
      uri = await vscode.window.showSaveDialog({
        title: vscode.l10n.t('MemMap: Save Recording'),
        saveLabel: vscode.l10n.t('Save Recording'),
        defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
        filters: { [vscode.l10n.t('MemMap recording')]: ['memmaprun'] },
      });
    }
    if (!uri) return undefined;
    const bytes = await store.plainBytes(id);
    if (!bytes) return undefined;
    await vscode.workspace.fs.writeFile(uri, bytes);
    log.info(`saved the recording of ${labels.get(id) ?? id} (${bytes.length} bytes) to ${uri.toString(true)}`);
    return uri.toString();
  });
}
