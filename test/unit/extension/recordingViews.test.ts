// The recording editor's and the comparison's webviews are untrusted: every
// message is checked before it is acted on (issue 17); the page shown for a
// recording that cannot be read runs no script and shows the reason as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFromCompareView, parseFromRecordingView } from '../../../common/messages';
import { buildMessageHtml } from '../../../extension/panel/panelHtml';
import { insightPairs } from '../../../common/recordingSummary';

test('recording editor messages: ready, compare, scrub to one position or one operation', () => {
  assert.deepEqual(parseFromRecordingView({ type: 'ready' }), { ok: true, value: { type: 'ready' } });
  assert.deepEqual(parseFromRecordingView({ type: 'compare' }), { ok: true, value: { type: 'compare' } });
  assert.deepEqual(parseFromRecordingView({ type: 'scrub', position: 0 }), { ok: true, value: { type: 'scrub', position: 0 } });
  assert.deepEqual(parseFromRecordingView({ type: 'scrub', op: 12 }), { ok: true, value: { type: 'scrub', op: 12 } });
  for (const bad of [
    null, 'scrub', [], { type: 'scrub' }, { type: 'scrub', position: -1 }, { type: 'scrub', position: 1.5 }, { type: 'scrub', position: '3' },
    { type: 'scrub', op: 2 ** 53 }, { type: 'scrub', position: 1, op: 1 }, { type: 'scrub', at: 1 }, { type: 'ready', extra: 1 },
    { type: 'run' }, { type: '__proto__' },
  ]) {
    const r = parseFromRecordingView(bad);
    assert.equal(r.ok, false, JSON.stringify(bad));
  }
  const r = parseFromRecordingView({ type: 'scrub', position: -1 });
  assert.equal(r.ok ? '' : r.reason, 'scrub position -1 is not allowed; allowed: a whole number from 0');
});

test('comparison messages: ready, align by ops or time only', () => {
  assert.deepEqual(parseFromCompareView({ type: 'align', by: 'time' }), { ok: true, value: { type: 'align', by: 'time' } });
  assert.deepEqual(parseFromCompareView({ type: 'align', by: 'ops' }), { ok: true, value: { type: 'align', by: 'ops' } });
  assert.deepEqual(parseFromCompareView({ type: 'ready' }), { ok: true, value: { type: 'ready' } });
  const r = parseFromCompareView({ type: 'align', by: 'bytes' });
  assert.equal(r.ok ? '' : r.reason, 'align by "bytes" is not allowed; allowed: ops, time');
  assert.equal(parseFromCompareView({ type: 'zap' }).ok, false);
});

test('the message page: no script at all, the reason escaped', () => {
  const html = buildMessageHtml({ cspSource: 'https://x.vscode-cdn.net', styleUri: 'https://x.vscode-cdn.net/style.css', title: 'a<b>.memmaprun', message: 'line 2 is not JSON: <script>alert(1)</script> & more' });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'none'/);
  assert.doesNotMatch(html, /<script/);
  assert.match(html, /<p id="recording-error" class="error" role="alert">line 2 is not JSON: &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; more<\/p>/);
  assert.match(html, /<h1>a&lt;b&gt;\.memmaprun<\/h1>/);
});

test('the insight data, when a recording has any: an object field by field, anything else whole', () => {
  assert.equal(insightPairs(undefined), undefined);
  assert.equal(insightPairs(null), undefined);
  assert.deepEqual(insightPairs({ verdict: 'the view slides 40 times per growth', growths: 1234567, walls: { heap: 1993831 } }), [
    ['verdict', 'the view slides 40 times per growth'], ['growths', '1,234,567'], ['walls', '{\n "heap": 1993831\n}'],
  ]);
  assert.deepEqual(insightPairs(['a', 'b']), [['insight', '[\n "a",\n "b"\n]']]);
  assert.equal(insightPairs({ big: 'x'.repeat(3000) })![0][1].length, 3000, 'text is kept whole');
  assert.equal(insightPairs({ big: ['x'.repeat(3000)] })![0][1].length, 2001, 'JSON is cut at 2,000 characters and marked');
});
