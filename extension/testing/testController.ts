// The Test Explorer: the seed's ten test methods under "Seed scenarios", and
// every scenario of the workspace's `*.memmap.json` files (discovered at start,
// watched), each with its range in the file so the editor shows run buttons.
// Two profiles: Run (run and verify) and Benchmark (N iterations, median and
// spread). Every run goes through the one RunController, so an open panel
// shows it live.

import * as vscode from 'vscode';
import * as path from 'node:path';
import { Disposable } from '../dispose';
import { DEFAULT_PARAMETERS } from '../../common/parameters';
import { assertNever, type RunParameters } from '../../common/protocol';
import { parseScenarioFile, type ScenarioEntry, type TextRange } from '../../common/scenarioFiles';
import { formatBenchmark, runPlan, type PlanStatus, type ScenarioPlan } from '../run/scenarioRunner';
import { SEED_TESTS, seedTestPlan, type SeedTest } from './seedTests';
import { BLOG_CLAIMS, GROUP_ID as CLAIMS_GROUP_ID, groupLabel as claimsGroupLabel, type BlogClaim } from './blogClaims';
import { runClaim } from './claimRunner';
import { resolveDirectory } from '../settings';
import type { MemMapServices } from '../services';

export const SCENARIO_GLOB = '**/*.memmap.json';
const SEED_GROUP_ID = 'seed';

type ItemData =
  | { kind: 'group' }
  | { kind: 'seed'; test: SeedTest }
  | { kind: 'claim'; claim: BlogClaim }
  | { kind: 'file'; uri: vscode.Uri; error?: { message: string; range: TextRange } }
  | { kind: 'scenario'; uri: vscode.Uri; entry: ScenarioEntry };

export type TestProfileName = 'run' | 'benchmark';

/** One test's result, as the API reports it to the integration tests. */
export interface TestResultSummary {
  id: string;
  label: string;
  status: PlanStatus | 'skipped';
  message?: string;
  durationMs: number;
  output: string;
}

export interface TestNode {
  id: string;
  label: string;
  description?: string;
  error?: string;
  range?: TextRange;
  children: TestNode[];
}

export class MemMapTestController extends Disposable {
  readonly ctrl: vscode.TestController;
  private readonly data = new WeakMap<vscode.TestItem, ItemData>();
  private readonly seedGroup: vscode.TestItem;
  /** Runs one at a time: the runner runs one scenario at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private discovery: Promise<void>;
  /** The recording of each test's latest run (by test id): what "Open Recording" opens. */
  private readonly latestRecording = new Map<string, vscode.Uri>();

  static register(services: MemMapServices): MemMapTestController {
    return new MemMapTestController(services);
  }

