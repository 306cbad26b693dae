// MemMap Lab's entry point: wires the run controller, the panel, the
// settings, the commands, the status bar and the Test Explorer to VS Code.
// Native code never loads here; it runs in dist/runner.js.

import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { RunController } from './runController';
import { VisualizerPanel, type PanelHost } from './visualizerPanel';
import { summaryLine } from '../common/format';
import type { RunParameters, RunRecord } from '../common/protocol';
import { readSettings, SETTINGS_SECTION, type Settings } from './settings';
import { COMMANDS, registerCommands, type PaletteRunResult } from './commands';
import { RunStatusBar } from './statusBar';
import { MemMapTestController } from './testController';
import { exportHistory, type ExportFormat } from './exportHistory';
import { RunGate, userLevelValue, type GateHost } from './trust';
import { createTestApi, type MemMapTestApi } from './testApi';

const HISTORY_KEY = 'memmap.history';
const FALLBACK_PAGE_SIZE = 4096;

export type { PaletteRunResult };

export function activate(context: vscode.ExtensionContext): MemMapTestApi {
  // The vscode-free modules (trust.ts) translate with @vscode/l10n: the same bundle VS Code chose for vscode.l10n.
  l10n.config({ contents: vscode.l10n.bundle ?? {} });
  const log = vscode.window.createOutputChannel('MemMap', { log: true });
  context.subscriptions.push(log);
  const controller = new RunController({
    runnerPath: path.join(context.extensionPath, 'dist', 'runner.js'),
    log: (line) => log.info(line),
    loadHistory: () => context.workspaceState.get<RunRecord[]>(HISTORY_KEY, []),
    saveHistory: (h) => void context.workspaceState.update(HISTORY_KEY, h),
  });
  context.subscriptions.push({ dispose: () => void controller.dispose() });
  const pageSize = (): number => controller.runner?.pageSize ?? FALLBACK_PAGE_SIZE;

  // Settings: one read, re-run on change; each invalid setting warns once.
  let lastWarnings = '';
  const loadSettings = (): Settings => {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    // Untrusted workspace: only the user's settings (trust.ts).
    const read = vscode.workspace.isTrusted ? (key: string) => config.get(key) : (key: string) => userLevelValue(config.inspect(key));
    const s = readSettings(read, pageSize(), { baseDir: folder?.scheme === 'file' ? folder.fsPath : undefined });
    const text = s.warnings.join('\n');
    if (text && text !== lastWarnings) {
      for (const w of s.warnings) log.warn(w);
      void vscode.window.showWarningMessage(vscode.l10n.t('MemMap: {0}', s.warnings.join(' ')), vscode.l10n.t('Open Settings')).then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', SETTINGS_SECTION);
      });
    }
    lastWarnings = text;
    return s;
  };
  let settings = loadSettings();

  context.subscriptions.push(controller.onUpdate((m) => {
    // Once the runner reports the real page size, validate the settings against it.
    if (m.type === 'runner') settings = loadSettings();
    // One summary line per finished run, wherever it was started from.
    if (m.type !== 'runEnded') return;
    const r = m.record;
    if (r.result) log.info(summaryLine(r.label, r.result, r.endedAt !== undefined ? r.endedAt - r.startedAt : undefined));
    if (r.error) (r.error.code === 'cancelled' ? log.info : log.warn).call(log, `${r.label}: ${r.error.code}: ${r.error.message}`);
  }));

  const exporter = (format?: ExportFormat): Promise<string | undefined> =>
    exportHistory(controller.getHistory(), {
      pickTarget: async (fmt) => {
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        const name = `memmap-results.${fmt ?? 'json'}`;
        const uri = await vscode.window.showSaveDialog({
          title: vscode.l10n.t('MemMap: Export Results'),
          saveLabel: vscode.l10n.t('Export'),
          defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
          filters: fmt === 'csv' ? { CSV: ['csv'] } : fmt === 'json' ? { JSON: ['json'] } : { JSON: ['json'], CSV: ['csv'] },
        });
        return uri?.toString();
      },
      writeFile: async (target, text) => {
        await vscode.workspace.fs.writeFile(vscode.Uri.parse(target), new TextEncoder().encode(text));
      },
    }, format);

  const host: PanelHost = {
    controller,
    defaults: (): RunParameters => ({ ...settings.parameters }),
    budgets: () => ({ ...settings.budgets }),
    log,
    pageSize,
    exportHistory: async (format) => {
      const written = await exporter(format);
      if (written) log.info(`exported ${controller.getHistory().length} run(s) to ${written}`);
    },
  };
  const openVisualizer = (): void => {
    VisualizerPanel.createOrShow(context, host);
  };

  // Workspace trust and the size question (trust.ts).
  const gateHost: GateHost = {
    isTrusted: () => vscode.workspace.isTrusted,
    pageSize,
    confirm: async (message, detail) => {
      const run = vscode.l10n.t('Run');
      return (await vscode.window.showWarningMessage(message, { modal: true, detail }, run)) === run;
    },
  };
  const gate = new RunGate(gateHost);
  const admit = gate.admit.bind(gate);

  const tests = MemMapTestController.register({
    controller,
    settings: () => settings,
    pageSize,
    wantEvents: () => VisualizerPanel.active !== undefined,
    log,
    admit,
  });
  const statusBar = RunStatusBar.register(controller, COMMANDS.openVisualizer);

  context.subscriptions.push(
    VisualizerPanel.register(context, host),
    tests,
    statusBar,
    ...registerCommands({
      controller,
      tests,
      settings: () => settings,
      openVisualizer,
      exportHistory: exporter,
      admit,
      wantEvents: () => VisualizerPanel.active !== undefined,
      log,
    }),
    // Trust granted: the workspace's memmap.* settings now apply, and its scenarios run.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('workspace trusted: its memmap.* settings and *.memmap.json scenarios are in use now');
      settings = loadSettings();
      tests.onSettingsChanged();
      void tests.discover();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      settings = loadSettings(); // a relative memmap.diskDir resolves against the first folder
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SETTINGS_SECTION)) return;
      settings = loadSettings();
      tests.onSettingsChanged();
    }),
  );

  // Only the VS Code suite uses what activate returns (testApi.ts).
  return createTestApi({ controller, settings: () => settings, tests, statusBar, gate, gateHost, isTrusted: () => vscode.workspace.isTrusted });
}

export function deactivate(): void {
  // Disposables in context.subscriptions end the runner.
}
