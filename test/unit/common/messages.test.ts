import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFromRunner, parseFromWebview, parseStep, parseToRunner, RUNNER_NUMERIC_FIELDS } from '../../../common/messages';
import { PROTOCOL_VERSION } from '../../../common/protocol';
import { buildHtml } from '../../../extension/panel/panelHtml';

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

const seedStats = { allocs: 1, deletions: 0, recycledAllocs: 0, bytesAllocated: 4, bytesFreed: 0, fileMaps: 1, mapViews: 1, compactions: 0, freeListBytes: 0, fileSize: 65536 };
const counters = { ...seedStats, viewSize: 131072, initialFileSize: 65536, offsetFreeMem: 4, unmapViews: 0, bytesCopied: 0, viewOffset: 0, viewLength: 65536 };
const totals = { minorFaults: 9, majorFaults: 1, peakRssBytes: 5 };
const proc = { rssBytes: 1, peakRssBytes: 1, virtualBytes: 2, minorFaults: 3, majorFaults: 0, diskBytes: 0, processTotals: totals };
const failure = { item: 7, offset: 48, expected: 97, found: 98 };

/** One well-formed message of each kind, as the runner sends them. */
const GOOD: Record<string, Record<string, unknown>> = {
  hello: { type: 'hello', protocolVersion: PROTOCOL_VERSION, platform: 'linux', arch: 'x64', pid: 1234, pageSize: 4096, granularity: 4096, libraryVersion: '0.1.0' },
  sample: { type: 'sample', elapsedMs: 1.5, ops: 2, opsTotal: 200, items: 1, itemsTotal: 100, phase: 'alloc', counters, process: proc },
  event: { type: 'event', dropped: 0, events: [{ seq: 0, kind: 'grow', op: 3, offset: 0, size: 0, address: '0x0', oldSize: 65536, newSize: 131072, bytesCopied: 65536, strategy: 'seed' }] },
  state: { type: 'state', state: 'paused', ops: 12 },
  done: {
    type: 'done', failure,
    result: {
      scenario: 'grow', mode: 'pagefile', offsetBits: 32, items: 100, viewSize: 131072, initialFileSize: 65536, granularity: 65536,
      growth: 'seed', view: 'sliding', prefault: false, verified: true, elapsedMs: 3.25, stats: seedStats,
      process: { peakRssBytes: 1, virtualBytes: 2, minorFaults: 3, majorFaults: 0, processTotals: totals },
    },
  },
  error: { type: 'error', code: 'verify', message: 'item 7 did not read back', failure },
};

/** Where each numeric field lives in its message. */
const HOLDER: Record<string, (m: Record<string, any>) => Record<string, unknown>> = {
  hello: (m) => m, sample: (m) => m, 'sample.counters': (m) => m.counters, 'sample.process': (m) => m.process,
  'sample.process.processTotals': (m) => m.process.processTotals, event: (m) => m, 'event.events[]': (m) => m.events[0],
  state: (m) => m, 'done.result': (m) => m.result, 'done.result.stats': (m) => m.result.stats,
  'done.result.process': (m) => m.result.process, 'done.result.process.processTotals': (m) => m.result.process.processTotals,
  'done.failure': (m) => m.failure, 'error.failure': (m) => m.failure,
};

