// What `activate` returns: the hooks the VS Code suite (test/integration/suite)
// reaches the extension through, typed once as MemMapTestApi. Production code
// only constructs it (extension.ts); nothing in the extension calls it.

import type * as vscode from 'vscode';
import type { HelloMessage } from '../common/protocol';
import type { RecordingStore } from './recordings/recordingStore';
import type { RunController } from './run/runController';
import type { Settings } from './settings';
import type { RunStatusBar } from './panel/statusBar';
import type { MemMapTestController, TestNode, TestProfileName, TestResultSummary } from './testing/testController';
import type { GateHost, RunGate } from './run/trust';
import { VisualizerPanel } from './panel/visualizerPanel';
import type { RecordingEditorProvider, RecordingEditorState } from './recordings/recordingEditorProvider';
import { ComparePanel, type ComparisonState } from './recordings/comparePanel';
import type { WalkthroughMilestone, WalkthroughProgress } from './walkthrough';

/** The modal question of the trust and size gate; resolves true for Run. */
export type ConfirmRun = (message: string, detail: string) => Promise<boolean>;

export interface MemMapTestApi {
  /** What the runner reported about the native library (starts the runner). */
  getRunnerInfo(): Promise<{ libraryVersion: string; pageSize: number; granularity: number; platform: string }>;
  controller: RunController;
  /** The recordings of the runs (issue 17): every write started so far ended, and the list. */
  recordings: { idle(): Promise<void>; list(): Promise<{ id: string; name: string; size: number; uri: string }[]> };
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
  panelForTests(): { handleMessage(raw: unknown): Promise<void>; readonly rejectedMessages: number } | undefined;
  /**
   * The trust and size gate: whether the workspace counts as trusted, the
   * size above which a workspace scenario asks, and a stand-in for the modal
   * question (undefined: the real modal again).
   */
  /** The walkthrough's milestones reached in this window (their context keys are set). */
  walkthroughForTests(): WalkthroughMilestone[];
  gateForTests(): {
    isTrusted: boolean;
    limitBytes: number;
    setLimitBytes(bytes: number): void;
    setConfirm(confirm: ConfirmRun | undefined): void;
  };
  /** The open recording editors (issue 17): what each shows, and its message entry point. */
  recordingEditorsForTests(): RecordingEditorState[];
  /** The open comparisons of two recordings. */
  comparisonsForTests(): ComparisonState[];
}

/** What the test API reads; all of it built by `activate`. */
export interface TestApiParts {
  controller: RunController;
  settings(): Settings;
  tests: MemMapTestController;
  statusBar: RunStatusBar;
  gate: RunGate;
  /** The gate's host: its `confirm` is swapped for the stand-in while a test sets one. */
  gateHost: GateHost;
  isTrusted(): boolean;
  /** The panel's recording store (issue 17). */
  walkthrough: WalkthroughProgress;
  recordings: RecordingStore<vscode.Uri>;
  /** The *.memmaprun editor's provider. */
  recordingEditors: RecordingEditorProvider;
}

export function createTestApi(parts: TestApiParts): MemMapTestApi {
  const { controller, tests, statusBar, gate, gateHost } = parts;
  const realConfirm = gateHost.confirm;
  const { recordings } = parts;
  return {
    controller,
    recordings: {
      idle: () => recordings.idle(),
      list: async () => (await recordings.list()).map((r) => ({ id: r.id, name: r.name, size: r.size, uri: r.location.toString() })),
    },
    async getRunnerInfo() {
      const hello: HelloMessage = await controller.ensureRunner();
      return {
        libraryVersion: hello.libraryVersion,
        pageSize: hello.pageSize,
        granularity: hello.granularity,
        platform: hello.platform,
      };
    },
    getSettings: () => parts.settings(),
    testController: tests.ctrl,
    async listTests() {
      await tests.ready;
      return tests.listTests();
    },
    runTests: (ids, options) => tests.runTests(ids, options?.profile, options?.token),
    statusBarText: () => statusBar.text,
    panelForTests: () => VisualizerPanel.active,
    gateForTests: () => ({
      isTrusted: parts.isTrusted(),
      limitBytes: gate.limitBytes,
      setLimitBytes: (bytes) => { gate.limitBytes = bytes; },
      setConfirm: (confirm) => { gateHost.confirm = confirm ?? realConfirm; },
    }),
    recordingEditorsForTests: () => parts.recordingEditors.editorsForTests(),
    comparisonsForTests: () => ComparePanel.forTests(),
    walkthroughForTests: () => parts.walkthrough.milestones(),
  };
}

// The shapes the suite's assertions read, from the modules that define them.
export type { PaletteRunResult } from './commands/commands';
export type { TestNode, TestResultSummary } from './testing/testController';
