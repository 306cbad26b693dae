// parseScenarioFile(): one object or a list, ranges in the text, validation, expectations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareExpectation, parseScenarioFile } from '../../../common/scenarioFiles';
import { DEFAULT_PARAMETERS } from '../../../common/parameters';
import type { RunResult } from '../../../common/protocol';
import { resolveDirectory } from '../../../extension/settings';

const parse = (text: string) => parseScenarioFile(text, 4096, DEFAULT_PARAMETERS);

test('a single object', () => {
  const f = parse('{"name": "MyDiskGrow", "scenario": "grow", "mode": "disk", "items": 20000}');
  assert.equal(f.error, undefined);
  assert.equal(f.scenarios.length, 1);
  const s = f.scenarios[0];
  assert.equal(s.name, 'MyDiskGrow');
  assert.equal(s.error, undefined);
  assert.equal(s.parameters?.mode, 'disk');
  assert.equal(s.parameters?.items, 20000);
  assert.equal(s.parameters?.viewSize, DEFAULT_PARAMETERS.viewSize);
  assert.deepEqual(s.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 74 } });
});

test('a list: each element gets its own range', () => {
  const text = [
    '[',
    '  {"name": "A", "items": 10},',
    '  {',
    '    "name": "B, with \\"quotes\\" and ] [ { }",',
    '    "scenario": "random", "iterations": 3',
    '  }',
    ']',
  ].join('\n');
  const f = parse(text);
  assert.equal(f.error, undefined);
  assert.deepEqual(f.scenarios.map((s) => s.name), ['A', 'B, with "quotes" and ] [ { }']);
  assert.deepEqual(f.scenarios[0].range, { start: { line: 1, character: 2 }, end: { line: 1, character: 28 } });
  assert.deepEqual(f.scenarios[1].range, { start: { line: 2, character: 2 }, end: { line: 5, character: 3 } });
  assert.equal(f.scenarios[1].iterations, 3);
  assert.equal(f.scenarios[1].parameters?.scenario, 'random');
});

test('CRLF and a BOM keep positions right', () => {
  const f = parse('\ufeff[\r\n  {"name": "A"},\r\n  {"name": "B"}\r\n]\r\n');
  assert.deepEqual(f.scenarios.map((s) => [s.range.start.line, s.range.start.character]), [[1, 2], [2, 2]]);
});

test('impossible parameters: the scenario carries the validation message', () => {
  const f = parse('[{"name": "V", "viewSize": 100000}, {"name": "Z", "items": 0}]');
  assert.equal(f.error, undefined);
  assert.match(f.scenarios[0].error ?? '', /viewSize .* not a multiple of the granularity/);
  assert.match(f.scenarios[1].error ?? '', /items 0 is not allowed; allowed: a whole number from 1/);
  assert.equal(f.scenarios[0].parameters, undefined);
});

test('missing name, unknown field, bad iterations, duplicate names', () => {
  const f = parse('[{"items": 5}, {"name": "X", "itemz": 5}, {"name": "Y", "iterations": 0}, {"name": "Y"}]');
  assert.equal(f.scenarios[0].name, '#1');
  assert.match(f.scenarios[0].error ?? '', /name is missing/);
  // The allowed list names the scenario's own keys as well as the run parameters.
  assert.match(f.scenarios[1].error ?? '', /^key "itemz" is not allowed in a scenario; allowed: name, iterations, expect, addressBudget, memoryBudget and the run parameters \(scenario, mode, items, viewSize, initialFileSize, granularity, offsetBits, growth, view, prefault, diskDir, seed, coldVerify\)$/);
  assert.match(f.scenarios[2].error ?? '', /iterations 0 is not allowed/);
  assert.match(f.scenarios[3].error ?? '', /used twice/);
});

test('not JSON: a file-level error at the position', () => {
  const f = parse('{ "name": "Broken", "items": 1000, }\n');
  assert.equal(f.scenarios.length, 0);
  assert.match(f.error?.message ?? '', /not valid JSON/);
  assert.equal(f.error?.range.start.line, 0);
  assert.ok((f.error?.range.start.character ?? 0) > 30);
  assert.match(parse('').error?.message ?? '', /empty/);
  assert.match(parse('42').error?.message ?? '', /allowed: a scenario object or a list/);
  assert.match(parse('[1]').scenarios[0].error ?? '', /is 1; allowed: an object/);
});

