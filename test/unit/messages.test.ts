import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFromRunner, parseFromWebview, parseStep, parseToRunner } from '../../extension/messages';
import { PROTOCOL_VERSION } from '../../extension/protocol';
import { buildHtml } from '../../extension/panelHtml';

test('runner accepts the five commands and rejects the rest', () => {
  assert.ok(parseToRunner({ type: 'pause' }).ok);
  assert.ok(parseToRunner({ type: 'resume' }).ok);
  assert.ok(parseToRunner({ type: 'cancel' }).ok);
  assert.deepEqual(parseToRunner({ type: 'step', until: 'mapView' }), { ok: true, value: { type: 'step', until: 'mapView' } });
  assert.deepEqual(parseToRunner({ type: 'step', count: 5 }), { ok: true, value: { type: 'step', count: 5 } });
  assert.deepEqual(parseToRunner({ type: 'step' }), { ok: true, value: { type: 'step', count: 1 } });
  assert.ok(parseToRunner({ type: 'start', parameters: {} }).ok);
  for (const bad of [null, 7, 'pause', [], { type: 'explode' }, { type: 'start' }, { type: 'start', parameters: 'x' },
    { type: 'step', count: 0 }, { type: 'step', count: -1 }, { type: 'step', count: 1.5 }, { type: 'step', count: 1e12 },
    { type: 'step', until: 'grow!' }, { type: 'step', count: 1, until: 'grow' }, { type: 'start', parameters: {}, paused: 'yes' }]) {
    const r = parseToRunner(bad);
    assert.equal(r.ok, false, JSON.stringify(bad));
  }
});

test('step arguments say what is allowed', () => {
  const r = parseStep(undefined, 'remap');
  assert.ok(!r.ok);
  assert.match(r.reason, /allowed: mapView, grow, free/);
});

const counters = { allocs: 1, deletions: 0, recycledAllocs: 0, bytesAllocated: 4, bytesFreed: 0, fileMaps: 1, mapViews: 1, fileSize: 65536 };
const proc = { rssBytes: 1, peakRssBytes: 1, virtualBytes: 2, minorFaults: 3, majorFaults: 0, processTotals: { minorFaults: 9, majorFaults: 1, peakRssBytes: 5 } };

test('extension accepts well-formed runner messages and drops malformed ones', () => {
  assert.ok(parseFromRunner({ type: 'hello', protocolVersion: PROTOCOL_VERSION, libraryVersion: '0.1.0', pageSize: 4096, granularity: 4096, platform: 'linux' }).ok);
  assert.ok(parseFromRunner({ type: 'sample', elapsedMs: 1, ops: 2, counters, process: proc }).ok);
  assert.ok(parseFromRunner({ type: 'error', code: 'cancelled', message: 'x' }).ok);
  assert.ok(parseFromRunner({ type: 'event', events: [{ kind: 'mapView', offset: 0, size: 65536 }], dropped: 0 }).ok);
  const bad = [
    { type: 'hello', protocolVersion: PROTOCOL_VERSION + 1, libraryVersion: '0.1.0', pageSize: 4096, granularity: 4096, platform: 'linux' },
    { type: 'sample', elapsedMs: 'soon', ops: 2, counters, process: proc },
    { type: 'sample', elapsedMs: 1, ops: 2, counters: { ...counters, mapViews: NaN }, process: proc },
    { type: 'error', code: 'weird', message: 'x' },
    { type: 'event', events: [{ kind: 'teleport', offset: 0, size: 1 }], dropped: 0 },
    { type: 'done', result: {} },
    { type: 'unknown' },
    'hello',
  ];
  for (const b of bad) assert.equal(parseFromRunner(b).ok, false, JSON.stringify(b));
});

test('webview messages: hostile input is rejected, never passed on', () => {
  assert.ok(parseFromWebview({ type: 'ready' }).ok);
  assert.deepEqual(parseFromWebview({ type: 'stop', extra: 'ignored' }), { ok: true, value: { type: 'stop' } });
  const huge = 'x'.repeat(1024 * 1024);
  const hostile: unknown[] = [
    undefined, null, 42, 'run', [], { type: 'run' }, { type: 'run', parameters: huge },
    { type: 'run', parameters: { diskDir: huge } }, { type: 'exportHistory', format: '../../etc/passwd' },
    { type: 'shell', command: 'rm -rf /' }, { type: 'run', parameters: {}, paused: 'maybe' }, { type: { toString: 1 } },
  ];
  for (const h of hostile) {
    const r = parseFromWebview(h);
    assert.equal(r.ok, false, `accepted ${String(JSON.stringify(h)).slice(0, 80)}`);
    assert.ok(r.reason.length < 300, 'reasons stay short, even for 1 MB strings');
  }
  // Random messages: never throws, never accepts an unknown type.
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  for (let i = 0; i < 5000; i++) {
    const msg: Record<string, unknown> = { type: pick(['run', 'step', 'zap', 'ready', 7, null, 'exportHistory']) };
    msg[pick(['parameters', 'count', 'until', 'format', 'paused'])] = pick([1e308, -1, 'x', {}, [], null, true, huge.slice(0, 70000)]);
    const r = parseFromWebview(msg);
    if (r.ok) assert.ok(['run', 'step', 'ready', 'exportHistory'].includes(r.value.type));
  }
});

test('the panel HTML allows no inline or remote script', () => {
  const html = buildHtml({ cspSource: 'https://x.vscode-cdn.net', nonce: 'abc123', scriptUri: 'https://x.vscode-cdn.net/main.js', styleUri: 'https://x.vscode-cdn.net/style.css' });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  for (const [, attrs, body] of scripts) {
    assert.match(attrs, /nonce="abc123"/);
    assert.equal(body.trim(), '', 'no inline script');
  }
  assert.doesNotMatch(html, /style="/, 'no inline style attributes');
});

test('exportPng: only a base64 PNG data URL, bounded in size', () => {
  const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
  assert.deepEqual(parseFromWebview({ type: 'exportPng', dataUrl: png }), { ok: true, value: { type: 'exportPng', dataUrl: png } });
  const bad: unknown[] = [
    { type: 'exportPng' },
    { type: 'exportPng', dataUrl: 42 },
    { type: 'exportPng', dataUrl: 'data:text/html;base64,PHNjcmlwdD4=' },
    { type: 'exportPng', dataUrl: 'file:///etc/passwd' },
    { type: 'exportPng', dataUrl: 'data:image/png;base64,<script>' },
    { type: 'exportPng', dataUrl: png, path: '/etc/cron.d/x' },
    { type: 'exportPng', dataUrl: 'data:image/png;base64,' + 'A'.repeat(17 * 1024 * 1024) },
  ];
  for (const b of bad) assert.equal(parseFromWebview(b).ok, false, String(JSON.stringify(b)).slice(0, 80));
});
