// The seed's ten test methods (UnitTest1.cs) and the parameters each one
// runs with. Pure: no vscode import.
//
//   DoTest(MapVerb nVerb, MappingMode mapMode, int is64, uint initialsize = 65536,
//          uint initialViewSize = 2 * 65536, int numItems = NumberItems, int nIter = NumIterations)
//   #if DEBUG  NumIterations = 1, NumberItems = 100000
//   #else      NumIterations = 4, NumberItems = 1000000

import { DEFAULT_PARAMETERS, SEED_GRANULARITY } from '../../common/parameters';
import type { Mode, OffsetBits, RunParameters, Scenario } from '../../common/protocol';
import type { SeedConfiguration } from '../settings';

export interface SeedTest {
  /** The C# test method name (also the TestContext.TestName the seed prints). */
  name: string;
  /** MapVerb: Baseline -> baseline, Grow -> grow, WithDeletions -> deletions, Random -> random. */
  scenario: Scenario;
  mode: Mode;
  /** is64: 1 -> 64, 0 -> 32. */
  offsetBits: OffsetBits;
  /** Explicit numItems argument, when the test gives one. */
  numItems?: number;
  /** Explicit nIter argument, when the test gives one. */
  nIter?: number;
}

export const SEED_TESTS: readonly SeedTest[] = Object.freeze([
  { name: 'PerfGrowNoMemMap', scenario: 'baseline', mode: 'pagefile', offsetBits: 32 },
  { name: 'PerfMemMapGrowWithPageFile', scenario: 'grow', mode: 'pagefile', offsetBits: 32 },
  { name: 'PerfMemMapGrowWithDiskFile', scenario: 'grow', mode: 'disk', offsetBits: 32 },
  { name: 'PerfMemMapGrowWithDiskFile64', scenario: 'grow', mode: 'disk', offsetBits: 64 },
  { name: 'MemMapWithDeletionPageFile', scenario: 'deletions', mode: 'pagefile', offsetBits: 32 },
  { name: 'MemMapWithDeletionDiskFile', scenario: 'deletions', mode: 'disk', offsetBits: 32 },
  { name: 'MemMapWithDiskFile64', scenario: 'grow', mode: 'disk', offsetBits: 64, numItems: 5_000_000, nIter: 1 },
  { name: 'MemMapRandWithDiskFile64', scenario: 'random', mode: 'disk', offsetBits: 64, numItems: 500_000, nIter: 1 },
  { name: 'MemRand', scenario: 'random', mode: 'pagefile', offsetBits: 32, numItems: 100_000 },
  { name: 'MemRandDiskFile', scenario: 'random', mode: 'disk', offsetBits: 32, numItems: 100_000 },
] satisfies SeedTest[]);

export const SEED_CONFIGURATION = {
  debug: { numberItems: 100_000, numIterations: 1 },
  release: { numberItems: 1_000_000, numIterations: 4 },
} as const satisfies Record<SeedConfiguration, { numberItems: number; numIterations: number }>;

export interface SeedPlan {
  /** Raw parameters for validateParameters (complete: the seed fixes every one). */
  parameters: RunParameters;
  iterations: number;
}

/**
 * The parameters of one seed test: the seed's defaults (64 KiB initial file,
 * 128 KiB view, 64 KiB granularity, seed growth, srand(1)), its verb, mode and
 * offset width, and its item count scaled by itemScale (at least 1 item).
 * diskDir is where disk files go on this machine (undefined = OS temp dir).
 */
export function seedTestPlan(test: SeedTest, configuration: SeedConfiguration, itemScale = 1, diskDir?: string): SeedPlan {
  const config = SEED_CONFIGURATION[configuration];
  const items = Math.max(1, Math.round((test.numItems ?? config.numberItems) * itemScale));
  const parameters: RunParameters = {
    ...DEFAULT_PARAMETERS,
    scenario: test.scenario,
    mode: test.mode,
    offsetBits: test.offsetBits,
    items,
    initialFileSize: SEED_GRANULARITY,
    viewSize: 2 * SEED_GRANULARITY,
    granularity: SEED_GRANULARITY,
  };
  if (diskDir) parameters.diskDir = diskDir;
  return { parameters, iterations: test.nIter ?? config.numIterations };
}
