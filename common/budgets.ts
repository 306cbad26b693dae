// Budgets of a run (issue 15: "50 GB from a 4 GB process"): the one check
// of a budget size (CLI flags, settings, scenario files, panel inputs), the
// validation of the budget objects that cross a process boundary (start
// messages, samples, results, errors), and the words for them. Pure: no Node
// or VS Code imports, so the webview bundles it too. The words a user reads
// (checkBudget's message, budgetsText) go through @vscode/l10n: English in the
// CLI, the display language where the extension configured it.

import * as l10n from '@vscode/l10n';
import { BUDGET_KINDS, type BudgetFailure, type BudgetRequest, type Budgets } from './protocol';
import { checkSize, describe, GIB, MIB } from './parameters';
import type { Parsed } from './parsed';

/**
 * A budget is a size up to 64 TiB: an address budget from 16 MiB (less cannot hold the runtime's
 * own growth), a memory budget from 160 MiB. Measured (docs/BUDGETS.md): below 136 MiB a mapped
 * scenario's run cannot take even one item (the library keeps 64 MiB of the cgroup's room for the
 * runtime, and the runner process holds the rest), and below 32 MiB the OOM killer ends every run;
 * 160 MiB leaves a margin for a runtime that starts larger elsewhere.
 */
export const BUDGET_LIMITS = { min: 16 * MIB, memoryMin: 160 * MIB, max: 64 * 1024 * GIB } as const;

/** The smallest budget of a kind: by its name (memoryBudget, memoryBytes: memory; else address). */
export function budgetMin(name: string): number {
  return name.startsWith('memory') ? BUDGET_LIMITS.memoryMin : BUDGET_LIMITS.min;
}

/** The user-facing names (settings, scenario files, panel) and their CLI flags. */
export const BUDGET_FIELDS = { addressBudget: '--address-budget', memoryBudget: '--memory-budget' } as const;
export type BudgetField = keyof typeof BUDGET_FIELDS;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;

/** "none", "", 0 and undefined mean no budget. */
function isNone(raw: unknown): boolean {
  return raw === undefined || raw === null || raw === '' || raw === 0 || (typeof raw === 'string' && /^\s*(none|off|0)\s*$/i.test(raw));
}

/**
 * One budget from untrusted input ("4G", 4294967296, "none"): the bytes,
 * undefined for no budget, or one sentence saying what is allowed.
 */
export function checkBudget(name: string, raw: unknown): Parsed<number | undefined> {
  if (isNone(raw)) return { ok: true, value: undefined };
  const r = checkSize(name, raw, { min: budgetMin(name), max: BUDGET_LIMITS.max });
  return r.ok ? r : { ok: false, reason: l10n.t('{0}, or none', r.reason) };
}

/**
 * The user-facing form ({addressBudget, memoryBudget}, sizes as text or
 * numbers) into a BudgetRequest; unknown keys are not looked at here (the
 * caller owns its object's other fields).
 */
export function budgetRequestFrom(input: { addressBudget?: unknown; memoryBudget?: unknown }): Parsed<BudgetRequest, string[]> {
  const errors: string[] = [];
  const value: BudgetRequest = {};
  const a = checkBudget('addressBudget', input.addressBudget);
  if (!a.ok) errors.push(a.reason);
  else if (a.value !== undefined) value.addressBytes = a.value;
  const m = checkBudget('memoryBudget', input.memoryBudget);
  if (!m.ok) errors.push(m.reason);
  else if (m.value !== undefined) value.memoryBytes = m.value;
  return errors.length ? { ok: false, reason: errors } : { ok: true, value };
}

/** A start message's `budgets` (protocol form): only addressBytes and memoryBytes, each a budget size. */
export function parseBudgetRequest(x: unknown): Parsed<BudgetRequest | undefined> {
  if (x === undefined) return { ok: true, value: undefined };
  if (!isObject(x)) return { ok: false, reason: `budgets ${describe(x)} are not allowed; allowed: an object with addressBytes and/or memoryBytes` };
  for (const key of Object.keys(x)) {
    if (key !== 'addressBytes' && key !== 'memoryBytes') {
      return { ok: false, reason: `unknown budget ${describe(key)}; allowed: addressBytes, memoryBytes` };
    }
  }
  const out: BudgetRequest = {};
  for (const key of ['addressBytes', 'memoryBytes'] as const) {
    if (x[key] === undefined) continue;
    if (typeof x[key] !== 'number') return { ok: false, reason: `${key} ${describe(x[key])} is not allowed; allowed: a number of bytes` };
    const r = checkBudget(key, x[key]);
    if (!r.ok) return r;
    if (r.value !== undefined) out[key] = r.value;
  }
  return { ok: true, value: out };
}

const nullableBytes = (x: unknown): x is number | null => x === null || isNum(x);
const optionalText = (x: unknown): x is string | undefined => x === undefined || typeof x === 'string';

