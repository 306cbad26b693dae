// MemMap Lab's entry point: registrations only. The services the features
// share are made once (services.ts); the panel (panel/), the Test Explorer
// (testing/), the status bar and the commands (commands/) are built on them.
// Native code never loads here; it runs in dist/runner.js.

import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { VisualizerPanel } from './panel/visualizerPanel';
import { RunStatusBar } from './panel/statusBar';
import { COMMANDS, registerCommands, type PaletteRunResult } from './commands/commands';
import { MemMapTestController } from './testing/testController';
import { createServices } from './services';
import { SETTINGS_SECTION } from './settings';
import { createTestApi, type MemMapTestApi } from './testApi';
import { registerSaveRecording } from './recordings/saveRecording';
import { RecordingEditorProvider } from './recordings/recordingEditorProvider';
import { ComparePanel, compareRecordingsCommand } from './recordings/comparePanel';
import { registerPanelCommands } from './panel/panelCommands';

export type { PaletteRunResult };

export function activate(context: vscode.ExtensionContext): MemMapTestApi {
  // The vscode-free modules (run/trust.ts, settings.ts, the test runners) and common/ (counters, tooltips,
  // parameter checks, recording summaries) translate with @vscode/l10n: the same bundle VS Code chose for
  // vscode.l10n. First thing, so that every word after it is in the display language (common/ reads its
  // words when they are shown; the runner process never configures it and stays English).
  l10n.config({ contents: vscode.l10n.bundle ?? {} });
  const services = createServices(context, {
    isOpen: () => VisualizerPanel.active !== undefined,
    open: (s) => void VisualizerPanel.createOrShow(s),
  });
  const tests = MemMapTestController.register(services);
  const statusBar = RunStatusBar.register(services.controller, COMMANDS.openVisualizer);
  // Recorded runs (issue 17): the *.memmaprun editor and the comparison; both only read, trusted or not.
  const recordingEditors = RecordingEditorProvider.register(context, {
    log: services.log,
    compare: (uri) => void vscode.commands.executeCommand(COMMANDS.compareRecordings, uri),
  });
  context.subscriptions.push(
    VisualizerPanel.register(services),
    recordingEditors.disposable,
    ComparePanel.register(context, services.log),
    vscode.commands.registerCommand(COMMANDS.compareRecordings, (arg?: unknown, selection?: unknown) =>
      compareRecordingsCommand(context, services.log, () => recordingEditors.provider.activeUri, arg, selection)),
    ...registerPanelCommands(services),
    registerSaveRecording(services.recordings, services.controller, services.log),
    tests,
    statusBar,
    ...registerCommands(services, tests),
    // Trust granted: the workspace's memmap.* settings now apply, and its scenarios run.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      services.log.info('workspace trusted: its memmap.* settings and *.memmap.json scenarios are in use now');
      services.reloadSettings();
      tests.onSettingsChanged();
      void tests.discover();
    }),
    // A relative memmap.diskDir resolves against the first folder.
    vscode.workspace.onDidChangeWorkspaceFolders(() => services.reloadSettings()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SETTINGS_SECTION)) return;
      services.reloadSettings();
      tests.onSettingsChanged();
    }),
  );

  // Only the VS Code suite uses what activate returns (testApi.ts).
  const { controller, gate, gateHost } = services;
  return createTestApi({
    controller, settings: () => services.settings(), tests, statusBar, gate, gateHost, isTrusted: () => vscode.workspace.isTrusted,
    recordings: services.recordings, recordingEditors: recordingEditors.provider, walkthrough: services.walkthrough,
  });
}

export function deactivate(): void {
  // Disposables in context.subscriptions end the runner.
}
