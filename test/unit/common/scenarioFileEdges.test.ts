// common/scenarioFiles.ts at its edges: ranges with whitespace, tabs, CR,
// escapes, nested lists and a BOM; names, iterations and expectations at
// their limits; each message. Expected ranges counted by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareExpectation, parseScenarioFile } from '../../../common/scenarioFiles';
import { DEFAULT_PARAMETERS } from '../../../common/parameters';
import type { RunResult } from '../../../common/protocol';

const parse = (text: string) => parseScenarioFile(text, 4096, DEFAULT_PARAMETERS);
const at = (line: number, character: number) => ({ line, character });

test('ranges: leading whitespace, tabs and CRLF, nested lists, escaped backslashes, a trailing element', () => {
  const text = '\t\r\n [ {"name":"A\\\\","x":[1,{"y":[]}]} ,\r\n\t{"name":"B"},{"name": "C"}  ]  ';
  const f = parse(text);
  assert.deepEqual(f.scenarios.map((s) => s.name), ['A\\', 'B', 'C']);
  assert.deepEqual(f.scenarios.map((s) => s.range), [
    { start: at(1, 3), end: at(1, 34) },
    { start: at(2, 1), end: at(2, 13) },
    { start: at(2, 14), end: at(2, 27) },
  ]);
  assert.match(f.scenarios[0].error ?? '', /key "x" is not allowed in a scenario; allowed: name, iterations, expect, addressBudget, memoryBudget and the run parameters/);
});

test('a single object with surroundings: its range is the object, a BOM keeps the columns', () => {
  const f = parse('\n\n  {"name": "A"}  \n');
  assert.deepEqual(f.scenarios[0].range, { start: at(2, 2), end: at(2, 15) });
  const b = parse('\ufeff{"name": "A"}');
  assert.equal(b.error, undefined);
  assert.deepEqual(b.scenarios[0].range, { start: at(0, 1), end: at(0, 14) });
  const e = parse('\n\n   ');
  assert.equal(e.error?.message, 'the file is empty; allowed: a scenario object or a list of them');
  assert.deepEqual(e.error?.range, { start: at(0, 0), end: at(2, 3) });
  const n = parse('42');
  assert.equal(n.error?.message, 'the file holds 42; allowed: a scenario object or a list of them');
  assert.equal(parse('null').error?.message, 'the file holds null; allowed: a scenario object or a list of them');
  assert.deepEqual(parse('[]').scenarios, []);
});

test('names: trimmed, required, text only; elements must be objects', () => {
  const f = parse('[{"name": "  A  "}, {"name": "   "}, {}, {"name": 5}, 7, [], null]');
  assert.deepEqual(f.scenarios.map((s) => s.name), ['A', '#2', '#3', '#4', '#5', '#6', '#7']);
  assert.equal(f.scenarios[0].error, undefined);
  assert.equal(f.scenarios[1].error, 'name "   " is not allowed; allowed: a non-empty string');
  assert.equal(f.scenarios[2].error, 'name is missing; allowed: a non-empty string');
  assert.equal(f.scenarios[3].error, 'name 5 is not allowed; allowed: a non-empty string');
  assert.equal(f.scenarios[4].error, 'scenario #5 is 7; allowed: an object with a name and run parameters');
  assert.equal(f.scenarios[5].error, 'scenario #6 is (a list); allowed: an object with a name and run parameters');
  assert.equal(f.scenarios[6].error, 'scenario #7 is null; allowed: an object with a name and run parameters');
});

test('iterations: 1 to 1000', () => {
  const f = parse('[{"name":"a","iterations":1},{"name":"b","iterations":1000},{"name":"c","iterations":0},{"name":"d","iterations":1001},{"name":"e","iterations":2.5},{"name":"f"}]');
  assert.deepEqual(f.scenarios.map((s) => s.iterations), [1, 1000, 1, 1, 1, 1]);
  assert.deepEqual(f.scenarios.map((s) => s.error === undefined), [true, true, false, false, false, true]);
  assert.equal(f.scenarios[2].error, 'iterations 0 is not allowed; allowed: a whole number from 1 to 1000');
});

test('several problems of one scenario are listed one per line', () => {
  const f = parse('{"name": 1, "iterations": 0, "items": 0}');
  assert.deepEqual(f.scenarios[0].error?.split('\n'), [
    'name 1 is not allowed; allowed: a non-empty string',
    'iterations 0 is not allowed; allowed: a whole number from 1 to 1000',
    'items 0 is not allowed; allowed: a whole number from 1 to 1,000,000,000 (commas and K, M, G for thousands, millions, billions accepted: 100,000, 1M or 1.5M; a decimal point only before K, M or G)',
  ]);
});

test('expect: counters 0 or more, verified a boolean, nothing else', () => {
  const ok = parse('{"name": "a", "expect": {"allocs": 0, "fileSize": 65536, "verified": false}}');
  assert.equal(ok.scenarios[0].error, undefined);
  assert.deepEqual(ok.scenarios[0].expect, { allocs: 0, fileSize: 65536, verified: false });
  const msg = (expect: string) => parse(`{"name": "a", "expect": ${expect}}`).scenarios[0].error;
  assert.equal(msg('{"allocs": -1}'), 'expect.allocs -1 is not allowed; allowed: a whole number, 0 or more');
  assert.equal(msg('{"allocs": 1.5}'), 'expect.allocs 1.5 is not allowed; allowed: a whole number, 0 or more');
  assert.equal(msg('{"allocs": "3"}'), 'expect.allocs "3" is not allowed; allowed: a whole number, 0 or more');
  assert.equal(msg('{"verified": 1}'), 'expect.verified 1 is not allowed; allowed: true or false');
  assert.equal(msg('{"speed": 1}'), 'unknown counter "speed" in expect; allowed: allocs, deletions, recycledAllocs, bytesAllocated, bytesFreed, fileMaps, mapViews, compactions, freeListBytes, fileSize, verified, wall');
  const allowed = 'allowed: an object of counters (allocs, deletions, recycledAllocs, bytesAllocated, bytesFreed, fileMaps, mapViews, compactions, freeListBytes, fileSize) and verified';
  assert.equal(msg('[]'), `expect (a list) is not allowed; ${allowed}`);
  assert.equal(msg('null'), `expect null is not allowed; ${allowed}`);
  assert.equal(msg('3'), `expect 3 is not allowed; ${allowed}`);
});

test('compareExpectation: verified and each counter', () => {
  const result = { verified: false, stats: { allocs: 4, deletions: 0, fileSize: 65536 } } as unknown as RunResult;
  assert.deepEqual(compareExpectation({ verified: true }, result), [{ what: 'verified', expected: 'true', actual: 'false' }]);
  assert.deepEqual(compareExpectation({ verified: false, allocs: 4, fileSize: 65536 }, result), []);
  assert.deepEqual(compareExpectation({ deletions: 1, fileSize: 1 }, result), [
    { what: 'deletions', expected: '1', actual: '0' }, { what: 'fileSize', expected: '1', actual: '65536' },
  ]);
  assert.deepEqual(compareExpectation(undefined, result), []);
});