test('expect: counters are checked, unknown ones rejected', () => {
  const f = parse('{"name": "E", "expect": {"allocs": 3, "verified": true}}');
  assert.deepEqual(f.scenarios[0].expect, { allocs: 3, verified: true });
  assert.match(parse('{"name": "E", "expect": {"alocs": 3}}').scenarios[0].error ?? '', /unknown counter "alocs"/);
  const result = { verified: true, stats: { allocs: 4, deletions: 0 } } as unknown as RunResult;
  assert.deepEqual(compareExpectation({ allocs: 3, verified: true }, result), [{ what: 'allocs', expected: '3', actual: '4' }]);
  assert.deepEqual(compareExpectation({ allocs: 4 }, result), []);
  assert.deepEqual(compareExpectation(undefined, result), []);
});

test('the fixture files parse as intended', async () => {
  const { readFileSync } = await import('node:fs');
  const example = parse(readFileSync('test/fixtures/workspace/example.memmap.json', 'utf8'));
  assert.deepEqual(example.scenarios.map((s) => [s.name, s.error]), [['MyDiskGrow', undefined]]);
  const impossible = parse(readFileSync('test/fixtures/failing-scenarios/impossible.memmap.json', 'utf8'));
  assert.ok(impossible.scenarios.every((s) => s.error), 'every impossible scenario has an error');
  assert.ok(parse(readFileSync('test/fixtures/failing-scenarios/broken.memmap.json', 'utf8')).error);
});

test('__proto__ in a scenario: rejected by name, and never used as a prototype', () => {
  // The repro: the fields hidden in __proto__ must not reach validation.
  const f = parse('[{"name":"p","__proto__":{"items":7,"mode":"disk","diskDir":"/x"}}]');
  const s = f.scenarios[0];
  assert.equal(s.name, 'p');
  assert.equal(s.parameters, undefined, 'a scenario with __proto__ does not run');
  assert.match(s.error ?? '', /key "__proto__" is not allowed in a scenario; allowed: name, iterations, expect, addressBudget, memoryBudget and the run parameters/);
  // Nothing of the planted object is visible through raw, own or inherited.
  assert.equal(Object.getPrototypeOf(s.raw), null);
  assert.equal((s.raw as Record<string, unknown>).items, undefined);
  assert.equal((s.raw as Record<string, unknown>).mode, undefined);
  assert.equal((s.raw as Record<string, unknown>).diskDir, undefined);
});

test('constructor and prototype keys are rejected too; __proto__ inside expect is an unknown counter', () => {
  assert.match(parse('{"name":"c","constructor":{"items":7}}').scenarios[0].error ?? '', /key "constructor" is not allowed in a scenario/);
  assert.match(parse('{"name":"c","prototype":1}').scenarios[0].error ?? '', /key "prototype" is not allowed in a scenario/);
  const e = parse('{"name":"e","expect":{"__proto__":{"allocs":1}}}').scenarios[0];
  assert.match(e.error ?? '', /unknown counter "__proto__" in expect/);
  assert.equal(e.expect, undefined);
});

test('a scenario parses into null-prototype objects: inherited names are not fields', () => {
  // "toString" or "hasOwnProperty" would be found through Object.prototype on a plain object.
  const s = parse('{"name":"n","items":5}').scenarios[0];
  assert.equal(s.error, undefined);
  assert.equal(Object.getPrototypeOf(s.raw), null);
  assert.deepEqual(Object.keys(s.raw), ['items']);
});

test('a relative diskDir resolves against the file\'s workspace folder', () => {
  const at = (text: string, baseDir?: string) => parseScenarioFile(text, 4096, DEFAULT_PARAMETERS, { resolveDirectory: (dir) => resolveDirectory(dir, baseDir) }).scenarios[0];
  const s = at('{"name":"r","mode":"disk","diskDir":"out/mm"}', '/home/u/ws');
  assert.equal(s.error, undefined);
  assert.equal(s.parameters?.diskDir, '/home/u/ws/out/mm');
  assert.equal((s.raw as Record<string, unknown>).diskDir, '/home/u/ws/out/mm', 'the run validates the resolved path again');
  assert.equal(at('{"name":"r","diskDir":"./x"}', '/w').parameters?.diskDir, '/w/x');
  assert.equal(at('{"name":"a","diskDir":"/abs"}', '/w').parameters?.diskDir, '/abs');
  const none = at('{"name":"r","diskDir":"out"}');
  assert.equal(none.parameters, undefined);
  assert.match(none.error ?? '', /diskDir "out" is a relative path and the file is in no workspace folder; allowed: an absolute path/);
});
