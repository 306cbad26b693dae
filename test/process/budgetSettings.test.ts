// Budgets in the settings, in *.memmap.json scenarios (addressBudget,
// memoryBudget, expect.wall) and through runPlan (issue 15).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readSettings, type SettingReader } from '../../extension/settings';
import { parseScenarioFile } from '../../common/scenarioFiles';
import { DEFAULT_PARAMETERS } from '../../common/parameters';
import { RunController } from '../../extension/run/runController';
import { runPlan, type ScenarioPlan } from '../../extension/run/scenarioRunner';

const root = path.resolve(__dirname, '..', '..');
const runnerPath = path.join(root, 'dist', 'runner.js');
const GIB = 2 ** 30;
const MIB = 2 ** 20;

const reader = (values: Record<string, unknown>): SettingReader => (key) => values[key];

test('settings: memmap.addressBudget and memmap.memoryBudget, none by default; an invalid one warns and means none', () => {
  assert.deepEqual(readSettings(reader({}), 4096).budgets, {});
  const s = readSettings(reader({ addressBudget: '4G', memoryBudget: '1G' }), 4096);
  assert.deepEqual(s.budgets, { addressBytes: 4 * GIB, memoryBytes: GIB });
  assert.deepEqual(s.warnings, []);
  assert.deepEqual(readSettings(reader({ addressBudget: 'none', memoryBudget: '' }), 4096).budgets, {});
  const bad = readSettings(reader({ addressBudget: '4X', memoryBudget: 1024 }), 4096);
  assert.deepEqual(bad.budgets, {});
  assert.equal(bad.warnings.length, 2);
  assert.match(bad.warnings[0], /^Setting memmap\.addressBudget: addressBudget "4X" is not a size; allowed: .* from 16 MiB to 64 TiB, or none\. Using none\.$/);
  assert.match(bad.warnings[1], /^Setting memmap\.memoryBudget: memoryBudget 1024 is out of range/);
});

test('package.json declares both settings, restricted in untrusted workspaces', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  for (const key of ['memmap.addressBudget', 'memmap.memoryBudget']) {
    assert.equal(pkg.contributes.configuration.properties[key]?.default, '', key);
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(key), key);
  }
});

test('scenario files: addressBudget, memoryBudget and expect.wall; bad values fail the scenario with what is allowed', () => {
  const f = parseScenarioFile(JSON.stringify([
    { name: 'wall', scenario: 'baseline', items: 3000000, addressBudget: '4G', expect: { wall: 'address' } },
    { name: 'both', scenario: 'grow', mode: 'disk', addressBudget: 4294967296, memoryBudget: '1G' },
    { name: 'none', memoryBudget: 'none' },
    { name: 'badSize', addressBudget: '4X' },
    { name: 'badWall', addressBudget: '4G', expect: { wall: 'disk' } },
  ]), 4096, DEFAULT_PARAMETERS);
  const [wall, both, none, badSize, badWall] = f.scenarios;
  assert.equal(wall.error, undefined);
  assert.deepEqual(wall.budgets, { addressBytes: 4 * GIB });
  assert.deepEqual(wall.expect, { wall: 'address' });
  assert.equal(wall.raw.addressBudget, undefined, 'a budget is not a run parameter');
  assert.deepEqual(both.budgets, { addressBytes: 4 * GIB, memoryBytes: GIB });
  assert.deepEqual(none.budgets, {});
  assert.match(badSize.error ?? '', /^addressBudget "4X" is not a size; allowed: .*, or none$/);
  assert.match(badWall.error ?? '', /^expect\.wall "disk" is not allowed; allowed: address or memory/);
  const schema = JSON.parse(readFileSync(path.join(root, 'schemas', 'memmap.schema.json'), 'utf8'));
  const props = schema.definitions.scenario.properties;
  assert.ok(props.addressBudget && props.memoryBudget && props.expect.properties.wall);
});

test('runPlan: a scenario that expects the heap\'s wall passes when it hits it, and fails when it does not', async () => {
  assert.ok(existsSync(runnerPath));
  const c = new RunController({ runnerPath, log: () => undefined });
  try {
    const plan = (p: Partial<ScenarioPlan>): ScenarioPlan => ({
      id: 'x', name: 'x', source: 'workspace', raw: { scenario: 'baseline', items: 400_000 }, defaults: DEFAULT_PARAMETERS, iterations: 1,
      budgets: { addressBytes: 512 * MIB }, expect: { wall: 'address' }, ...p,
    });
    const opts = { isCancelled: () => false };
    const hit = await runPlan(c, plan({}), opts);
    assert.equal(hit.status, 'passed', hit.message);
    assert.match(hit.output, /Hit its address budget's wall as expected: the heap ran out of its 512 MiB address budget at item /);
    const unexpected = await runPlan(c, plan({ expect: undefined }), opts);
    assert.equal(unexpected.status, 'failed');
    assert.match(unexpected.message ?? '', /^nomem: the heap ran out of its 512 MiB address budget at item /);
    const fits = await runPlan(c, plan({ raw: { scenario: 'baseline', items: 1000 } }), opts);
    assert.equal(fits.status, 'failed');
    assert.match(fits.message ?? '', /expected the run to end at its address budget's wall \(expect\.wall\), but it finished/);
    const counters = await runPlan(c, plan({ expect: { wall: 'address', allocs: 1 } }), opts);
    assert.equal(counters.status, 'failed', 'the counters reached are checked too');
    assert.match(counters.message ?? '', /^allocs: expected 1, got \d+/);
  } finally {
    await c.dispose();
  }
});
