// The palette commands (category "MemMap"): Run Scenario..., Run All
// Scenarios, Stop, Step, Export Results, Refresh Tests. Open Visualizer is
// registered here too. Palette runs show a progress notification (share of
// items done) whose Cancel stops the runner at once.

import * as vscode from 'vscode';
import { DEFAULT_PARAMETERS } from '../../common/parameters';
import { assertNever, SCENARIOS, type Scenario } from '../../common/protocol';
import { runPlan, type PlanOutcome, type ScenarioPlan } from '../run/scenarioRunner';
import type { Settings } from '../settings';
import type { MemMapServices } from '../services';
import type { MemMapTestController } from '../testing/testController';
import type { ExportFormat } from './exportHistory';

export const COMMANDS = {
  openVisualizer: 'memmap.openVisualizer',
  runScenario: 'memmap.runScenario',
  runAll: 'memmap.runAll',
  stop: 'memmap.stop',
  step: 'memmap.step',
  exportResults: 'memmap.exportResults',
  refreshTests: 'memmap.refreshTests',
  compareRecordings: 'memmap.compareRecordings',
  openTestRecording: 'memmap.openTestRecording',
} as const;

export const CUSTOM_PLAN_ID = 'settings';
const customLabel = (): string => vscode.l10n.t('Custom from settings');

/** What a palette run resolves with (the integration tests read it). */
export interface PaletteRunResult {
  name: string;
  status: PlanOutcome['status'];
  message?: string;
  durationMs: number;
}

export function registerCommands(services: MemMapServices, tests: MemMapTestController): vscode.Disposable[] {
  const { controller } = services;
  return [
    vscode.commands.registerCommand(COMMANDS.openVisualizer, () => services.openVisualizer()),
    // The Test Explorer's "Open Recording" (its item's context menu and gutter): the results' path is
    // not a link in every host (code-server's Test Results), so the test item opens its recording itself.
    vscode.commands.registerCommand(COMMANDS.openTestRecording, (arg?: unknown) => openTestRecording(services, tests, arg)),
    vscode.commands.registerCommand(COMMANDS.runScenario, async (arg?: unknown) => {
      const plan = await pickPlan(services, tests, typeof arg === 'string' ? arg : undefined);
      if (!plan) return undefined;
      const [result] = await runWithProgress(services, [plan], plan.name);
      return result;
    }),
    vscode.commands.registerCommand(COMMANDS.runAll, async () => {
      await tests.ready;
      const plans = tests.plans().map((p) => p.plan);
      const results = await runWithProgress(services, plans, `all ${plans.length} scenarios`);
      if (results.length > 1) {
        const count = (s: string) => results.filter((r) => r.status === s).length;
        void vscode.window.showInformationMessage(vscode.l10n.t('MemMap: {0} passed, {1} failed, {2} cancelled of {3} scenarios.', count('passed'), count('failed') + count('errored'), count('cancelled'), plans.length));
      }
      return results;
    }),
    vscode.commands.registerCommand(COMMANDS.stop, () => {
      if (!controller.isRunning) {
        void vscode.window.showInformationMessage(vscode.l10n.t('MemMap: no run in progress; nothing to stop.'));
        return false;
      }
      controller.stop();
      return true;
    }),
    vscode.commands.registerCommand(COMMANDS.step, () => {
      if (!controller.isRunning) {
        void vscode.window.showInformationMessage(vscode.l10n.t('MemMap: no run in progress; nothing to step. Start a run (paused from the panel) first.'));
        return false;
      }
      controller.step({ count: 1 });
      return true;
    }),
    vscode.commands.registerCommand(COMMANDS.exportResults, async (...args: unknown[]) => {
      // Writes only where the user chose in the save dialog. A caller may
      // name the format ('csv' or 'json'); a file or URI it passes is ignored.
      const fmt = args.find((a): a is ExportFormat => a === 'csv' || a === 'json');
      if (args.some((a) => a !== undefined && a !== fmt)) {
        services.log.warn(`Export Results ignored the argument(s) ${args.filter((a) => a !== undefined && a !== fmt).map(describeArg).join(', ')}: it writes only where you choose in the save dialog.`);
      }
      if (controller.getHistory().length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('MemMap: no finished runs to export yet.'));
        return undefined;
      }
      const written = await services.exportHistory(fmt);
      if (written) void vscode.window.showInformationMessage(vscode.l10n.t('MemMap: exported {0} run(s) to {1}.', controller.getHistory().length, displayUri(vscode.Uri.parse(written))));
      return written;
    }),
    vscode.commands.registerCommand(COMMANDS.refreshTests, () => tests.discover()),
  ];
}

