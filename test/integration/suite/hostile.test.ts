// The webview as an adversary: malformed and random messages sent to the
// extension through the panel's own message path are rejected, counted and
// logged, and never reach the runner.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateApi, waitFor } from './util';

/** The controller calls that would reach the runner. */
const RUNNER_CALLS = ['run', 'step', 'pause', 'resume', 'stop'] as const;
type RunnerCall = typeof RUNNER_CALLS[number];
type AnyMethod = (...args: unknown[]) => unknown;

suite('MemMap panel: hostile webview messages', () => {
  test('random and malformed messages are rejected and never reach the runner', async () => {
    const api = await activateApi();
    await vscode.commands.executeCommand('memmap.openVisualizer');
    const panel = await waitFor(() => api.panelForTests(), 15000, 'the panel');
    const c = api.controller;
    assert.equal(c.isRunning, false);
    // Count every call that would reach the runner.
    // The controller's methods, replaced by counting wrappers for this test only.
    const methods = c as unknown as Record<RunnerCall, AnyMethod>;
    const calls: RunnerCall[] = [];
    const saved = {} as Record<RunnerCall, AnyMethod>;
    for (const name of RUNNER_CALLS) {
      saved[name] = methods[name];
      methods[name] = (...args: unknown[]) => {
        calls.push(name);
        return saved[name].apply(c, args);
      };
    }
    const before = panel.rejectedMessages;
    const historyBefore = c.getHistory().length;
    const mb = 'x'.repeat(1024 * 1024);
    const crafted: unknown[] = [
      undefined, null, 0, 'run', [], [{ type: 'run' }], { type: 'launch' }, { type: 42 }, { type: { toString: 'run' } },
      { type: 'run' }, { type: 'run', parameters: 'grow' }, { type: 'run', parameters: { items: 1e300 } },
      { type: 'run', parameters: { items: -1 } }, { type: 'run', parameters: { viewSize: mb } },
      { type: 'run', parameters: { diskDir: mb } }, { type: 'run', parameters: { mode: '../../etc/passwd' } },
      { type: 'run', parameters: { scenario: 'rm -rf /' } }, { type: 'run', parameters: { __proto__: { items: 5 }, polluted: true } },
      { type: 'run', parameters: {}, paused: 'yes' }, { type: 'run', parameters: { granularity: 1000 } },
      { type: 'step', count: -1 }, { type: 'step', count: 1e12 }, { type: 'step', until: 'everything' }, { type: 'step', count: 1, until: 'grow' },
      { type: 'exportHistory', format: '/etc/passwd' }, { type: 'exportPng', dataUrl: 'file:///etc/passwd' },
      { type: 'exportPng', dataUrl: 'data:image/png;base64,' + mb }, { type: 'ready', padding: mb },
    ];
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const junk = (): unknown => pick<unknown>([NaN, -1, 1e308, '', 'x'.repeat(70000), {}, [], null, true, '../..', '\u0000']);
    const random: Record<string, unknown>[] = [];
    for (let i = 0; i < 300; i++) {
      const kind = pick(['run', 'step', 'exportHistory', 'exportPng', 'zap', 'RUN', '']);
      const m: Record<string, unknown> = { type: kind };
      if (kind === 'run') m.parameters = { [pick(['items', 'viewSize', 'mode', 'growth', 'offsetBits', 'bogus'])]: junk() };
      else if (kind === 'step') m.count = pick<unknown>([0, -5, 1.5, 'one', 1e15]);
      else if (kind === 'exportHistory') m.format = pick<unknown>(['xml', '', null, 7]);
      else if (kind === 'exportPng') m.dataUrl = pick<unknown>(['data:text/html,<b>', 42, 'javascript:alert(1)']);
      else m.payload = junk();
      random.push(m);
    }
    for (const m of [...crafted, ...random]) await panel.handleMessage(m);
    const rejected = panel.rejectedMessages - before;
    console.log(`    rejected ${rejected} of ${crafted.length + random.length} hostile messages; runner calls: ${calls.length}`);
    for (const name of RUNNER_CALLS) methods[name] = saved[name];
    assert.deepEqual(calls, [], 'nothing reached the runner');
    assert.equal(rejected, crafted.length + random.length, 'every message was rejected');
    assert.equal(c.isRunning, false);
    assert.equal(c.getHistory().length, historyBefore);
  });
});
