// CSV export: RFC 4180 quoting and CSV-injection neutralisation (OWASP "CSV Injection":
// prefix cells that begin with = + - @ tab or CR with a single quote, and quote the cell).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, historyToCsv } from '../../../extension/commands/exportHistory';
import { DEFAULT_PARAMETERS } from '../../../common/parameters';
import type { RunRecord } from '../../../common/protocol';

test('cells that a spreadsheet would run as a formula become text', () => {
  // Expected values written out by hand from the OWASP rule, not computed.
  assert.equal(csvCell('=1+1'), `"'=1+1"`);
  assert.equal(csvCell('+1'), `"'+1"`);
  assert.equal(csvCell('-2+3'), `"'-2+3"`);
  assert.equal(csvCell('@SUM(A1:A2)'), `"'@SUM(A1:A2)"`);
  assert.equal(csvCell('\t=1'), `"'\t=1"`);
  assert.equal(csvCell('\rX'), `"'\rX"`);
  assert.equal(csvCell('=HYPERLINK("http://x","click")'), `"'=HYPERLINK(""http://x"",""click"")"`);
  // Blanks or control characters before the sign do not hide it.
  assert.equal(csvCell(' =1'), `"' =1"`);
  assert.equal(csvCell('\u0001=1'), `"'\u0001=1"`);
  // Fullwidth signs, which some spreadsheets also accept.
  assert.equal(csvCell('\uff1d1+1'), `"'\uff1d1+1"`);
});

test('ordinary cells are unchanged; quoting as RFC 4180', () => {
  assert.equal(csvCell('MyDiskGrow'), 'MyDiskGrow');
  assert.equal(csvCell('a-b=c'), 'a-b=c', 'a sign inside the text is harmless');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
  assert.equal(csvCell(undefined), '');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(0), '0');
  assert.equal(csvCell(-5), '-5', 'numbers are numbers, never formulas');
  assert.equal(csvCell(true), 'true');
});

test('historyToCsv neutralises a hostile run name and error message', () => {
  const record: RunRecord = {
    id: 'r1', label: '=cmd|\' /C calc\'!A0', startedAt: Date.UTC(2026, 0, 1), parameters: { ...DEFAULT_PARAMETERS },
    error: { code: 'invalid', message: 'x' }, samples: [],
  };
  const csv = historyToCsv([record, { ...record, id: 'r2', label: '@evil' }]);
  const lines = csv.split('\r\n');
  assert.ok(lines[1].startsWith(`"'=cmd|' /C calc'!A0",`), lines[1]);
  assert.ok(lines[2].startsWith(`"'@evil",`), lines[2]);
  assert.ok(!/(^|,)[=+\-@]/.test(lines.slice(1).join('\n')), 'no cell begins with a formula sign');
});
