// Runs one named scenario (a seed test, a workspace scenario, or the
// settings) through the RunController, iteration by iteration, and turns the
// outcome into what the palette and the Test Explorer report: a status, a
// message naming a verification failure, and the seed's TestContext output.
// Free of the vscode module: its messages go through @vscode/l10n, which
// extension.ts configures with vscode.l10n.bundle. The seed's TestContext
// lines (seedOutput) stay as the seed's C# tests print them.

import * as l10n from '@vscode/l10n';
import { errorsToText, validateParameters } from '../../common/parameters';
import { formatSeedStats, seedModeLabel } from '../../common/format';
import { compareExpectation, type Expectation, type Mismatch } from '../../common/scenarioFiles';
import type { BudgetRequest, RunParameters, RunResult, VerifyFailure } from '../../common/protocol';
import type { RunController } from './runController';

export interface ScenarioPlan {
  /** Stable id: `seed:<name>`, `settings`, or `<file uri>#<name>`. */
  id: string;
  name: string;
  source: 'seed' | 'workspace' | 'settings';
  /** Parameters as given, validated again against the runner's page size before running. */
  raw: unknown;
  defaults: Readonly<RunParameters>;
  iterations: number;
  expect?: Expectation;
  /** The run's budgets (issue 15). */
  budgets?: BudgetRequest;
  /** Known before running: why this scenario cannot run. */
  error?: string;
}

export type PlanStatus = 'passed' | 'failed' | 'errored' | 'cancelled';

export interface PlanOutcome {
  status: PlanStatus;
  /** Why it did not pass. */
  message?: string;
  failure?: VerifyFailure;
  mismatches: Mismatch[];
  results: RunResult[];
  /** Wall time of all iterations. */
  durationMs: number;
  /** The seed's TestContext.WriteLine output, CRLF line ends. */
  output: string;
  benchmark?: BenchmarkSummary;
}

export interface BenchmarkSummary {
  iterations: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** max - min, and relative to the median. */
  spreadMs: number;
  spreadPercent: number;
}

export interface RunPlanOptions {
  /** Overrides plan.iterations (the Benchmark profile). */
  iterations?: number;
  benchmark?: boolean;
  isCancelled(): boolean;
  /** Record events (the panel's file map); off makes timings cleaner. */
  events?: boolean;
  /** Streams output as it is produced (CRLF text). */
  onOutput?(text: string): void;
  /** Called before each iteration starts (1-based). */
  onIteration?(iteration: number, of: number): void;
  /** The Test Explorer's test, named in each run's recording. */
  test?: { id: string; label: string };
}

const CRLF = '\r\n';

/** "items: expected 5, got 4" */
export function mismatchText(m: Mismatch): string {
  return l10n.t('{0}: expected {1}, got {2}', m.what, m.expected, m.actual);
}

export function describeFailure(f: VerifyFailure): string {
  return l10n.t('verification failed at item {0}, offset {1} ({2}): expected byte {3}, found {4}', f.item, f.offset, `0x${f.offset.toString(16)}`, hexByte(f.expected), hexByte(f.found));
}

function hexByte(b: number): string {
  const printable = b >= 0x20 && b < 0x7f ? ` '${String.fromCharCode(b)}'` : '';
  return `0x${b.toString(16).padStart(2, '0')}${printable}`;
}

/** The seed's TestContext.WriteLine lines for one finished run (CRLF). */
export function seedOutput(name: string, r: RunResult, when = new Date()): string {
  return `${when.toLocaleString('en-US')}${CRLF} ${name} ${seedModeLabel(r)} ${formatSeedStats(r, CRLF)}${CRLF}` +
    `Total bytes = ${r.stats.bytesAllocated.toLocaleString('en-US')}${CRLF}` +
    `${r.items.toLocaleString('en-US')} items, ${r.elapsedMs.toFixed(1)} ms, ${r.verified ? 'verified' : 'NOT verified'}${CRLF}`;
}

export function summarizeTimes(times: readonly number[]): BenchmarkSummary {
  const sorted = [...times].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0 ? 0 : n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const min = sorted[0] ?? 0;
  const max = sorted[n - 1] ?? 0;
  return {
    iterations: n, medianMs: median, minMs: min, maxMs: max, spreadMs: max - min,
    spreadPercent: median > 0 ? ((max - min) / median) * 100 : 0,
  };
}

