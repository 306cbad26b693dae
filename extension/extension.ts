// MemMap Lab's entry point: registrations only. The services the features
// share are made once (services.ts); the panel (panel/), the Test Explorer
// (testing/), the status bar and the commands (commands/) are built on them.
// Native code never loads here; it runs in dist/runner.js.

import * as vscode from 'vscode';
import type { HelloMessage } from '../common/protocol';
import type { RunController } from './run/runController';
import { VisualizerPanel } from './panel/visualizerPanel';
import { RunStatusBar } from './panel/statusBar';
import { COMMANDS, registerCommands, type PaletteRunResult } from './commands/commands';
import { MemMapTestController, type TestNode, type TestProfileName, type TestResultSummary } from './testing/testController';
import { createServices } from './services';
import { SETTINGS_SECTION, type Settings } from './settings';

export interface MemMapLabApi {
  /** What the runner reported about the native library (starts the runner). */
  getRunnerInfo(): Promise<{ libraryVersion: string; pageSize: number; granularity: number; platform: string }>;
  controller: RunController;
  /** The validated settings now in effect, with the warnings of the last read. */
  getSettings(): Settings;
  /** The Test Explorer controller and its tree as plain data. */
  testController: vscode.TestController;
  listTests(): Promise<TestNode[]>;
  /** Runs tests by id through the Test Explorer's run path (a real TestRun). */
  runTests(ids?: string[], options?: { profile?: TestProfileName; token?: vscode.CancellationToken }): Promise<TestResultSummary[]>;
  /** The status bar text while a run is in progress; undefined when idle. */
  statusBarText(): string | undefined;
  /**
   * The open panel's message entry point, exactly the path the webview's
   * messages take, and how many it rejected: for the hostile-message tests.
   */
  panelForTests(): { handleMessage(raw: unknown): Promise<void>; rejectedMessages: number } | undefined;
  /**
   * The trust and size gate (for the integration tests): whether the
   * workspace counts as trusted, the size above which a workspace scenario
   * asks, and a stand-in for the modal question (undefined: the real modal).
   */
  gateForTests(): {
    isTrusted: boolean;
    limitBytes: number;
    setLimitBytes(bytes: number): void;
    setConfirm(confirm: ((message: string, detail: string) => Promise<boolean>) | undefined): void;
  };
}

export type { PaletteRunResult };

export function activate(context: vscode.ExtensionContext): MemMapLabApi {
  const services = createServices(context, {
    isOpen: () => VisualizerPanel.active !== undefined,
    open: (s) => void VisualizerPanel.createOrShow(s),
  });
  const tests = MemMapTestController.register(services);
  const statusBar = RunStatusBar.register(services.controller, COMMANDS.openVisualizer);
  context.subscriptions.push(
    VisualizerPanel.register(services),
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

  const { controller, gate, gateHost } = services;
  const realConfirm = gateHost.confirm;
  return {
    controller,
    async getRunnerInfo() {
      const hello: HelloMessage = await controller.ensureRunner();
      return {
        libraryVersion: hello.libraryVersion,
        pageSize: hello.pageSize,
        granularity: hello.granularity,
        platform: hello.platform,
      };
    },
    getSettings: () => services.settings(),
    testController: tests.ctrl,
    async listTests() {
      await tests.ready;
      return tests.listTests();
    },
    runTests: (ids, options) => tests.runTests(ids, options?.profile, options?.token),
    statusBarText: () => statusBar.text,
    panelForTests: () => VisualizerPanel.active,
    gateForTests: () => ({
      isTrusted: vscode.workspace.isTrusted,
      limitBytes: gate.limitBytes,
      setLimitBytes: (bytes) => { gate.limitBytes = bytes; },
      setConfirm: (confirm) => { gateHost.confirm = confirm ?? realConfirm; },
    }),
  };
}

export function deactivate(): void {
  // Disposables in context.subscriptions end the runner.
}
