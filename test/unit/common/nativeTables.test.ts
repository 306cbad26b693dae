// The tables of common/ that mirror the native headers (the counters in
// mm_stats' order, the enumerations, the error codes) read against
// native/include/memmap.h and memmap_lab.h themselves, and the start-up check
// of the error codes against mm_strerror.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { COUNTERS, COUNTER_KEYS, SEED_COUNTER_KEYS } from '../../../common/counters';
import { EXPECT_COUNTER_KEYS } from '../../../common/scenarioFiles';
import {
  BUDGET_KIND_ENUM, checkErrorTable, EVENT_KIND_ENUM, GROWTH_ENUM, LIBRARY_ERROR_ENUM, MODE_ENUM, PHASE_ENUM, SCENARIO_ENUM, VIEW_ENUM,
  type NativeEnumEntry,
} from '../../../common/nativeEnums';

const include = path.resolve(__dirname, '..', '..', '..', 'native', 'include');
const heapHeader = readFileSync(path.join(include, 'memmap.h'), 'utf8');
// The heap's API (memmap.h) and the lab driver's (memmap_lab.h: scenarios, phases, budgets).
const header = heapHeader + '\n' + readFileSync(path.join(include, 'memmap_lab.h'), 'utf8');

test('the counters table lists the fields of mm_stats, in the order of memmap.h', () => {
  const body = /typedef struct mm_stats \{([\s\S]*?)\} mm_stats;/.exec(heapHeader)?.[1] ?? assert.fail('mm_stats not found in memmap.h');
  const fields = [...body.matchAll(/uint64_t\s+(\w+);/g)].map((m) => m[1]);
  assert.equal(fields.length, 17);
  assert.deepEqual(COUNTERS.map((c) => c.cField), fields);
  assert.equal(new Set(COUNTER_KEYS).size, COUNTER_KEYS.length);
  // The seed's GetStats() counters: the first ten of the struct.
  assert.deepEqual([...SEED_COUNTER_KEYS], ['allocs', 'deletions', 'recycledAllocs', 'bytesAllocated', 'bytesFreed', 'fileMaps', 'mapViews', 'compactions', 'freeListBytes', 'fileSize']);
});

test('every enumeration table has the constants and values of memmap.h', () => {
  const tables: [string, readonly NativeEnumEntry[]][] = [
    ['mode', MODE_ENUM], ['growth', GROWTH_ENUM], ['view', VIEW_ENUM], ['scenario', SCENARIO_ENUM], ['event kind', EVENT_KIND_ENUM],
    ['phase', PHASE_ENUM], ['budget kind', BUDGET_KIND_ENUM], ['error', LIBRARY_ERROR_ENUM],
  ];
  for (const [what, table] of tables) {
    for (const e of table) {
      const m = new RegExp(`\\b${e.c}\\s*=\\s*(-?\\d+)`).exec(header);
      assert.ok(m, `${what}: ${e.c} is not in memmap.h or memmap_lab.h`);
      assert.equal(Number(m[1]), e.value, `${what}: ${e.c}`);
    }
    assert.equal(new Set(table.map((e) => e.name)).size, table.length, `${what}: names repeat`);
  }
  // Every MM_E* error code of the header is in the table.
  const codes = [...new Set([...header.matchAll(/\b(MM_E[A-Z]+)\s*=\s*-\d+/g)].map((m) => m[1]))].sort();
  assert.deepEqual(LIBRARY_ERROR_ENUM.map((e) => e.c).sort(), codes);
});

test('the error table is checked against the library\'s mm_strerror at start-up', () => {
  const texts = new Map<number, string>(LIBRARY_ERROR_ENUM.map((e) => [e.value, `text of ${e.c}`]));
  const strerror = (extra: Map<number, string>) => (code: number) => extra.get(code) ?? texts.get(code) ?? 'unknown error code';
  assert.doesNotThrow(() => checkErrorTable(strerror(new Map())));
  // The library knows one more code than the table.
  assert.throws(() => checkErrorTable(strerror(new Map([[-12, 'a new error']]))), /knows error code -12 \("a new error"\), which common\/nativeEnums\.ts lacks/);
  // The library lacks a code of the table.
  assert.throws(() => checkErrorTable(strerror(new Map([[-5, 'unknown error code']]))), /does not know error code -5 \(MM_ETOOBIG, "toobig"\)/);
  // Two codes with one text: the values are shifted.
  assert.throws(() => checkErrorTable(strerror(new Map([[-3, 'text of MM_ENOMEM']]))), /error codes MM_ENOMEM and MM_ENOSPC the same text/);
});

test('the scenario-file schema offers exactly the expect keys of the counters table', () => {
  const schema = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', '..', 'schemas', 'memmap.schema.json'), 'utf8'));
  const expect = schema.definitions.scenario.properties.expect.properties as Record<string, { type?: string }>;
  const counters = Object.keys(expect).filter((k) => k !== 'verified' && k !== 'wall');
  assert.deepEqual(counters.sort(), [...EXPECT_COUNTER_KEYS].sort());
  for (const k of counters) assert.equal(expect[k].type, 'integer', k);
});