export function formatBenchmark(name: string, b: BenchmarkSummary): string {
  return l10n.t('Benchmark {0}: {1} iteration(s), median {2} ms, spread {3} ms ({4}% of the median; min {5} ms, max {6} ms)',
    name, b.iterations, b.medianMs.toFixed(1), b.spreadMs.toFixed(1), b.spreadPercent.toFixed(1), b.minMs.toFixed(1), b.maxMs.toFixed(1));
}

/** Runs a plan to its end; never throws. */
export async function runPlan(controller: RunController, plan: ScenarioPlan, opts: RunPlanOptions): Promise<PlanOutcome> {
  const started = Date.now();
  const results: RunResult[] = [];
  let output = '';
  const write = (text: string): void => {
    output += text;
    opts.onOutput?.(text);
  };
  const end = (status: PlanStatus, extra: Partial<PlanOutcome> = {}): PlanOutcome => {
    if (extra.message) {
      const text = extra.message.split('\n').join(CRLF);
      write((status === 'cancelled' ? l10n.t('Cancelled: {0}', text) : status === 'passed' ? l10n.t('Note: {0}', text) : l10n.t('Failed: {0}', text)) + CRLF);
    }
    return { status, mismatches: [], results, durationMs: Date.now() - started, output, ...extra };
  };

  if (plan.error) return end('failed', { message: plan.error });
  let pageSize: number;
  try {
    pageSize = (await controller.ensureRunner()).pageSize;
  } catch (err) {
    return end('errored', { message: l10n.t('the runner did not start: {0}', (err as Error).message) });
  }
  const v = validateParameters(plan.raw, pageSize, plan.defaults);
  if (!v.ok) return end('failed', { message: errorsToText(v.reason) });
  const parameters = v.value;
  const iterations = opts.iterations ?? plan.iterations;

  for (let i = 1; i <= iterations; i++) {
    if (opts.isCancelled()) return end('cancelled', { message: l10n.t('the run was cancelled') });
    if (controller.isRunning) return end('errored', { message: l10n.t('another run is in progress; stop it first (MemMap: Stop)') });
    opts.onIteration?.(i, iterations);
    let outcome;
    try {
      outcome = await controller.run(parameters, {
        label: iterations > 1 ? `${plan.name} (${i}/${iterations})` : plan.name, events: opts.events ?? false, budgets: plan.budgets,
        ...(opts.test ? { test: opts.test } : {}),
      });
    } catch (err) {
      return end('errored', { message: (err as Error).message });
    }
    const result = outcome.record.result;
    if (result) {
      results.push(result);
      write(seedOutput(plan.name, result));
    }
    if (outcome.failure) return end('failed', { message: describeFailure(outcome.failure), failure: outcome.failure });
    // A budget's wall (issue 15): what `expect.wall` asks for, else a failure with the sentence.
    const wall = plan.expect?.wall;
    if (outcome.budgetFailure) {
      if (wall === outcome.budgetFailure.budget) {
        const mismatches = result ? compareExpectation({ ...plan.expect, verified: undefined }, result) : [];
        if (mismatches.length > 0) {
          return end('failed', { message: mismatches.map(mismatchText).join('\n'), mismatches });
        }
        write(`${l10n.t('Hit its {0} budget\'s wall as expected: {1}', wall, outcome.error?.message ?? '')}${CRLF}`);
        continue;
      }
      return end('failed', { message: `nomem: ${outcome.error?.message ?? l10n.t('the {0} budget\'s wall', outcome.budgetFailure.budget)}` });
    }
    if (wall && !outcome.error) return end('failed', { message: l10n.t('expected the run to end at its {0} budget\'s wall (expect.wall), but it finished', wall) });
    if (outcome.error) {
      const { code, message } = outcome.error;
      if (code === 'cancelled') return end('cancelled', { message: l10n.t('the run was cancelled') });
      if (code === 'invalid' || code === 'verify' || code === 'toobig' || code === 'overflow' || code === 'nospace') {
        return end('failed', { message: `${code}: ${message}` });
      }
      return end('errored', { message: `${code}: ${message}` });
    }
    if (!result) return end('errored', { message: l10n.t('the runner ended without a result') });
    if (!result.verified) return end('failed', { message: l10n.t('the stored data did not verify') });
    const mismatches = compareExpectation(plan.expect, result);
    if (mismatches.length > 0) {
      return end('failed', {
        message: mismatches.map(mismatchText).join('\n'),
        mismatches,
      });
    }
  }
  let benchmark: BenchmarkSummary | undefined;
  if (opts.benchmark) {
    benchmark = summarizeTimes(results.map((r) => r.elapsedMs));
    write(formatBenchmark(plan.name, benchmark) + CRLF);
  }
  return end('passed', { benchmark });
}