/** The "Custom from settings" plan: the settings' parameters with a scenario. */
export function customPlan(settings: Settings, scenario: Scenario): ScenarioPlan {
  return {
    id: CUSTOM_PLAN_ID, name: `Custom (${scenario})`, source: 'settings',
    raw: { ...settings.parameters, scenario }, defaults: DEFAULT_PARAMETERS, iterations: 1, budgets: settings.budgets,
  };
}

async function pickPlan(services: MemMapServices, tests: MemMapTestController, arg: string | undefined): Promise<ScenarioPlan | undefined> {
  await tests.ready;
  const plans = tests.plans().map((p) => p.plan);
  if (arg !== undefined) {
    const custom = /^(?:custom|settings)(?::(\w+))?$/i.exec(arg);
    if (custom) {
      const scenario = (custom[1] ?? services.settings().parameters.scenario) as Scenario;
      if (!SCENARIOS.includes(scenario)) throw new Error(`unknown scenario ${JSON.stringify(custom[1])}; allowed: ${SCENARIOS.join(', ')}`);
      return customPlan(services.settings(), scenario);
    }
    const plan = plans.find((p) => p.id === arg) ?? plans.find((p) => p.name === arg);
    if (!plan) throw new Error(`no scenario named ${JSON.stringify(arg)}; allowed: ${plans.map((p) => p.name).join(', ')}, custom`);
    return plan;
  }

  type Pick = vscode.QuickPickItem & { plan?: ScenarioPlan; custom?: true };
  const items: Pick[] = [{ label: vscode.l10n.t('Seed scenarios'), kind: vscode.QuickPickItemKind.Separator }];
  for (const p of plans.filter((x) => x.source === 'seed')) {
    items.push({ label: p.name, description: describeRaw(p), plan: p });
  }
  const workspace = plans.filter((x) => x.source === 'workspace');
  if (workspace.length > 0) {
    items.push({ label: vscode.l10n.t('Workspace scenarios'), kind: vscode.QuickPickItemKind.Separator });
    for (const p of workspace) {
      items.push({ label: p.name, description: p.error ? vscode.l10n.t('invalid') : describeRaw(p), detail: vscode.workspace.asRelativePath(vscode.Uri.parse(p.id.split('#')[0]), false), plan: p });
    }
  }
  items.push({ label: vscode.l10n.t('Settings'), kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: customLabel(), description: vscode.l10n.t('memmap.* settings'), custom: true });
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('MemMap: Run Scenario'), placeHolder: vscode.l10n.t('Pick a scenario to run'), matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.plan) return picked.plan;
  const scenario = await vscode.window.showQuickPick(SCENARIOS.map((s) => ({ label: s })), { title: vscode.l10n.t('MemMap: {0}', customLabel()), placeHolder: vscode.l10n.t('Which scenario?') });
  return scenario ? customPlan(services.settings(), scenario.label) : undefined;
}

function describeArg(a: unknown): string {
  if (a instanceof vscode.Uri) return a.toString();
  if (typeof a === 'string') return JSON.stringify(a.length > 80 ? `${a.slice(0, 80)}…` : a);
  return `(a ${a === null ? 'null' : typeof a})`;
}

function describeRaw(p: ScenarioPlan): string {
  const raw = { ...p.defaults, ...(p.raw as object) } as Record<string, unknown>;
  const items = typeof raw.items === 'number' ? raw.items.toLocaleString('en-US') : String(raw.items);
  return `${String(raw.scenario)} · ${String(raw.mode)} · ${vscode.l10n.t('{0} items', items)}${p.iterations > 1 ? ` × ${p.iterations}` : ''}`;
}