/** The `budgets` of a sample or result from the runner. */
export function parseBudgets(x: unknown): Parsed<Budgets> {
  if (!isObject(x)) return { ok: false, reason: 'budgets must be an object' };
  const { addressBytes, memoryBytes, enforced, baseVirtualBytes, baseRssBytes, reason, memoryPeakBytes, enforcement } = x;
  if (!nullableBytes(addressBytes) || !nullableBytes(memoryBytes)) return { ok: false, reason: 'budgets need addressBytes and memoryBytes (bytes or null)' };
  if (!isObject(enforced) || typeof enforced.address !== 'boolean' || typeof enforced.memory !== 'boolean') {
    return { ok: false, reason: 'budgets need enforced.address and enforced.memory (true or false)' };
  }
  if (!isNum(baseVirtualBytes) || !isNum(baseRssBytes)) return { ok: false, reason: 'budgets need baseVirtualBytes and baseRssBytes' };
  if (!optionalText(reason)) return { ok: false, reason: 'budgets.reason must be text' };
  if (memoryPeakBytes !== undefined && !isNum(memoryPeakBytes)) return { ok: false, reason: 'budgets.memoryPeakBytes must be bytes' };
  const value: Budgets = {
    addressBytes, memoryBytes, enforced: { address: enforced.address, memory: enforced.memory }, baseVirtualBytes, baseRssBytes,
    ...(reason !== undefined ? { reason } : {}), ...(memoryPeakBytes !== undefined ? { memoryPeakBytes } : {}),
  };
  if (enforcement !== undefined) {
    if (!isObject(enforcement) || !optionalText(enforcement.address) || !optionalText(enforcement.memory)) {
      return { ok: false, reason: 'budgets.enforcement must be {address?, memory?} as text' };
    }
    value.enforcement = {
      ...(enforcement.address !== undefined ? { address: enforcement.address } : {}),
      ...(enforcement.memory !== undefined ? { memory: enforcement.memory } : {}),
    };
  }
  return { ok: true, value };
}

/** The `budgetFailure` of an error message. */
export function parseBudgetFailure(x: unknown): Parsed<BudgetFailure> {
  const budget = isObject(x) ? BUDGET_KINDS.find((k) => k === x.budget) : undefined;
  if (!isObject(x) || x.code !== 'nomem' || budget === undefined) {
    return { ok: false, reason: `budgetFailure needs code "nomem" and budget ${BUDGET_KINDS.join(' or ')}` };
  }
  const { atItem, storedBytes, budgetBytes, oomKilled, lastRssBytes } = x;
  if (!isNum(atItem) || !isNum(storedBytes) || !isNum(budgetBytes)) return { ok: false, reason: 'budgetFailure needs atItem, storedBytes and budgetBytes' };
  if (oomKilled !== undefined && typeof oomKilled !== 'boolean') return { ok: false, reason: 'budgetFailure.oomKilled must be true or false' };
  if (lastRssBytes !== undefined && !isNum(lastRssBytes)) return { ok: false, reason: 'budgetFailure.lastRssBytes must be bytes' };
  const value: BudgetFailure = {
    code: 'nomem', budget, atItem, storedBytes, budgetBytes,
    ...(oomKilled !== undefined ? { oomKilled } : {}), ...(lastRssBytes !== undefined ? { lastRssBytes } : {}),
  };
  return { ok: true, value };
}

/**
 * The budget parts of a runner message, checked where present (a sample's or
 * result's `budgets`, an error's `budgetFailure` and `result.budgets`). For
 * parseFromRunner to call after its own checks.
 */
export function checkBudgetFields(msg: Record<string, unknown>): string | undefined {
  const budgets = [msg.budgets, isObject(msg.result) ? msg.result.budgets : undefined];
  for (const b of budgets) {
    if (b === undefined) continue;
    const r = parseBudgets(b);
    if (!r.ok) return r.reason;
  }
  if (msg.budgetFailure !== undefined) {
    const r = parseBudgetFailure(msg.budgetFailure);
    if (!r.ok) return r.reason;
  }
  return undefined;
}

/**
 * Where a run's budgets end, as the charts draw them: the resident wall (the
 * start's resident size + the memory budget) and the virtual wall (the start's
 * virtual size + the address budget); undefined for a budget the run lacks.
 */
export function budgetWalls(b: Budgets | undefined): { memory?: number; address?: number } {
  if (!b) return {};
  return {
    ...(b.memoryBytes !== null ? { memory: b.baseRssBytes + b.memoryBytes } : {}),
    ...(b.addressBytes !== null ? { address: b.baseVirtualBytes + b.addressBytes } : {}),
  };
}

/** 4294967296 -> "4 GiB", 3.7e9 -> "3.45 GiB". */
export function bytesText(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let u = 0;
  let scale = 1;
  while (u < units.length - 1 && bytes >= scale * 1024) {
    scale *= 1024;
    u++;
  }
  if (u === 0) return `${bytes} bytes`;
  return bytes % scale === 0 ? `${bytes / scale} ${units[u]}` : `${(bytes / scale).toFixed(2)} ${units[u]}`;
}

/** "memory budget 1 GiB not enforced here: <the runner's reason>". */
function notEnforced(size: string, reason: string | undefined): string {
  if (reason === undefined) return l10n.t('memory budget {0} not enforced here', size);
  const why = /^memory budget not enforced here: (.*)$/s.exec(reason);
  return why ? l10n.t('memory budget {0} not enforced here: {1}', size, why[1]) : l10n.t('memory budget {0} {1}', size, reason.replace(/^memory budget /, ''));
}

/** One line for a summary: "address budget 4 GiB (library accounting ...); memory budget not enforced here: ...". */
export function budgetsText(b: Budgets): string {
  const parts: string[] = [];
  // How a budget is enforced, and why not (enforcement, reason) come from the runner: English.
  if (b.addressBytes !== null) {
    parts.push(b.enforcement?.address
      ? l10n.t('address budget {0} ({1})', bytesText(b.addressBytes), b.enforcement.address)
      : l10n.t('address budget {0}', bytesText(b.addressBytes)));
  }
  if (b.memoryBytes !== null) {
    const size = bytesText(b.memoryBytes);
    parts.push(b.enforced.memory
      ? (b.enforcement?.memory ? l10n.t('memory budget {0} ({1})', size, b.enforcement.memory) : l10n.t('memory budget {0}', size))
      : notEnforced(size, b.reason));
  }
  return parts.join('; ');
}
