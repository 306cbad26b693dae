// The budgets on the panel's resident/virtual chart (issue 15): lines at the
// start's size plus each budget, only for a run that has that budget
// (webview/charts.ts draws budgetWalls dashed on the resident and virtual axes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { budgetWalls } from '../../../common/budgets';
import type { Budgets } from '../../../common/protocol';

const GIB = 2 ** 30;
const MIB = 2 ** 20;

test('budget walls: the start\'s resident size + the memory budget, the start\'s virtual size + the address budget', () => {
  const b: Budgets = {
    addressBytes: 4 * GIB, memoryBytes: GIB, enforced: { address: true, memory: true }, baseVirtualBytes: 800 * MIB, baseRssBytes: 50 * MIB,
  };
  assert.deepEqual(budgetWalls(b), { memory: 50 * MIB + GIB, address: 800 * MIB + 4 * GIB });
  assert.deepEqual(budgetWalls({ ...b, memoryBytes: null }), { address: 800 * MIB + 4 * GIB });
  assert.deepEqual(budgetWalls({ ...b, addressBytes: null }), { memory: 50 * MIB + GIB });
  assert.deepEqual(budgetWalls(undefined), {});
});

test('the memory chart draws them dashed on the axis of what they limit, and leaves out a budget the run lacks', () => {
  // webview/charts.ts needs the DOM; its spec is checked as text here (the e2e suite sees it drawn).
  const src = readFileSync(path.resolve(__dirname, '..', '..', '..', 'webview', 'charts.ts'), 'utf8');
  const memory = /\{\s*label: l10n\.t\('memory budget \(resident wall\)'\), color: '\w+', axis: 'y', dash: \[[\d, ]+\], optional: true,\s*value: \(s\) => budgetWalls\(s\.budgets\)\.memory,/;
  const address = /\{\s*label: l10n\.t\('address budget \(virtual wall\)'\), color: '\w+', axis: 'y1', dash: \[[\d, ]+\], optional: true,\s*value: \(s\) => budgetWalls\(s\.budgets\)\.address,/;
  assert.match(src, memory);
  assert.match(src, address);
  assert.match(src, /label: l10n\.t\('resident'\), color: '\w+', axis: 'y'/);
  assert.match(src, /label: l10n\.t\('virtual'\), color: '\w+', axis: 'y1'/);
  assert.match(src, /if \(ser\.optional && this\.data\[c\]\[i\]\.current\.length === 0 && this\.data\[c\]\[i\]\.overlay\.length === 0\) return;/);
});
