// The panel's keyboard commands (common/panelActions.ts: Run, Pause/Resume,
// Step, Step to next remap, Stop; their keys in package.json work while the
// panel has focus) and MemMap: Open Help (the "?" beside the panel's controls).

import * as vscode from 'vscode';
import { PANEL_ACTIONS } from '../../common/panelActions';
import type { MemMapServices } from '../services';
import { VisualizerPanel } from './visualizerPanel';

export const OPEN_HELP_COMMAND = 'memmap.openHelp';
/** The README heading the "?" opens. */
export const HELP_HEADING = '### The panel — *MemMap: Open Visualizer*';

export function registerPanelCommands(services: MemMapServices): vscode.Disposable[] {
  return [
    ...PANEL_ACTIONS.map((a) => vscode.commands.registerCommand(a.command, () => {
      const panel = VisualizerPanel.active;
      if (!panel) {
        void vscode.window.showInformationMessage(vscode.l10n.t('MemMap: open the panel first (MemMap: Open Visualizer).'));
        return false;
      }
      return panel.sendAction(a.action);
    })),
    vscode.commands.registerCommand(OPEN_HELP_COMMAND, () => openHelp(services.context.extensionUri)),
  ];
}

/**
 * Opens the README at the panel's section: the text at that heading, then its
 * Markdown preview (which starts at the editor's first visible line). Returns
 * the README's URI.
 */
export async function openHelp(extensionUri: vscode.Uri): Promise<string> {
  const readme = vscode.Uri.joinPath(extensionUri, 'README.md');
  const doc = await vscode.workspace.openTextDocument(readme);
  const line = Math.max(0, doc.getText().split(/\r?\n/).findIndex((l) => l.trim() === HELP_HEADING));
  const at = new vscode.Range(line, 0, line, 0);
  const editor = await vscode.window.showTextDocument(doc, { preview: true, selection: at });
  editor.revealRange(at, vscode.TextEditorRevealType.AtTop);
  // The rendered README when the built-in Markdown extension is there; the text otherwise.
  await vscode.commands.executeCommand('markdown.showPreview').then(undefined, () => undefined);
  return readme.toString();
}