/** Runs plans one after another under one progress notification with Cancel. */
async function runWithProgress(services: MemMapServices, plans: readonly ScenarioPlan[], title: string): Promise<PaletteRunResult[]> {
  const { controller } = services;
  if (controller.isRunning) {
    void vscode.window.showWarningMessage(vscode.l10n.t('MemMap: a run is already in progress; stop it first (MemMap: Stop).'));
    return [];
  }
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('MemMap: {0}', title), cancellable: true },
    async (progress, token) => {
      const results: PaletteRunResult[] = [];
      let reported = 0;
      let index = 0;
      let iteration = 1;
      let iterations = 1;
      let name = '';
      const onSample = controller.onProgress((m) => {
        if (m.type !== 'sample') return;
        const share = m.itemsTotal > 0 ? Math.min(1, m.items / m.itemsTotal) : 0;
        const overall = (100 * (index + (iteration - 1 + share) / iterations)) / plans.length;
        const prefix = plans.length > 1 ? `${index + 1}/${plans.length} ` : '';
        const iter = iterations > 1 ? ` ${vscode.l10n.t('(iteration {0}/{1})', iteration, iterations)}` : '';
        progress.report({
          increment: Math.max(0, overall - reported),
          // The title names a single run already; several runs name each one.
          message: `${plans.length > 1 ? `${prefix}${name}${iter}: ` : iter ? `${iter.trim()}: ` : ''}${vscode.l10n.t('{0}% of {1} items ({2})', Math.floor(share * 100), m.itemsTotal.toLocaleString('en-US'), m.phase)}`,
        });
        reported = Math.max(reported, overall);
      });
      const onCancel = token.onCancellationRequested(() => {
        if (controller.isRunning) controller.stop();
      });
      try {
        for (index = 0; index < plans.length; index++) {
          const plan = plans[index];
          name = plan.name;
          if (token.isCancellationRequested) {
            results.push({ name, status: 'cancelled', message: 'cancelled before it started', durationMs: 0 });
            continue;
          }
          const admission = await services.admit(plan);
          if (!admission.ok) {
            results.push({ name, status: admission.status, message: admission.message, durationMs: 0 });
            if (plans.length === 1) {
              if (admission.status === 'errored') void vscode.window.showErrorMessage(vscode.l10n.t('MemMap: {0} cannot run: {1}', name, admission.message));
              else void vscode.window.showInformationMessage(vscode.l10n.t('MemMap: {0} was {1}.', name, admission.message));
            }
            continue;
          }
          const outcome = await runPlan(controller, plan, {
            isCancelled: () => token.isCancellationRequested,
            events: services.wantEvents(),
            onIteration: (i, of) => {
              iteration = i;
              iterations = of;
              progress.report({ message: `${plans.length > 1 ? `${index + 1}/${plans.length} ` : ''}${vscode.l10n.t('{0}: starting', name)}` });
            },
          });
          results.push({ name, status: outcome.status, message: outcome.message, durationMs: outcome.durationMs });
          if (outcome.status === 'failed') services.log.warn(`${name}: FAILED: ${outcome.message ?? 'failed'}`);
          if (outcome.status === 'errored') services.log.error(`${name}: ERROR: ${outcome.message ?? 'error'}`);
          if (plans.length === 1) report(name, outcome);
        }
      } finally {
        onSample.dispose();
        onCancel.dispose();
      }
      return results;
    },
  );
}

function report(name: string, outcome: PlanOutcome): void {
  switch (outcome.status) {
    case 'passed':
      vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('MemMap: {0} passed in {1} s', name, (outcome.durationMs / 1000).toFixed(1))}`, 5000);
      break;
    case 'cancelled':
      void vscode.window.showInformationMessage(vscode.l10n.t('MemMap: {0} was cancelled.', name));
      break;
    case 'failed':
    case 'errored':
      void vscode.window.showErrorMessage(vscode.l10n.t('MemMap: {0} failed: {1}', name, outcome.message ?? vscode.l10n.t('unknown error')));
      break;
    default:
      assertNever(outcome.status);
  }
}

/** Where a file was written, for a message: the path for a file on the extension host's machine, else the URI. */
export function displayUri(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString(true);
}

/** Opens the recording of a test's latest run in the recording editor; says so when there is none. Resolves with what it opened. */
async function openTestRecording(services: MemMapServices, tests: MemMapTestController, arg: unknown): Promise<string | undefined> {
  const id = typeof arg === 'string' ? arg
    : arg && typeof arg === 'object' && typeof (arg as { id?: unknown }).id === 'string' ? (arg as { id: string }).id : undefined;
  if (id === undefined) {
    void vscode.window.showInformationMessage(vscode.l10n.t('MemMap: choose a test in the Test Explorer (right-click it, Open Recording).'));
    return undefined;
  }
  const label = tests.findItem(id)?.label ?? id;
  const uri = tests.recordingOfTest(id);
  if (!uri) {
    void vscode.window.showInformationMessage(vscode.l10n.t('MemMap: {0} has no recording yet: run it first (every run is recorded).', label));
    return undefined;
  }
  await services.recordings.idle();
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    void vscode.window.showWarningMessage(vscode.l10n.t('MemMap: the recording of {0} is gone (deleted with its run from the history): run the test again.', label));
    return undefined;
  }
  await vscode.commands.executeCommand('vscode.openWith', uri, 'memmap.recording');
  return uri.toString();
}