test('every numeric field of every runner message kind: negative, NaN, infinite, text and missing are rejected, 0 is accepted', () => {
  // The field list is written here, independently of the parser's own lists.
  const expected: Record<string, string[]> = {
    hello: ['pid', 'pageSize', 'granularity'],
    sample: ['elapsedMs', 'ops', 'opsTotal', 'items', 'itemsTotal'],
    'sample.counters': Object.keys(counters),
    'sample.process': ['rssBytes', 'peakRssBytes', 'virtualBytes', 'minorFaults', 'majorFaults', 'diskBytes'],
    'sample.process.processTotals': Object.keys(totals),
    event: ['dropped'],
    'event.events[]': ['seq', 'op', 'offset', 'size', 'oldSize', 'newSize', 'bytesCopied'],
    state: ['ops'],
    'done.result': ['items', 'viewSize', 'initialFileSize', 'granularity', 'elapsedMs'],
    'done.result.stats': Object.keys(seedStats),
    'done.result.process': ['peakRssBytes', 'virtualBytes', 'minorFaults', 'majorFaults'],
    'done.result.process.processTotals': Object.keys(totals),
    'done.failure': Object.keys(failure),
    'error.failure': Object.keys(failure),
  };
  for (const kind of Object.keys(expected)) {
    assert.deepEqual([...(RUNNER_NUMERIC_FIELDS as Record<string, readonly string[]>)[kind]].sort(), [...expected[kind]].sort(), kind);
  }
  let tried = 0;
  for (const [where, keys] of Object.entries(expected)) {
    const kind = where.split('.')[0];
    assert.ok(parseFromRunner(GOOD[kind]).ok, `the well-formed ${kind} is accepted`);
    for (const key of keys) {
      for (const value of [-1, -0.5, -Number.MAX_VALUE, NaN, Infinity, -Infinity, '5', null, undefined, true, {}]) {
        const msg = structuredClone(GOOD[kind]);
        const holder = HOLDER[where](msg);
        if (value === undefined) delete holder[key];
        else holder[key] = value;
        const r = parseFromRunner(msg);
        assert.equal(r.ok, false, `${where}.${key} = ${String(value)} accepted`);
        tried++;
      }
      const zero = structuredClone(GOOD[kind]);
      HOLDER[where](zero)[key] = 0;
      assert.ok(parseFromRunner(zero).ok, `${where}.${key} = 0 rejected`);
      const big = structuredClone(GOOD[kind]);
      HOLDER[where](big)[key] = 2 ** 53;
      assert.ok(parseFromRunner(big).ok, `${where}.${key} = 2^53 rejected`);
    }
  }
  assert.ok(tried > 500);
});

test('runner messages: a verify failure is optional, but when present it is four numbers', () => {
  const { failure: _f, ...done } = GOOD.done;
  assert.ok(parseFromRunner(done).ok);
  const { failure: _g, ...error } = GOOD.error;
  assert.ok(parseFromRunner(error).ok);
  assert.equal(parseFromRunner({ ...GOOD.error, failure: 'item 7' }).ok, false);
  assert.equal(parseFromRunner({ ...GOOD.done, failure: null }).ok, false);
  assert.equal(parseFromRunner({ ...GOOD.sample, phase: 'dance' }).ok, false);
  assert.equal(parseFromRunner({ ...GOOD.state, state: 'asleep' }).ok, false);
  assert.equal(parseFromRunner({ ...GOOD.done, result: { ...(GOOD.done.result as object), verified: 'yes' } }).ok, false);
  assert.equal(parseFromRunner({ ...GOOD.hello, libraryVersion: 1 }).ok, false);
  assert.equal(parseFromRunner({ ...GOOD.hello, platform: undefined }).ok, false);
  assert.equal(parseFromRunner({ ...GOOD.event, events: {} }).ok, false);
  assert.equal(parseFromRunner({ ...GOOD.event, events: [null] }).ok, false);
  const reason = parseFromRunner({ ...GOOD.sample, counters: { ...counters, bytesCopied: -1 } });
  assert.ok(!reason.ok && /counters\.bytesCopied/.test(reason.reason), 'the reason names the field');
});

