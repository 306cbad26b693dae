// runPlan (extension/scenarioRunner.ts) with a scripted stand-in for the
// RunController: what each way a scenario can end reports (status, message,
// output), how many runs it starts, and the benchmark summary. Every expected
// text and number is written out here by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPlan, type RunPlanOptions, type ScenarioPlan } from '../../../extension/run/scenarioRunner';
import { DEFAULT_PARAMETERS } from '../../../common/parameters';
import type { BudgetRequest, HelloMessage, RunParameters, RunResult } from '../../../common/protocol';
import type { RunController, RunOutcome } from '../../../extension/run/runController';

/** One scripted run: what controller.run resolves with (or the error it throws). */
interface Step {
  result?: RunResult;
  error?: RunOutcome['error'];
  failure?: RunOutcome['failure'];
  budgetFailure?: RunOutcome['budgetFailure'];
  throws?: string;
}

/** The three members runPlan uses: ensureRunner, isRunning and run. */
class ScriptedController {
  readonly runs: { parameters: RunParameters; label?: string; events?: boolean; budgets?: BudgetRequest }[] = [];
  ensureCalls = 0;
  isRunning = false;
  constructor(private readonly steps: Step[], private readonly startError?: string) {}

  async ensureRunner(): Promise<HelloMessage> {
    this.ensureCalls++;
    if (this.startError) throw new Error(this.startError);
    return { type: 'hello', protocolVersion: 1, platform: 'linux', arch: 'x64', pid: 1, pageSize: 4096, granularity: 65536, libraryVersion: '1.0.0' };
  }

  async run(parameters: RunParameters, opts: { label?: string; events?: boolean; budgets?: BudgetRequest } = {}): Promise<RunOutcome> {
    this.runs.push({ parameters, ...opts });
    const step = this.steps.shift();
    if (!step) throw new Error('the test scripted no more runs');
    if (step.throws) throw new Error(step.throws);
    const record = { id: `r${this.runs.length}`, label: opts.label ?? '', startedAt: 0, parameters, samples: [], result: step.result, error: step.error };
    return { record, ok: !step.error && !step.failure, error: step.error, failure: step.failure, budgetFailure: step.budgetFailure };
  }
}

const controller = (c: ScriptedController): RunController => c as unknown as RunController;

function result(over: Partial<RunResult> = {}, allocs = 1000): RunResult {
  return {
    scenario: 'grow', mode: 'pagefile', offsetBits: 32, items: 1000, viewSize: 131072, initialFileSize: 65536, granularity: 65536,
    growth: 'seed', view: 'sliding', prefault: false, verified: true, elapsedMs: 10,
    stats: { allocs, deletions: 0, recycledAllocs: 0, bytesAllocated: 2000, bytesFreed: 0, fileMaps: 1, mapViews: 2, compactions: 0, freeListBytes: 0, fileSize: 65536 },
    process: { peakRssBytes: 1, virtualBytes: 2, minorFaults: 3, majorFaults: 0, processTotals: { minorFaults: 3, majorFaults: 0, peakRssBytes: 1 } },
    ...over,
  } as RunResult;
}

function plan(over: Partial<ScenarioPlan> = {}): ScenarioPlan {
  return { id: 'seed:T', name: 'T', source: 'seed', raw: { items: 1000 }, defaults: DEFAULT_PARAMETERS, iterations: 1, ...over };
}

const opts = (over: Partial<RunPlanOptions> = {}): RunPlanOptions => ({ isCancelled: () => false, ...over });

test('runPlan: a plan known to be broken fails with its reason and never starts the runner', async () => {
  const c = new ScriptedController([]);
  const o = await runPlan(controller(c), plan({ error: 'items 0 is not allowed' }), opts());
  assert.equal(o.status, 'failed');
  assert.equal(o.message, 'items 0 is not allowed');
  assert.equal(o.output, 'Failed: items 0 is not allowed\r\n');
  assert.equal(c.ensureCalls, 0);
  assert.equal(c.runs.length, 0);
});

test('runPlan: a runner that does not start is an error, not a failure', async () => {
  const o = await runPlan(controller(new ScriptedController([], 'spawn ENOENT')), plan(), opts());
  assert.equal(o.status, 'errored');
  assert.equal(o.message, 'the runner did not start: spawn ENOENT');
});

