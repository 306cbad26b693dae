// RunGate: workspace scenarios need a trusted workspace; large ones ask once per session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunGate, untrustedScenarioMessage } from '../../../extension/run/trust';
import { DEFAULT_PARAMETERS } from '../../../common/parameters';
import type { ScenarioPlan } from '../../../extension/run/scenarioRunner';

const plan = (items: number, source: ScenarioPlan['source'] = 'workspace', extra: Record<string, unknown> = {}): ScenarioPlan => ({
  id: `file:///w/a.memmap.json#S${items}`, name: `S${items}`, source, raw: { items, ...extra }, defaults: DEFAULT_PARAMETERS, iterations: 1,
});

function gate(trusted: boolean, answers: boolean[] = []) {
  const asked: string[] = [];
  const g = new RunGate({
    isTrusted: () => trusted,
    pageSize: () => 4096,
    confirm: async (message) => { asked.push(message); return answers.shift() ?? false; },
  });
  return { g, asked };
}

test('untrusted: workspace scenarios do not run and say why; seed and settings runs do', async () => {
  const { g, asked } = gate(false);
  assert.deepEqual(await g.admit(plan(10)), { ok: false, status: 'errored', message: untrustedScenarioMessage() });
  assert.match(untrustedScenarioMessage(), /not trusted.*Manage Workspace Trust/);
  assert.deepEqual(await g.admit(plan(10, 'seed')), { ok: true });
  assert.deepEqual(await g.admit(plan(10, 'settings')), { ok: true });
  assert.deepEqual(asked, []);
});

test('trusted: a small scenario runs without a question', async () => {
  const { g, asked } = gate(true);
  assert.deepEqual(await g.admit(plan(100_000)), { ok: true });
  assert.deepEqual(asked, []);
});

test('trusted: a large scenario asks; Run is remembered for the session, Cancel is not', async () => {
  // 5,000,000 grow items in page-file mode: a 16 GiB mapping, 24 GiB at the peak of a copy
  // (64-bit offsets: with 32 the preflight refuses the run before any question).
  const { g, asked } = gate(true, [false, true]);
  const big = plan(5_000_000, 'workspace', { offsetBits: 64 });
  const first = await g.admit(big);
  assert.equal(first.ok, false);
  assert.equal(!first.ok && first.status, 'cancelled');
  assert.match(!first.ok ? first.message : '', /you chose Cancel/);
  assert.equal(asked.length, 1);
  assert.match(asked[0], /"S5000000" needs about 24\.00 GiB of memory\. Run it\?/);
  assert.deepEqual(await g.admit(big), { ok: true });
  assert.equal(asked.length, 2);
  assert.deepEqual(await g.admit(big), { ok: true }, 'remembered');
  assert.equal(asked.length, 2);
  // Other parameters for the same scenario: asked again.
  const { g: g2, asked: asked2 } = gate(true, [true, true]);
  await g2.admit(big);
  await g2.admit(plan(5_000_000, 'workspace', { mode: 'disk', diskDir: '/data', offsetBits: 64 }));
  assert.equal(asked2.length, 2);
  assert.match(asked2[1], /needs about 16\.00 GiB of disk space in \/data/);
});

test('invalid scenarios are left to the run to report', async () => {
  const { g, asked } = gate(true);
  assert.deepEqual(await g.admit(plan(0)), { ok: true });
  assert.deepEqual(await g.admit({ ...plan(5_000_000), error: 'bad' }), { ok: true });
  assert.deepEqual(asked, []);
});

test('untrusted settings: the user value or the default, never the workspace value', async () => {
  const { userLevelValue } = await import('../../../extension/run/trust');
  assert.equal(userLevelValue({ defaultValue: 1, globalValue: 0.02, workspaceValue: 0.01 } as never), 0.02);
  assert.equal(userLevelValue({ defaultValue: 1, workspaceValue: 0.01 } as never), 1);
  assert.equal(userLevelValue(undefined), undefined);
});