test('extension accepts well-formed runner messages and drops malformed ones', () => {
  for (const m of Object.values(GOOD)) assert.ok(parseFromRunner(m).ok, JSON.stringify(m).slice(0, 80));
  assert.ok(parseFromRunner({ type: 'error', code: 'cancelled', message: 'x' }).ok);
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
  // The one data block (type application/json, no nonce: it never runs) carries the l10n bundle.
  const all = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  const scripts = all.filter(([, attrs]) => !/type="application\/json"/.test(attrs));
  assert.equal(all.length - scripts.length, 1);
  assert.equal(scripts.length, 1);
  for (const [, attrs, body] of scripts) {
    assert.match(attrs, /nonce="abc123"/);
    assert.equal(body.trim(), '', 'no inline script');
  }
  assert.doesNotMatch(html, /style="/, 'no inline style attributes');
});

test('the panel HTML carries the l10n bundle as inert JSON that no message can break out of', () => {
  const bundle = { Run: 'Ausführen', '</script><script>alert(1)</script>': '<!-- \u2028 </SCRIPT> -->' };
  const html = buildHtml({ cspSource: 'https://x', nonce: 'n1', scriptUri: 'https://x/main.js', styleUri: 'https://x/style.css', l10n: { language: 'de', bundle } });
  assert.match(html, /<html lang="de">/);
  const blocks = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/gi)];
  assert.equal(blocks.length, 2, 'the bundle block and the nonce script, nothing injected');
  const data = blocks.find(([, attrs]) => attrs.includes('id="memmap-l10n"'));
  assert.ok(data);
  assert.match(data[1], /type="application\/json"/);
  assert.doesNotMatch(data[2], /</);
  assert.deepEqual(JSON.parse(data[2]), bundle);
  // English (no bundle): an empty object; a language tag that is not one falls back to en.
  const en = buildHtml({ cspSource: 'https://x', nonce: 'n1', scriptUri: 'https://x/main.js', styleUri: 'https://x/style.css', l10n: { language: '"><b', bundle: undefined } });
  assert.match(en, /<html lang="en">/);
  assert.match(en, /<script type="application\/json" id="memmap-l10n">\{\}<\/script>/);
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

// ---- every rejection says why (the reason is what the runner's protocol error and the logs show) ----

test('runner commands: each rejection has its own reason', () => {
  const reason = (x: unknown) => {
    const r = parseToRunner(x);
    assert.equal(r.ok, false, JSON.stringify(x));
    return r.ok ? '' : r.reason;
  };
  assert.equal(reason(7), 'message 7 is not an object');
  assert.equal(reason({ type: 'start' }), 'start needs parameters');
  assert.equal(reason({ type: 'start', parameters: {}, paused: 1 }), 'start.paused must be a boolean');
  assert.equal(reason({ type: 'start', parameters: {}, events: 'yes' }), 'start.events must be a boolean');
  assert.equal(reason({ type: 'start', parameters: {}, allEvents: 1 }), 'start.allEvents must be a boolean');
  const all = parseToRunner({ type: 'start', parameters: {}, events: true, allEvents: true });
  assert.equal(all.ok && all.value.type === 'start' && all.value.allEvents, true, 'allEvents is kept');
  assert.equal(reason({ type: 'step', count: 1, until: 'grow' }), 'step takes count or until, not both');
  assert.equal(reason({ type: 'step', count: 0 }), 'step count 0 is not allowed; allowed: a whole number from 1 to 1000000000');
  assert.equal(reason({ type: 'zap' }), 'unknown message type "zap"');
  assert.deepEqual(parseToRunner({ type: 'start', parameters: {}, paused: true, events: false }).ok, true);
  assert.deepEqual(parseToRunner({ type: 'cancel', extra: 1 }), { ok: true, value: { type: 'cancel' } });
  assert.deepEqual(parseToRunner({ type: 'resume' }), { ok: true, value: { type: 'resume' } });
  // the step count's edges: 1 and 1e9 allowed, 0 and 1e9 + 1 not
  assert.deepEqual(parseStep(1, undefined), { ok: true, value: { count: 1 } });
  assert.deepEqual(parseStep(1_000_000_000, undefined), { ok: true, value: { count: 1_000_000_000 } });
  assert.equal(parseStep(1_000_000_001, undefined).ok, false);
});

test('reasons quote a value of at most 120 characters, then say how long it was', () => {
  const r120 = parseToRunner({ type: 'x'.repeat(118) }); // JSON: 120 chars with the quotes
  assert.ok(!r120.ok);
  assert.equal(r120.reason, `unknown message type "${'x'.repeat(118)}"`);
  const r121 = parseToRunner({ type: 'x'.repeat(119) });
  assert.ok(!r121.ok);
  assert.equal(r121.reason, `unknown message type "${'x'.repeat(119)}… (121 chars)`);
});

test('runner messages: each rejection has its own reason', () => {
  const reason = (x: unknown) => {
    const r = parseFromRunner(x);
    assert.equal(r.ok, false, JSON.stringify(x).slice(0, 100));
    return r.ok ? '' : r.reason;
  };
  assert.equal(reason(null), 'message null is not an object');
  assert.equal(reason({ type: 'teleport' }), 'unknown message type "teleport"');
  assert.equal(reason({ ...GOOD.hello, protocolVersion: 2 }), 'protocol version 2 is not 1');
  assert.equal(reason({ ...GOOD.hello, pid: -1 }), 'hello lacks libraryVersion, platform, or a number not below 0 for pid');
  assert.equal(reason({ ...GOOD.hello, platform: 3 }), 'hello lacks libraryVersion, platform, or a number not below 0 for pid, pageSize, granularity');
  assert.equal(reason({ ...GOOD.sample, ops: -1 }), 'sample lacks elapsedMs, ops, phase, counters or process figures (ops: a finite number not below 0 expected)');
  assert.equal(reason({ ...GOOD.sample, process: { ...proc, diskBytes: -1 } }), 'sample lacks elapsedMs, ops, phase, counters or process figures (process.diskBytes: a finite number not below 0 expected)');
  assert.equal(reason({ ...GOOD.sample, process: 5 }), 'sample lacks elapsedMs, ops, phase, counters or process figures (process.(not an object): a finite number not below 0 expected)');
  assert.equal(reason({ ...GOOD.sample, process: { ...proc, processTotals: { ...totals, majorFaults: NaN } } }),
    'sample lacks elapsedMs, ops, phase, counters or process figures (process.processTotals.majorFaults: a finite number not below 0 expected)');
  assert.equal(reason({ ...GOOD.sample, phase: 'dance' }), 'sample lacks elapsedMs, ops, phase, counters or process figures (phase: a finite number not below 0 expected)');
  assert.equal(reason({ ...GOOD.event, dropped: -1 }), 'event needs events[] and dropped (a finite number not below 0)');
  assert.equal(reason({ ...GOOD.event, events: [{ kind: 'alloc' }] }), 'event has a malformed entry');
  assert.equal(reason({ ...GOOD.state, ops: -1 }), 'state needs state and ops');
  assert.equal(reason({ ...GOOD.done, result: 3 }), 'done needs a result with stats, process figures and verified (result)');
  const result = GOOD.done.result as Record<string, unknown>;
  assert.equal(reason({ ...GOOD.done, result: { ...result, items: -1 } }), 'done needs a result with stats, process figures and verified (items)');
  assert.equal(reason({ ...GOOD.done, result: { ...result, stats: { ...seedStats, fileSize: -1 } } }), 'done needs a result with stats, process figures and verified (stats.fileSize)');
  assert.equal(reason({ ...GOOD.done, result: { ...result, process: { ...(result.process as object), virtualBytes: -1 } } }), 'done needs a result with stats, process figures and verified (process.virtualBytes)');
  assert.equal(reason({ ...GOOD.done, result: { ...result, process: { ...(result.process as object), processTotals: {} } } }), 'done needs a result with stats, process figures and verified (process.processTotals.minorFaults)');
  assert.equal(reason({ ...GOOD.done, result: { ...result, verified: 1 } }), 'done needs a result with stats, process figures and verified (verified or failure)');
  assert.equal(reason({ ...GOOD.error, code: 'weird' }), 'error needs a known code and a message');
  assert.equal(reason({ ...GOOD.error, message: 5 }), 'error needs a known code and a message');
  assert.equal(reason({ ...GOOD.error, failure: { ...failure, item: -1 } }), 'error.failure needs item, offset, expected and found');
});

test('runner messages: every phase and state is accepted, an event list must be all good', () => {
  for (const phase of ['alloc', 'verify', 'free', 'random', 'done']) assert.ok(parseFromRunner({ ...GOOD.sample, phase }).ok, phase);
  for (const state of ['running', 'pausing', 'paused', 'idle']) assert.ok(parseFromRunner({ ...GOOD.state, state }).ok, state);
  const ev = (GOOD.event.events as object[])[0];
  assert.ok(parseFromRunner({ ...GOOD.event, events: [] }).ok, 'no events');
  assert.ok(parseFromRunner({ ...GOOD.event, events: [ev, ev] }).ok, 'two good events');
  assert.equal(parseFromRunner({ ...GOOD.event, events: [ev, { ...ev, kind: 'teleport' }] }).ok, false, 'a bad one after a good one');
  assert.equal(parseFromRunner({ ...GOOD.event, events: [{ ...ev, size: -4 }, ev] }).ok, false, 'a bad one before a good one');
});

test('webview messages: values passed on exactly, each rejection with its reason, size limits at their edges', () => {
  const reason = (x: unknown) => {
    const r = parseFromWebview(x);
    assert.equal(r.ok, false, String((x as { type?: unknown })?.type ?? x));
    return r.ok ? '' : r.reason;
  };
  assert.deepEqual(parseFromWebview({ type: 'run', parameters: { items: 5 } }), { ok: true, value: { type: 'run', parameters: { items: 5 }, paused: false } });
  assert.deepEqual(parseFromWebview({ type: 'run', parameters: {}, paused: true }), { ok: true, value: { type: 'run', parameters: {}, paused: true } });
  assert.deepEqual(parseFromWebview({ type: 'run', parameters: {}, paused: false }), { ok: true, value: { type: 'run', parameters: {}, paused: false } });
  assert.deepEqual(parseFromWebview({ type: 'step', count: 3 }), { ok: true, value: { type: 'step', count: 3, until: undefined } });
  assert.deepEqual(parseFromWebview({ type: 'exportHistory', format: 'csv' }), { ok: true, value: { type: 'exportHistory', format: 'csv' } });
  assert.deepEqual(parseFromWebview({ type: 'exportHistory', format: 'json' }), { ok: true, value: { type: 'exportHistory', format: 'json' } });
  for (const t of ['ready', 'pause', 'resume', 'stop', 'reset']) assert.deepEqual(parseFromWebview({ type: t }), { ok: true, value: { type: t } });
  assert.equal(reason('x'), 'message "x" is not an object');
  assert.equal(reason({ type: 'run' }), 'run needs parameters');
  assert.equal(reason({ type: 'run', parameters: {}, paused: 'no' }), 'run.paused must be a boolean');
  assert.equal(reason({ type: 'exportHistory', format: 'xml' }), 'exportHistory format must be json or csv');
  assert.equal(reason({ type: 'zap' }), 'unknown message type "zap"');
  const cyclic: Record<string, unknown> = { type: 'run' };
  cyclic.self = cyclic;
  assert.equal(reason(cyclic), 'message cannot be serialised');
  // 64 KiB of JSON is allowed, one character more is not
  const fill = (n: number) => ({ type: 'stop', pad: 'x'.repeat(n - JSON.stringify({ type: 'stop', pad: '' }).length) });
  assert.equal(JSON.stringify(fill(65536)).length, 65536);
  assert.ok(parseFromWebview(fill(65536)).ok);
  assert.equal(reason(fill(65537)), 'message of 65537 chars is larger than 65536');
  // PNG: 16 MiB of data URL allowed, one more not
  const prefix = 'data:image/png;base64,';
  const png = (n: number) => prefix + 'A'.repeat(n - prefix.length);
  assert.ok(parseFromWebview({ type: 'exportPng', dataUrl: png(16 * 1024 * 1024) }).ok);
  assert.equal(reason({ type: 'exportPng', dataUrl: png(16 * 1024 * 1024 + 1) }), `exportPng image of ${16 * 1024 * 1024 + 1} chars is larger than ${16 * 1024 * 1024}`);
  assert.equal(reason({ type: 'exportPng', dataUrl: 'data:text/plain,x' }), 'exportPng needs a data:image/png;base64 URL');
  assert.equal(reason({ type: 'exportPng', dataUrl: prefix + '<' }), 'exportPng image is not base64');
  assert.equal(reason({ type: 'exportPng', dataUrl: prefix + 'AA==', x: 1 }), 'exportPng takes only dataUrl');
});

test('runner messages: a valid message of each kind comes out equal to what was sent', () => {
  for (const [kind, m] of Object.entries(GOOD)) {
    const r = parseFromRunner(m);
    assert.ok(r.ok, kind);
    assert.deepEqual(r.value, m, kind);
  }
  const bad = parseFromRunner({ ...GOOD.event, events: [{ ...(GOOD.event.events as object[])[0], strategy: 'stretch' }] });
  assert.equal(!bad.ok && bad.reason, 'event has a malformed entry');
});