test('runPlan: parameters the runner\'s page size does not allow fail before any run', async () => {
  const c = new ScriptedController([]);
  const o = await runPlan(controller(c), plan({ raw: { items: 0 } }), opts());
  assert.equal(o.status, 'failed');
  assert.match(o.message ?? '', /items 0 is not allowed/);
  assert.equal(c.runs.length, 0);
});

test('runPlan: a passing run: the validated parameters, the plan\'s label and budgets, the seed\'s output', async () => {
  const c = new ScriptedController([{ result: result() }]);
  const budgets: BudgetRequest = { addressBytes: 1 << 30 };
  const outputs: string[] = [];
  const o = await runPlan(controller(c), plan({ budgets }), opts({ onOutput: (t) => outputs.push(t) }));
  assert.equal(o.status, 'passed');
  assert.equal(o.message, undefined);
  assert.equal(o.results.length, 1);
  assert.deepEqual(c.runs.map((r) => [r.label, r.events, r.budgets]), [['T', false, budgets]]);
  assert.equal(c.runs[0].parameters.items, 1000);
  assert.equal(c.runs[0].parameters.scenario, 'grow', 'the defaults fill what the plan leaves out');
  // The seed's TestContext lines: a date line, then " T WithPageFile <stats>", the total, and the summary.
  const lines = o.output.split('\r\n');
  assert.equal(lines[1], ' T WithPageFile #Allocs =1000 #del = 0 #recycle=0 TotAlloc= 2000  TotDel = 0 nFileMaps=1');
  assert.equal(lines[2], '   nMapViews = 2  nCompcts = 0, nFreeListsize = 0, ulMemSize = 65536, ViewSize = 131072, InitSize = 65536');
  assert.equal(lines[3], 'Total bytes = 2,000');
  assert.equal(lines[4], '1,000 items, 10.0 ms, verified');
  assert.equal(outputs.join(''), o.output, 'the output is streamed as it is written');
  assert.equal(o.benchmark, undefined);
});

test('runPlan: a benchmark runs every iteration, labels them, and reports median and spread', async () => {
  const c = new ScriptedController([{ result: result({ elapsedMs: 30 }) }, { result: result({ elapsedMs: 10 }) }, { result: result({ elapsedMs: 14 }) }]);
  const seen: string[] = [];
  const o = await runPlan(controller(c), plan({ iterations: 1 }), opts({ iterations: 3, benchmark: true, events: true, onIteration: (i, n) => seen.push(`${i}/${n}`) }));
  assert.equal(o.status, 'passed');
  assert.deepEqual(seen, ['1/3', '2/3', '3/3']);
  assert.deepEqual(c.runs.map((r) => [r.label, r.events]), [['T (1/3)', true], ['T (2/3)', true], ['T (3/3)', true]]);
  // times 10, 14, 30: median 14, spread 30 - 10 = 20, 20 / 14 = 142.857...%
  assert.deepEqual(o.benchmark, { iterations: 3, medianMs: 14, minMs: 10, maxMs: 30, spreadMs: 20, spreadPercent: (20 / 14) * 100 });
  assert.ok(o.output.endsWith('Benchmark T: 3 iteration(s), median 14.0 ms, spread 20.0 ms (142.9% of the median; min 10.0 ms, max 30.0 ms)\r\n'), o.output);
});

test('runPlan: cancelled between iterations: no further run starts', async () => {
  const c = new ScriptedController([{ result: result() }, { result: result() }]);
  let cancelled = false;
  const o = await runPlan(controller(c), plan({ iterations: 2 }), opts({ isCancelled: () => cancelled, onIteration: () => { cancelled = true; } }));
  assert.equal(o.status, 'cancelled');
  assert.equal(o.message, 'the run was cancelled');
  assert.equal(c.runs.length, 1);
  assert.ok(o.output.endsWith('Cancelled: the run was cancelled\r\n'));
});

test('runPlan: another run in progress is an error and starts nothing', async () => {
  const c = new ScriptedController([{ result: result() }]);
  c.isRunning = true;
  const o = await runPlan(controller(c), plan(), opts());
  assert.equal(o.status, 'errored');
  assert.equal(o.message, 'another run is in progress; stop it first (MemMap: Stop)');
  assert.equal(c.runs.length, 0);
});

test('runPlan: a run that throws is an error with its message', async () => {
  const o = await runPlan(controller(new ScriptedController([{ throws: 'a run is already in progress; stop it first' }])), plan(), opts());
  assert.equal(o.status, 'errored');
  assert.equal(o.message, 'a run is already in progress; stop it first');
});

