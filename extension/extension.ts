// MemMap Lab's entry point: wires the run controller, the panel and the
// commands to VS Code. Native code never loads here; it runs in dist/runner.js.

import * as vscode from 'vscode';
import * as path from 'node:path';
import { RunController } from './runController';
import { VisualizerPanel, type PanelHost } from './visualizerPanel';
import { DEFAULT_PARAMETERS } from './parameters';
import type { HelloMessage, RunParameters, RunRecord } from './protocol';

const HISTORY_KEY = 'memmap.history';

export interface MemMapLabApi {
  /** What the runner reported about the native library (starts the runner). */
  getRunnerInfo(): Promise<{ libraryVersion: string; pageSize: number; granularity: number; platform: string }>;
  controller: RunController;
}

export function activate(context: vscode.ExtensionContext): MemMapLabApi {
  const log = vscode.window.createOutputChannel('MemMap', { log: true });
  context.subscriptions.push(log);
  const controller = new RunController({
    runnerPath: path.join(context.extensionPath, 'dist', 'runner.js'),
    log: (line) => log.info(line),
    loadHistory: () => context.workspaceState.get<RunRecord[]>(HISTORY_KEY, []),
    saveHistory: (h) => void context.workspaceState.update(HISTORY_KEY, h),
  });
  context.subscriptions.push({ dispose: () => void controller.dispose() });

  const host: PanelHost = {
    controller,
    defaults: (): RunParameters => ({ ...DEFAULT_PARAMETERS }),
    log,
    pageSize: () => controller.runner?.pageSize ?? 4096,
    exportHistory: async () => undefined,
  };

  context.subscriptions.push(
    VisualizerPanel.register(context, host),
    vscode.commands.registerCommand('memmap.openVisualizer', () => {
      VisualizerPanel.createOrShow(context, host);
    }),
  );

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
  };
}

export function deactivate(): void {
  // Disposables in context.subscriptions end the runner.
}
