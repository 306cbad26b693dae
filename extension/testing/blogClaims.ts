// "The blog's claims" (issue 15), as tests: what each runs and when it
// passes. Pure: no vscode import (the Test Explorer and the unit tests use it);
// the descriptions and verdicts go through @vscode/l10n, which extension.ts
// configures. The labels stay English: they name the runs and their recordings.
//
//   beyond a 4 GB process: disk mode, 64-bit offsets, a 4 GiB address budget,
//                          8 GiB stored and verified (Benchmark: 50 GiB);
//   the heap's wall:       the baseline, same items, same budget: passes when
//                          it ends cleanly with nomem at the budget.

import * as l10n from '@vscode/l10n';
import { bytesText } from '../../common/budgets';
import type { BudgetFailure, BudgetRequest, ErrorCode, RunParameters, RunResult } from '../../common/protocol';

export const GROUP_ID = 'claims';
/** The group's label, in the display language. */
export const groupLabel = (): string => l10n.t('The blog\'s claims');

/** The budget of the seed's 32-bit process. */
export const CLAIM_ADDRESS_BUDGET = 4 * 1024 ** 3;
/** Stored bytes: the Run profile (about a minute on a 2-core machine) and the Benchmark profile (the blog's 50 GB). */
export const CLAIM_STORED = { run: 8 * 1024 ** 3, benchmark: 50 * 1024 ** 3 } as const;
export type ClaimProfile = keyof typeof CLAIM_STORED;

/** Bytes the seed's counter adds for item i: 2 * (i % 2000 + 1) rounded up to 4. */
const seedBytes = (i: number): number => Math.ceil((2 * ((i % 2000) + 1)) / 4) * 4;
const CYCLE_BYTES = (() => {
  let s = 0;
  for (let i = 0; i < 2000; i++) s += seedBytes(i);
  return s;
})();

/** The fewest items of the grow scenario that store at least `bytes` (by the seed's count). */
export function itemsForStoredBytes(bytes: number): number {
  const cycles = Math.floor(bytes / CYCLE_BYTES);
  let stored = cycles * CYCLE_BYTES;
  let i = 0;
  while (stored < bytes) stored += seedBytes(i++);
  return cycles * 2000 + i;
}

export interface ClaimPlan {
  parameters: Partial<RunParameters> & Pick<RunParameters, 'scenario' | 'mode' | 'items' | 'offsetBits'>;
  budgets: BudgetRequest;
}

/** What a claim's run ended with, as the run controller reports it. */
export interface ClaimOutcome {
  result?: RunResult;
  error?: { code: ErrorCode; message: string };
  budgetFailure?: BudgetFailure;
  /** The largest virtual size sampled during the run (0 when there were no samples). */
  maxVirtualBytes?: number;
}

export interface ClaimVerdict {
  passed: boolean;
  message: string;
}

export interface BlogClaim {
  id: string;
  label: string;
  description(profile: ClaimProfile): string;
  plan(profile: ClaimProfile): ClaimPlan;
  judge(outcome: ClaimOutcome, profile: ClaimProfile): ClaimVerdict;
}

const count = (n: number) => n.toLocaleString('en-US');

export const BLOG_CLAIMS: readonly BlogClaim[] = Object.freeze([
  {
    id: `${GROUP_ID}:beyond4GB`,
    label: 'beyond a 4 GB process',
    description: (profile) => l10n.t('grow · disk · 64-bit · {0} stored in a 4 GiB address budget', bytesText(CLAIM_STORED[profile])),
    plan: (profile) => ({
      parameters: { scenario: 'grow', mode: 'disk', offsetBits: 64, items: itemsForStoredBytes(CLAIM_STORED[profile]) },
      budgets: { addressBytes: CLAIM_ADDRESS_BUDGET },
    }),
    judge: (o, profile) => {
      const want = CLAIM_STORED[profile];
      if (!o.result || o.error) return { passed: false, message: l10n.t('the mapped file did not get past the 4 GiB budget: {0}', o.error ? `${o.error.code}: ${o.error.message}` : l10n.t('no result')) };
      const r = o.result;
      if (!r.verified) return { passed: false, message: l10n.t('the stored data did not verify') };
      if (r.stats.bytesAllocated < want) return { passed: false, message: l10n.t('only {0} stored; the claim needs {1}', bytesText(r.stats.bytesAllocated), bytesText(want)) };
      const base = r.budgets?.baseVirtualBytes;
      if (base === undefined || r.budgets?.addressBytes !== CLAIM_ADDRESS_BUDGET) return { passed: false, message: l10n.t('the run had no 4 GiB address budget') };
      const peak = Math.max(o.maxVirtualBytes ?? 0, r.process.virtualBytes);
      if (peak - base > CLAIM_ADDRESS_BUDGET) {
        return { passed: false, message: l10n.t('the runner\'s virtual size grew by {0}, past its 4 GiB budget', bytesText(peak - base)) };
      }
      return {
        passed: true,
        message: l10n.t('{0} stored and verified in a {1} file; the runner grew by at most {2} of its 4 GiB address budget', bytesText(r.stats.bytesAllocated), bytesText(r.stats.fileSize), bytesText(Math.max(0, peak - base))),
      };
    },
  },
  {
    id: `${GROUP_ID}:heapsWall`,
    label: 'the heap\'s wall',
    description: (profile) => l10n.t('baseline · the same {0} items · 4 GiB address budget · expected to end with nomem', count(itemsForStoredBytes(CLAIM_STORED[profile]))),
    plan: (profile) => ({
      parameters: { scenario: 'baseline', mode: 'pagefile', offsetBits: 32, items: itemsForStoredBytes(CLAIM_STORED[profile]) },
      budgets: { addressBytes: CLAIM_ADDRESS_BUDGET },
    }),
    judge: (o) => {
      const f = o.budgetFailure;
      if (o.error?.code === 'nomem' && f?.budget === 'address' && f.budgetBytes === CLAIM_ADDRESS_BUDGET) {
        const r = o.result;
        if (!r) return { passed: false, message: l10n.t('the heap hit its wall but the counters reached were not kept') };
        if (r.stats.allocs !== f.atItem) return { passed: false, message: l10n.t('the counters say {0} items, the wall says item {1}', count(r.stats.allocs), count(f.atItem)) };
        return { passed: true, message: l10n.t('the heap hit its wall cleanly: {0}', o.error.message) };
      }
      if (o.error) return { passed: false, message: l10n.t('expected nomem at the 4 GiB address budget, got {0}: {1}', o.error.code, o.error.message) };
      return { passed: false, message: l10n.t('expected the heap to hit its 4 GiB wall, but all {0} items fit', count(o.result?.items ?? 0)) };
    },
  },
] satisfies BlogClaim[]);

export function findClaim(id: string): BlogClaim | undefined {
  return BLOG_CLAIMS.find((c) => c.id === id);
}