test('runPlan: a byte that did not verify fails, naming the item, the offset in hex and both bytes', async () => {
  const failure = { item: 5, offset: 300, expected: 0x41, found: 0 };
  const o = await runPlan(controller(new ScriptedController([{ result: result({ verified: false }), failure, error: { code: 'verify', message: 'x' } }])), plan(), opts());
  assert.equal(o.status, 'failed');
  assert.equal(o.message, 'verification failed at item 5, offset 300 (0x12c): expected byte 0x41 \'A\', found 0x00');
  assert.deepEqual(o.failure, failure);
});

test('runPlan: error codes: the scenario\'s own fault fails, the machinery\'s errs, cancel cancels', async () => {
  const cases: [NonNullable<RunOutcome['error']>['code'], string][] = [
    ['invalid', 'failed'], ['verify', 'failed'], ['toobig', 'failed'], ['overflow', 'failed'], ['nospace', 'failed'],
    ['io', 'errored'], ['crashed', 'errored'], ['internal', 'errored'], ['cancelled', 'cancelled'],
  ];
  for (const [code, status] of cases) {
    const o = await runPlan(controller(new ScriptedController([{ error: { code, message: 'why' } }])), plan(), opts());
    assert.equal(o.status, status, code);
    assert.equal(o.message, code === 'cancelled' ? 'the run was cancelled' : `${code}: why`, code);
  }
});

test('runPlan: no result and no error is an error; an unverified result fails', async () => {
  const none = await runPlan(controller(new ScriptedController([{}])), plan(), opts());
  assert.equal(none.status, 'errored');
  assert.equal(none.message, 'the runner ended without a result');
  const bad = await runPlan(controller(new ScriptedController([{ result: result({ verified: false }) }])), plan(), opts());
  assert.equal(bad.status, 'failed');
  assert.equal(bad.message, 'the stored data did not verify');
});

test('runPlan: expected counters: a mismatch fails with each difference, a match passes', async () => {
  const wrong = await runPlan(controller(new ScriptedController([{ result: result() }])), plan({ expect: { allocs: 999, fileMaps: 1 } }), opts());
  assert.equal(wrong.status, 'failed');
  assert.equal(wrong.message, 'allocs: expected 999, got 1000');
  assert.deepEqual(wrong.mismatches, [{ what: 'allocs', expected: '999', actual: '1000' }]);
  const right = await runPlan(controller(new ScriptedController([{ result: result() }])), plan({ expect: { allocs: 1000, fileMaps: 1 } }), opts());
  assert.equal(right.status, 'passed');
});

test('runPlan: a budget\'s wall: expected (expect.wall) passes, unexpected fails as nomem, missing when expected fails', async () => {
  const budgetFailure = { code: 'nomem' as const, budget: 'address' as const, atItem: 900, storedBytes: 1800, budgetBytes: 1 << 30 };
  const hit: Step = { result: result({}, 899), error: { code: 'nomem', message: 'the address budget ran out at item 900' }, budgetFailure };

  const expected = await runPlan(controller(new ScriptedController([{ ...hit }])), plan({ expect: { wall: 'address', allocs: 899 } }), opts());
  assert.equal(expected.status, 'passed', expected.message);
  assert.match(expected.output, /Hit its address budget's wall as expected: the address budget ran out at item 900\r\n$/);

  const wrongCount = await runPlan(controller(new ScriptedController([{ ...hit }])), plan({ expect: { wall: 'address', allocs: 900 } }), opts());
  assert.equal(wrongCount.status, 'failed');
  assert.equal(wrongCount.message, 'allocs: expected 900, got 899');

  const unexpected = await runPlan(controller(new ScriptedController([{ ...hit }])), plan(), opts());
  assert.equal(unexpected.status, 'failed');
  assert.equal(unexpected.message, 'nomem: the address budget ran out at item 900');

  const otherWall = await runPlan(controller(new ScriptedController([{ ...hit }])), plan({ expect: { wall: 'memory' } }), opts());
  assert.equal(otherWall.status, 'failed');
  assert.equal(otherWall.message, 'nomem: the address budget ran out at item 900');

  const finished = await runPlan(controller(new ScriptedController([{ result: result() }])), plan({ expect: { wall: 'address' } }), opts());
  assert.equal(finished.status, 'failed');
  assert.equal(finished.message, 'expected the run to end at its address budget\'s wall (expect.wall), but it finished');
});
