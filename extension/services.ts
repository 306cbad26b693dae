// The extension's services: what the panel, the Test Explorer and the
// commands share, made once by `activate` (extension.ts) and handed to each.
// It replaces the three overlapping host interfaces they had (PanelHost,
// TestHost, CommandHost). The logic `activate` used to hold lives here:
// reading the settings (and warning once per new invalid setting), the
// export's save dialog, the trust and size gate.

import * as vscode from 'vscode';
import * as path from 'node:path';
import { summaryLine } from '../common/format';
import type { BudgetRequest, RunParameters, RunRecord } from '../common/protocol';
import { RunController } from './run/runController';
import type { ScenarioPlan } from './run/scenarioRunner';
import { RunGate, userLevelValue, type Admission, type GateHost } from './run/trust';
import { exportHistory, type ExportFormat } from './commands/exportHistory';
import { readSettings, SETTINGS_SECTION, type Settings } from './settings';
import { WalkthroughProgress } from './walkthrough';
import { openHelp } from './panel/panelCommands';
import type { SampleMessage } from '../common/protocol';
import { runRecordFromRecording } from '../common/recording';
import { createRecordingStore, SAVE_RECORDING_COMMAND } from './recordings/saveRecording';
import { runsFromRecordings, type RecordingStore } from './recordings/recordingStore';

const HISTORY_KEY = 'memmap.history';
const FALLBACK_PAGE_SIZE = 4096;

export interface MemMapServices {
  readonly context: vscode.ExtensionContext;
  /** The MemMap output channel. */
  readonly log: vscode.LogOutputChannel;
  /** Owns every run's data and the runner (run/runController.ts). */
  readonly controller: RunController;
  /** The validated settings now in effect, with the warnings of the last read. */
  settings(): Settings;
  /** Reads the settings again (a change, trust granted, a folder added); warns once per new set of warnings. */
  reloadSettings(): Settings;
  /** The panel's run parameters when it sends none: the settings' (a copy). */
  defaults(): RunParameters;
  /** The budgets of the panel's runs (memmap.addressBudget, memmap.memoryBudget; issue 15). */
  budgets(): BudgetRequest;
  /** The runner's page size once known (4096 before). */
  pageSize(): number;
  /** Record events when a panel is there to draw them. */
  wantEvents(): boolean;
  /** Workspace trust and the size question, before each run (run/trust.ts). */
  admit(plan: ScenarioPlan): Promise<Admission>;
  /** The gate itself and its host (the test API swaps the host's `confirm`). */
  readonly gate: RunGate;
  readonly gateHost: GateHost;
  /** Asks where to save (a save dialog), writes there and logs it; the file written (a URI string), or undefined when cancelled. */
  exportHistory(format?: ExportFormat): Promise<string | undefined>;
  /** Opens the panel, or reveals the open one. */
  openVisualizer(): void;
  /** The README at the panel's section (the panel's "?", command memmap.openHelp). */
  openHelp(): void;
  /** The walkthrough's progress (walkthrough.ts): milestones set its context keys. */
  readonly walkthrough: WalkthroughProgress;
  /** Every run's recording in the extension's storage (issue 17). */
  readonly recordings: RecordingStore<vscode.Uri>;
  /** Where a run's recording is kept: each Test Explorer result links to it. */
  recordingOf(startedAt: number, id: string): vscode.Uri;
  /** Save Recording… for one run of the history. */
  saveRecording(id: string): Promise<void>;
  /** A run's curves from its recording; undefined when none is kept. */
  loadCurves(id: string): Promise<SampleMessage[] | undefined>;
}

/** What the services need from the panel, which is built on them. */
export interface PanelAccess {
  isOpen(): boolean;
  open(services: MemMapServices): void;
}

export function createServices(context: vscode.ExtensionContext, panel: PanelAccess): MemMapServices {
  const log = vscode.window.createOutputChannel('MemMap', { log: true });
  context.subscriptions.push(log);
  // Every run is recorded into the extension's storage (issue 17).
  const recordings = createRecordingStore(context, log);
  const controller = new RunController({
    record: (start) => recordings.begin(start),
    // A run the user deletes from the history (or clears) takes its recording with it.
    forget: (ids) => {
      for (const id of ids) void recordings.remove(id);
    },
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
    // Untrusted workspace: only the user's settings (run/trust.ts).
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

  // Workspace trust and the size question (run/trust.ts).
  const gateHost: GateHost = {
    isTrusted: () => vscode.workspace.isTrusted,
    pageSize,
    confirm: async (message, detail) =>
      (await vscode.window.showWarningMessage(message, { modal: true, detail }, vscode.l10n.t('Run'))) === vscode.l10n.t('Run'),
  };
  const gate = new RunGate(gateHost);

  const walkthrough = new WalkthroughProgress(controller, context.globalState);
  context.subscriptions.push(walkthrough);

  const services: MemMapServices = {
    context,
    log,
    controller,
    settings: () => settings,
    reloadSettings: () => (settings = loadSettings()),
    defaults: () => ({ ...settings.parameters }),
    budgets: () => ({ ...settings.budgets }),
    pageSize,
    wantEvents: () => panel.isOpen(),
    admit: (plan) => gate.admit(plan),
    gate,
    gateHost,
    async exportHistory(format) {
      // The exports are made from the recordings (their curves and ends), the history entry where none is kept.
      const written = await exportHistory(await runsFromRecordings(recordings, controller.getHistory()), {
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
      if (written) log.info(`exported ${controller.getHistory().length} run(s) to ${written}`);
      return written;
    },
    openVisualizer: () => panel.open(services),
    openHelp: () => void openHelp(context.extensionUri),
    walkthrough,
    recordings,
    recordingOf: (startedAt, id) => recordings.locationOf(startedAt, id),
    saveRecording: async (id) => {
      await vscode.commands.executeCommand(SAVE_RECORDING_COMMAND, id);
    },
    loadCurves: async (id) => {
      await recordings.idle();
      const rec = await recordings.read(id);
      if ('error' in rec) return undefined;
      return runRecordFromRecording(rec).samples;
    },
  };
  return services;
}