  private constructor(private readonly services: MemMapServices) {
    super();
    this.ctrl = this.register(vscode.tests.createTestController('memmap', vscode.l10n.t('MemMap')));
    this.seedGroup = this.ctrl.createTestItem(SEED_GROUP_ID, vscode.l10n.t('Seed scenarios'));
    this.seedGroup.sortText = '0';
    this.seedGroup.description = vscode.l10n.t('the ten tests of the blog\'s C# test project, with its parameters');
    this.data.set(this.seedGroup, { kind: 'group' });
    this.ctrl.items.add(this.seedGroup);
    this.seedGroup.children.replace(SEED_TESTS.map((test, i) => {
      const item = this.ctrl.createTestItem(`seed:${test.name}`, test.name);
      item.sortText = String(i).padStart(2, '0');
      this.data.set(item, { kind: 'seed', test });
      return item;
    }));
    this.refreshSeedDescriptions();

    // "The blog's claims" (issue 15): the heap's wall and the mapped file beyond it, in a 4 GiB address budget.
    const claims = this.ctrl.createTestItem(CLAIMS_GROUP_ID, claimsGroupLabel());
    claims.sortText = '01';
    claims.description = vscode.l10n.t('50 GB from a 4 GB process (Run: 8 GiB; Benchmark: 50 GiB)');
    this.data.set(claims, { kind: 'group' });
    this.ctrl.items.add(claims);
    claims.children.replace(BLOG_CLAIMS.map((claim, i) => {
      const item = this.ctrl.createTestItem(claim.id, claim.label);
      item.sortText = String(i).padStart(2, '0');
      item.description = claim.description('run');
      this.data.set(item, { kind: 'claim', claim });
      return item;
    }));

    this.register(this.ctrl.createRunProfile(vscode.l10n.t('Run'), vscode.TestRunProfileKind.Run,
      (request, token) => this.enqueue(request, token, 'run').then(() => undefined), true));
    this.register(this.ctrl.createRunProfile(vscode.l10n.t('Benchmark'), vscode.TestRunProfileKind.Run,
      (request, token) => this.enqueue(request, token, 'benchmark').then(() => undefined), false));
    this.ctrl.refreshHandler = () => this.discover();

    const watcher = this.register(vscode.workspace.createFileSystemWatcher(SCENARIO_GLOB));
    this.register(watcher.onDidCreate((uri) => void this.updateFromDisk(uri)));
    this.register(watcher.onDidChange((uri) => void this.updateFromDisk(uri)));
    this.register(watcher.onDidDelete((uri) => this.removeUnder(uri)));
    // A deleted folder is one event for the folder, which the glob does not match.
    this.register(vscode.workspace.onDidDeleteFiles((e) => e.files.forEach((uri) => this.removeUnder(uri))));
    // Unsaved edits move the gutter buttons too.
    this.register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (isScenarioFile(e.document.uri)) this.updateFromText(e.document.uri, e.document.getText());
    }));
    this.discovery = this.discover();
  }

  /** Resolves when the first workspace discovery is done. */
  get ready(): Promise<void> {
    return this.discovery;
  }

  /** Settings changed: item counts and disk directory of the seed tests, defaults of the scenarios. */
  onSettingsChanged(): void {
    this.refreshSeedDescriptions();
  }

  async discover(): Promise<void> {
    const files = await vscode.workspace.findFiles(SCENARIO_GLOB, '**/node_modules/**');
    const keep = new Set(files.map((f) => f.toString()));
    this.ctrl.items.forEach((item) => {
      if (item.id !== SEED_GROUP_ID && item.id !== CLAIMS_GROUP_ID && !keep.has(item.id)) this.ctrl.items.delete(item.id);
    });
    await Promise.all(files.map((f) => this.updateFromDisk(f)));
  }

  /** Removes the file items at or below uri. */
  private removeUnder(uri: vscode.Uri): void {
    const prefix = uri.toString();
    const gone: string[] = [];
    this.ctrl.items.forEach((item) => {
      if (item.id === prefix || item.id.startsWith(`${prefix}/`)) gone.push(item.id);
    });
    for (const id of gone) this.ctrl.items.delete(id);
  }

  private async updateFromDisk(uri: vscode.Uri): Promise<void> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) {
      this.updateFromText(uri, open.getText());
      return;
    }
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch (err) {
      this.updateFromText(uri, undefined, vscode.l10n.t('cannot read the file: {0}', (err as Error).message));
      return;
    }
    this.updateFromText(uri, text);
  }

  private scenarioDefaults(): RunParameters {
    const diskDir = this.services.settings().parameters.diskDir;
    return diskDir ? { ...DEFAULT_PARAMETERS, diskDir } : { ...DEFAULT_PARAMETERS };
  }

  private updateFromText(uri: vscode.Uri, text: string | undefined, readError?: string): void {
    const id = uri.toString();
    let file = this.ctrl.items.get(id);
    if (!file) {
      file = this.ctrl.createTestItem(id, vscode.workspace.asRelativePath(uri, false), uri);
      file.sortText = `1${file.label}`;
      this.ctrl.items.add(file);
    }
    const parsed = text === undefined
      ? { scenarios: [], error: { message: readError ?? vscode.l10n.t('cannot read the file'), range: zeroRange() } }
      : parseScenarioFile(text, this.services.pageSize(), this.scenarioDefaults(), { resolveDirectory: (dir) => resolveDirectory(dir, scenarioBaseDir(uri)) });
    this.data.set(file, { kind: 'file', uri, error: parsed.error });
    file.error = parsed.error ? vscode.l10n.t('Invalid scenario file: {0}', parsed.error.message) : undefined;
    file.range = parsed.error ? toRange(parsed.error.range) : undefined;
    const fileState = parsed.error ? vscode.l10n.t('invalid file') : vscode.l10n.t('{0} scenario(s)', parsed.scenarios.length);
    file.description = vscode.workspace.isTrusted ? fileState : vscode.l10n.t('{0} · runs once the workspace is trusted', fileState);
    const used = new Set<string>();
    file.children.replace(parsed.scenarios.map((entry) => {
      let childId = `${id}#${entry.name}`;
      if (used.has(childId)) childId += `@${entry.index}`;
      used.add(childId);
      const item = this.ctrl.createTestItem(childId, entry.name, uri);
      item.range = toRange(entry.range);
      item.sortText = String(entry.index).padStart(4, '0');
      item.description = entry.error
        ? vscode.l10n.t('invalid')
        : vscode.l10n.t('{0} · {1} · {2} items', `${entry.parameters?.scenario}`, `${entry.parameters?.mode}`, `${entry.parameters?.items.toLocaleString('en-US')}`) +
          (entry.iterations > 1 ? ` × ${entry.iterations}` : '');
      this.data.set(item, { kind: 'scenario', uri, entry });
      return item;
    }));
  }

  private refreshSeedDescriptions(): void {
    const s = this.services.settings();
    this.seedGroup.children.forEach((item) => {
      const d = this.data.get(item);
      if (d?.kind !== 'seed') return;
      const plan = seedTestPlan(d.test, s.seedTestsConfiguration, s.seedTestsItemScale);
      const p = plan.parameters;
      item.description = vscode.l10n.t('{0} · {1} · {2}-bit · {3} items', p.scenario, p.mode, p.offsetBits, p.items.toLocaleString('en-US')) +
        (plan.iterations > 1 ? ` × ${plan.iterations}` : '');
    });
  }

  /** The plan a leaf item runs, or undefined for a group. */
  planFor(item: vscode.TestItem): ScenarioPlan | undefined {
    const d = this.data.get(item);
    if (!d) return undefined;
    const s = this.services.settings();
    switch (d.kind) {
      case 'group':
      case 'claim': // runs through runClaim, with its budget
        return undefined;
      case 'seed': {
        const plan = seedTestPlan(d.test, s.seedTestsConfiguration, s.seedTestsItemScale, s.parameters.diskDir);
        return { id: item.id, name: d.test.name, source: 'seed', raw: plan.parameters, defaults: DEFAULT_PARAMETERS, iterations: plan.iterations };
      }
      case 'file':
        if (!d.error && item.children.size > 0) return undefined; // a group of scenarios
        return {
          id: item.id, name: item.label, source: 'workspace', raw: {}, defaults: DEFAULT_PARAMETERS, iterations: 1,
          error: d.error ? vscode.l10n.t('invalid scenario file: {0}', d.error.message) : vscode.l10n.t('the file holds no scenario'),
        };
      case 'scenario':
        return {
          id: item.id, name: d.entry.name, source: 'workspace', raw: d.entry.raw, defaults: this.scenarioDefaults(),
          iterations: d.entry.iterations, expect: d.entry.expect, error: d.entry.error, budgets: d.entry.budgets,
        };
      default:
        return assertNever(d);
    }
  }

  /** Every runnable item's plan, seed tests first (for the palette's quick pick). */
  plans(): Array<{ plan: ScenarioPlan; item: vscode.TestItem }> {
    return this.leaves(this.roots(), new Set()).flatMap((item) => {
      const plan = this.planFor(item);
      return plan ? [{ plan, item }] : [];
    });
  }

  /** The recording of the test's latest run in this window, if it ran. */
  recordingOfTest(id: string): vscode.Uri | undefined {
    return this.latestRecording.get(id);
  }

  findItem(id: string): vscode.TestItem | undefined {
    let found: vscode.TestItem | undefined;
    const visit = (c: vscode.TestItemCollection): void => c.forEach((item) => {
      if (found) return;
      if (item.id === id) found = item;
      else visit(item.children);
    });
    visit(this.ctrl.items);
    return found;
  }

  /** The tree as plain data (for the integration tests). */
  listTests(): TestNode[] {
    const toNode = (item: vscode.TestItem): TestNode => ({
      id: item.id,
      label: item.label,
      description: item.description,
      error: typeof item.error === 'string' ? item.error : item.error?.value,
      range: item.range
        ? { start: { line: item.range.start.line, character: item.range.start.character }, end: { line: item.range.end.line, character: item.range.end.character } }
        : undefined,
      children: sorted(item.children).map(toNode),
    });
    return sorted(this.ctrl.items).map(toNode);
  }

  /**
   * Runs tests by id through the same path as the Test Explorer (a real
   * TestRun). No ids = everything. Used by the integration tests; VS Code has
   * no API to start a test run programmatically.
   */
  runTests(ids: readonly string[] | undefined, profile: TestProfileName = 'run', token?: vscode.CancellationToken): Promise<TestResultSummary[]> {
    const items = ids?.map((id) => {
      const item = this.findItem(id);
      if (!item) throw new Error(`no test with id ${JSON.stringify(id)}`);
      return item;
    });
    const request = new vscode.TestRunRequest(items);
    return this.enqueue(request, token ?? new vscode.CancellationTokenSource().token, profile);
  }

  private enqueue(request: vscode.TestRunRequest, token: vscode.CancellationToken, profile: TestProfileName): Promise<TestResultSummary[]> {
    const next = this.queue.then(() => this.runHandler(request, token, profile)).then((summaries) => {
      this.services.walkthrough.testsRan(summaries);
      return summaries;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private roots(): vscode.TestItem[] {
    return sorted(this.ctrl.items);
  }

  /**
   * While a test runs, each run it starts gets a line in the test's output that links to
   * its recording (issue 17): the Test Results view opens the .memmaprun file from there.
   */
  private linkRecordings(run: vscode.TestRun, t: vscode.TestItem): { dispose(): void; text(): string } {
    const recordingOf = this.services.recordingOf;
    let text = '';
    const sub = recordingOf && this.services.controller.onUpdate((m) => {
      if (m.type !== 'runStarted') return;
      const uri = recordingOf(m.record.startedAt, m.record.id);
      this.latestRecording.set(t.id, uri);
      // The whole path: the results' terminal makes an absolute path a link that opens the file
      // (the location alone is not clickable there); the name ends it, so it is read at a glance.
      const where = uri.scheme === 'file' ? uri.fsPath : uri.toString();
      const line = `${vscode.l10n.t('Recording of {0}: {1}', m.record.label, where)}\r\n`;
      text += line;
      run.appendOutput(line, new vscode.Location(uri, new vscode.Position(0, 0)), t);
    });
    return { dispose: () => sub?.dispose(), text: () => text };
  }

  private leaves(items: readonly vscode.TestItem[], exclude: ReadonlySet<vscode.TestItem>): vscode.TestItem[] {
    const out: vscode.TestItem[] = [];
    const visit = (item: vscode.TestItem): void => {
      if (exclude.has(item)) return;
      if (item.children.size === 0) {
        if (this.data.get(item)?.kind !== 'group') out.push(item);
        return;
      }
      for (const child of sorted(item.children)) visit(child);
    };
    for (const item of items) visit(item);
    return out;
  }

  private async runHandler(request: vscode.TestRunRequest, token: vscode.CancellationToken, profile: TestProfileName): Promise<TestResultSummary[]> {
    await this.discovery.catch(() => undefined);
    const benchmark = profile === 'benchmark';
    const run = this.ctrl.createTestRun(request, benchmark ? vscode.l10n.t('MemMap benchmark') : vscode.l10n.t('MemMap'), true);
    const summaries: TestResultSummary[] = [];
    const { controller } = this.services;
    const stopOnCancel = token.onCancellationRequested(() => {
      if (controller.isRunning) controller.stop();
    });
    try {
      const tests = this.leaves(request.include ? [...request.include] : this.roots(), new Set(request.exclude ?? []));
      for (const t of tests) run.enqueued(t);
      for (const t of tests) {
        const summary = (status: TestResultSummary['status'], durationMs: number, output: string, message?: string): void => {
          summaries.push({ id: t.id, label: t.label, status, durationMs, output, message });
        };
        if (token.isCancellationRequested) {
          run.skipped(t);
          summary('skipped', 0, '', vscode.l10n.t('the test run was cancelled before this test started'));
          continue;
        }
        const item = this.data.get(t);
        const testRef = { id: t.id, label: t.label };
        if (item?.kind === 'claim') {
          run.started(t);
          const recorded = this.linkRecordings(run, t);
          const o = await runClaim(controller, item.claim, benchmark ? 'benchmark' : 'run', {
            isCancelled: () => token.isCancellationRequested,
            events: this.services.wantEvents(),
            diskDir: this.services.settings().parameters.diskDir,
            onOutput: (text) => run.appendOutput(text, undefined, t),
            test: testRef,
          }).finally(() => recorded.dispose());
          if (o.status === 'passed') run.passed(t, o.durationMs);
          else if (o.status === 'failed') run.failed(t, new vscode.TestMessage(o.message), o.durationMs);
          else if (o.status === 'errored') run.errored(t, new vscode.TestMessage(o.message), o.durationMs);
          else run.skipped(t);
          summary(o.status, o.durationMs, o.output + recorded.text(), o.message);
          continue;
        }
        const plan = this.planFor(t);
        if (!plan) continue;
        run.started(t);
        const location = t.uri && t.range ? new vscode.Location(t.uri, t.range) : undefined;
        const admission = await this.services.admit(plan);
        if (!admission.ok) {
          // Untrusted workspace: errored with the reason; Cancel on the size question: skipped, the reason in the output.
          run.appendOutput(`${admission.message}\r\n`, location, t);
          if (admission.status === 'errored') {
            const m = new vscode.TestMessage(admission.message);
            if (location) m.location = location;
            run.errored(t, m, 0);
          } else {
            run.skipped(t);
          }
          summary(admission.status, 0, `${admission.message}\r\n`, admission.message);
          continue;
        }
        const settings = this.services.settings();
        const recorded = this.linkRecordings(run, t);
        const outcome = await runPlan(controller, plan, {
          iterations: benchmark ? settings.benchmarkIterations : undefined,
          benchmark,
          isCancelled: () => token.isCancellationRequested,
          events: this.services.wantEvents(),
          onOutput: (text) => run.appendOutput(text, location, t),
          test: testRef,
        }).finally(() => recorded.dispose());
        if (outcome.benchmark) this.services.log.info(formatBenchmark(plan.name, outcome.benchmark));
        const message = (text: string): vscode.TestMessage => {
          const m = new vscode.TestMessage(text);
          if (location) m.location = location;
          return m;
        };
        switch (outcome.status) {
          case 'passed':
            run.passed(t, outcome.durationMs);
            break;
          case 'failed': {
            const messages = outcome.mismatches.length > 0
              ? outcome.mismatches.map((mm) => {
                const m = vscode.TestMessage.diff(vscode.l10n.t('{0}: expected {1}, got {2}', mm.what, mm.expected, mm.actual), mm.expected, mm.actual);
                if (location) m.location = location;
                return m;
              })
              : [message(outcome.message ?? vscode.l10n.t('failed'))];
            run.failed(t, messages, outcome.durationMs);
            // A failure is a warning in the log, never an [info] line.
            this.services.log.warn(`${plan.name}: FAILED: ${outcome.mismatches.length > 0
              ? outcome.mismatches.map((mm) => `${mm.what}: expected ${mm.expected}, got ${mm.actual}`).join('; ')
              : outcome.message ?? 'failed'}`);
            break;
          }
          case 'errored':
            run.errored(t, message(outcome.message ?? vscode.l10n.t('error')), outcome.durationMs);
            this.services.log.error(`${plan.name}: ERROR: ${outcome.message ?? 'error'}`);
            break;
          case 'cancelled':
            run.skipped(t);
            break;
          default:
            assertNever(outcome.status);
        }
        summary(outcome.status, outcome.durationMs, outcome.output + recorded.text(), outcome.message);
      }
    } finally {
      stopOnCancel.dispose();
      run.end();
    }
    return summaries;
  }
}

/** Where a relative diskDir of a scenario file points: its workspace folder, else its own folder. */
export function scenarioBaseDir(uri: vscode.Uri): string | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri;
  if (folder?.scheme === 'file') return folder.fsPath;
  return uri.scheme === 'file' ? path.dirname(uri.fsPath) : undefined;
}

function isScenarioFile(uri: vscode.Uri): boolean {
  return (uri.scheme === 'file' || uri.scheme === 'vscode-remote') && uri.path.endsWith('.memmap.json');
}

function toRange(r: TextRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

function zeroRange(): TextRange {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

function sorted(c: vscode.TestItemCollection): vscode.TestItem[] {
  const out: vscode.TestItem[] = [];
  c.forEach((item) => out.push(item));
  return out.sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
}
