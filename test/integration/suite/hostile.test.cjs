// The webview as an adversary: malformed and random messages sent to the
// extension through the panel's own message path are rejected, counted and
// logged, and never reach the runner.
'use strict';

const assert = require('node:assert/strict');
const vscode = require('vscode');
const { EXTENSION_ID, waitFor } = require('./util.cjs');



suite('MemMap panel: hostile webview messages', () => {
  test('random and malformed messages are rejected and never reach the runner', async () => {
    const api = await vscode.extensions.getExtension(EXTENSION_ID).activate();
    await vscode.commands.executeCommand('memmap.openVisualizer');
    const panel = await waitFor(() => api.panelForTests(), 15000, 'the panel');
    const c = api.controller;
    assert.equal(c.isRunning, false);
    // Count every call that would reach the runner.
    const calls = [];
    const saved = {};
    for (const name of ['run', 'step', 'pause', 'resume', 'stop']) {
      saved[name] = c[name];
      c[name] = (...args) => {
        calls.push(name);
        return saved[name].apply(c, args);
      };
    }
    const before = panel.rejectedMessages;
    const historyBefore = c.getHistory().length;
    const mb = 'x'.repeat(1024 * 1024);
    const crafted = [
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
    const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
    const junk = () => pick([NaN, -1, 1e308, '', 'x'.repeat(70000), {}, [], null, true, '../..', '\u0000']);
    const random = [];
    for (let i = 0; i < 300; i++) {
      const kind = pick(['run', 'step', 'exportHistory', 'exportPng', 'zap', 'RUN', '']);
      const m = { type: kind };
      if (kind === 'run') m.parameters = { [pick(['items', 'viewSize', 'mode', 'growth', 'offsetBits', 'bogus'])]: junk() };
      else if (kind === 'step') m.count = pick([0, -5, 1.5, 'one', 1e15]);
      else if (kind === 'exportHistory') m.format = pick(['xml', '', null, 7]);
      else if (kind === 'exportPng') m.dataUrl = pick(['data:text/html,<b>', 42, 'javascript:alert(1)']);
      else m.payload = junk();
      random.push(m);
    }
    for (const m of [...crafted, ...random]) await panel.handleMessage(m);
    const rejected = panel.rejectedMessages - before;
    console.log(`    rejected ${rejected} of ${crafted.length + random.length} hostile messages; runner calls: ${calls.length}`);
    for (const [name, fn] of Object.entries(saved)) c[name] = fn;
    assert.deepEqual(calls, [], 'nothing reached the runner');
    assert.equal(rejected, crafted.length + random.length, 'every message was rejected');
    assert.equal(c.isRunning, false);
    assert.equal(c.getHistory().length, historyBefore);
  });
});
