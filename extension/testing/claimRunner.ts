// Runs one of "the blog's claims" (blogClaims.ts) through the RunController,
// with its budget, and judges the outcome. Free of the vscode module: its
// words go through @vscode/l10n, which extension.ts configures.

import * as l10n from '@vscode/l10n';
import { DEFAULT_PARAMETERS, errorsToText, validateParameters } from '../../common/parameters';
import { budgetsText } from '../../common/budgets';
import type { BlogClaim, ClaimProfile } from './blogClaims';
import type { RunController } from '../run/runController';
import { seedOutput } from '../run/scenarioRunner';

export interface ClaimRunOutcome {
  status: 'passed' | 'failed' | 'errored' | 'cancelled';
  message: string;
  durationMs: number;
  /** CRLF text for the test output. */
  output: string;
}

const CRLF = '\r\n';

export async function runClaim(
  controller: RunController,
  claim: BlogClaim,
  profile: ClaimProfile,
  opts: { isCancelled(): boolean; events?: boolean; diskDir?: string; onOutput?(text: string): void; test?: { id: string; label: string } },
): Promise<ClaimRunOutcome> {
  const started = Date.now();
  let output = '';
  const write = (text: string): void => {
    output += text;
    opts.onOutput?.(text);
  };
  const end = (status: ClaimRunOutcome['status'], message: string): ClaimRunOutcome => {
    write((status === 'passed' ? l10n.t('Passed: {0}', message) : status === 'cancelled' ? l10n.t('Cancelled: {0}', message) : l10n.t('Failed: {0}', message)) + CRLF);
    return { status, message, durationMs: Date.now() - started, output };
  };
  if (opts.isCancelled()) return end('cancelled', l10n.t('the run was cancelled'));
  if (controller.isRunning) return end('errored', l10n.t('another run is in progress; stop it first (MemMap: Stop)'));
  let pageSize: number;
  try {
    pageSize = (await controller.ensureRunner()).pageSize;
  } catch (err) {
    return end('errored', l10n.t('the runner did not start: {0}', (err as Error).message));
  }
  const plan = claim.plan(profile);
  const raw = { ...plan.parameters, ...(plan.parameters.mode === 'disk' && opts.diskDir ? { diskDir: opts.diskDir } : {}) };
  const v = validateParameters(raw, pageSize, DEFAULT_PARAMETERS);
  if (!v.ok) return end('errored', errorsToText(v.reason));
  write(`${claim.label}: ${claim.description(profile)}${CRLF}`);
  let outcome;
  try {
    outcome = await controller.run(v.value, { label: claim.label, events: opts.events ?? false, budgets: plan.budgets, ...(opts.test ? { test: opts.test } : {}) });
  } catch (err) {
    return end('errored', (err as Error).message);
  }
  const record = outcome.record;
  if (record.result) write(seedOutput(claim.label, record.result));
  const budgets = record.result?.budgets ?? record.samples.at(-1)?.budgets;
  if (budgets) write(`${budgetsText(budgets)}${CRLF}`);
  if (outcome.error?.code === 'cancelled') return end('cancelled', l10n.t('the run was cancelled'));
  const maxVirtualBytes = record.samples.reduce((m, s) => Math.max(m, s.process.virtualBytes), 0);
  const verdict = claim.judge({
    result: record.result, error: outcome.error, budgetFailure: outcome.budgetFailure, maxVirtualBytes,
  }, profile);
  if (verdict.passed) return end('passed', verdict.message);
  const environment = outcome.error && ['crashed', 'timeout', 'internal', 'nospace', 'filesize'].includes(outcome.error.code);
  return end(environment ? 'errored' : 'failed', verdict.message);
}
