// The `memmap.*` settings in one place: their keys, and one pure
// readSettings() that validates them with the one parameter validation
// (validateParameters) and falls back to the seed's defaults per setting.
// Free of the vscode module so the unit tests run it under plain node;
// extension.ts passes `(key) => workspace.getConfiguration('memmap').get(key)`.
// The warnings go through @vscode/l10n, which extension.ts configures.

import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import { DEFAULT_PARAMETERS, describe, validateParameters } from '../common/parameters';
import type { BudgetRequest, RunParameters } from '../common/protocol';
import { checkBudget } from '../common/budgets';

export const SETTINGS_SECTION = 'memmap';

/** Setting keys below `memmap.`; the run parameters use the parameter's own name. */
export enum SettingKey {
  ViewSize = 'viewSize',
  InitialFileSize = 'initialFileSize',
  Granularity = 'granularity',
  Mode = 'mode',
  OffsetBits = 'offsetBits',
  Growth = 'growth',
  View = 'view',
  Prefault = 'prefault',
  Items = 'items',
  DiskDir = 'diskDir',
  Seed = 'seed',
  SeedTestsConfiguration = 'seedTests.configuration',
  SeedTestsItemScale = 'seedTests.itemScale',
  BenchmarkIterations = 'benchmark.iterations',
  AddressBudget = 'addressBudget',
  MemoryBudget = 'memoryBudget',
}

/** The run parameters that have a setting (scenario is chosen per run); key = parameter name. */
export const PARAMETER_SETTINGS: readonly (keyof RunParameters & `${SettingKey}`)[] = [
  'viewSize', 'initialFileSize', 'granularity', 'mode', 'offsetBits', 'growth', 'view', 'prefault', 'items',
  'diskDir', 'seed',
];

export type SeedConfiguration = 'debug' | 'release';
export const SEED_CONFIGURATIONS: readonly SeedConfiguration[] = ['debug', 'release'];

export const SETTING_DEFAULTS = {
  seedTestsConfiguration: 'debug' as SeedConfiguration,
  seedTestsItemScale: 1,
  benchmarkIterations: 5,
} as const;
export const MAX_BENCHMARK_ITERATIONS = 100;

export interface Settings {
  /** Defaults of the panel and of "Custom from settings" (scenario: the seed default, grow). */
  parameters: RunParameters;
  seedTestsConfiguration: SeedConfiguration;
  /** Scales the seed tests' item counts, for quick checks; 1 = the seed's counts. */
  seedTestsItemScale: number;
  benchmarkIterations: number;
  /** Budgets of the panel's runs and "Custom from settings" (issue 15); none by default. */
  budgets: BudgetRequest;
  /** One sentence per invalid setting: which, what is wrong, what is allowed, the fallback. */
  warnings: string[];
}

/** Reads one key below `memmap.`; undefined = not set anywhere (the default applies). */
export type SettingReader = (key: `${SettingKey}`) => unknown;

export interface SettingsContext {
  /**
   * The folder a relative `memmap.diskDir` resolves against: the workspace
   * folder (the first one when there are several); undefined with no folder
   * open, when a relative diskDir is refused with a warning.
   */
  baseDir?: string;
}

/**
 * A directory as written by the user, made absolute: an absolute path stays
 * as it is; a relative one is resolved against baseDir (never against the
 * extension host's working directory). Undefined when it is relative and
 * there is no baseDir.
 */
export function resolveDirectory(dir: string, baseDir: string | undefined): string | undefined {
  if (path.isAbsolute(dir)) return dir;
  return baseDir === undefined ? undefined : path.resolve(baseDir, dir);
}

/**
 * Reads and validates every setting. Invalid ones fall back to the seed's
 * default, each with a warning; never throws. pageSize is the OS page size
 * (granularity must be a multiple of it).
 */
export function readSettings(read: SettingReader, pageSize: number, context: SettingsContext = {}): Settings {
  const warnings: string[] = [];
  const raw: Record<string, unknown> = {};
  for (const key of PARAMETER_SETTINGS) {
    let value = read(key);
    if (value === undefined || value === null) continue;
    if (key === 'diskDir') {
      if (value === '') continue; // "" = the OS temp dir
      if (typeof value === 'string' && value.length <= 4096 && !value.includes('\0')) {
        const absolute = resolveDirectory(value, context.baseDir);
        if (absolute === undefined) {
          warnings.push(l10n.t('Setting memmap.diskDir: {0} is a relative path and no workspace folder is open to resolve it against; allowed: an absolute path, or a path relative to the workspace folder when one is open. Using the OS temp directory.', describe(value)));
          continue;
        }
        value = absolute;
      }
    }
    raw[key] = value;
  }

  // Validate; drop each field an error names and validate again, so one bad
  // setting does not take the others down with it. Errors that depend on
  // two settings (a view size that is no multiple of the granularity) drop
  // the field the message names.
  let parameters: RunParameters = { ...DEFAULT_PARAMETERS };
  for (let attempt = 0; attempt < PARAMETER_SETTINGS.length + 1; attempt++) {
    // The settings' scenario is only a default: each run checks that it fits its offsets when it starts.
    const v = validateParameters(raw, pageSize, DEFAULT_PARAMETERS, {}, { checkFit: false });
    if (v.ok) {
      parameters = v.value;
      break;
    }
    let dropped = false;
    for (const e of v.reason) {
      const field = e.field === 'parameters' ? undefined : e.field;
      if (field && field in raw) {
        const fallback = DEFAULT_PARAMETERS[field];
        warnings.push(fallback === undefined
          ? l10n.t('Setting memmap.{0}: {1}. Using the default.', field, e.message)
          : l10n.t('Setting memmap.{0}: {1}. Using the default ({2}).', field, e.message, String(fallback)));
        delete raw[field];
        dropped = true;
      }
    }
    if (!dropped) {
      // Nothing left to blame on a setting: use the defaults altogether.
      warnings.push(l10n.t('MemMap settings: {0}. Using the defaults.', v.reason.map((e) => e.message).join('; ')));
      parameters = { ...DEFAULT_PARAMETERS };
      break;
    }
  }

  const configuration = read(SettingKey.SeedTestsConfiguration);
  let seedTestsConfiguration: SeedConfiguration = SETTING_DEFAULTS.seedTestsConfiguration;
  if (configuration !== undefined && configuration !== null) {
    if ((SEED_CONFIGURATIONS as readonly unknown[]).includes(configuration)) seedTestsConfiguration = configuration as SeedConfiguration;
    else warnings.push(l10n.t('Setting memmap.{0}: {1} is not allowed; allowed: {2}. Using the default ({3}).', SettingKey.SeedTestsConfiguration, describe(configuration), SEED_CONFIGURATIONS.join(', '), SETTING_DEFAULTS.seedTestsConfiguration));
  }

  const scale = read(SettingKey.SeedTestsItemScale);
  let seedTestsItemScale: number = SETTING_DEFAULTS.seedTestsItemScale;
  if (scale !== undefined && scale !== null) {
    if (typeof scale === 'number' && Number.isFinite(scale) && scale > 0 && scale <= 1) seedTestsItemScale = scale;
    else warnings.push(l10n.t('Setting memmap.{0}: {1} is not allowed; allowed: a number greater than 0 and at most 1. Using the default (1).', SettingKey.SeedTestsItemScale, describe(scale)));
  }

  const iterations = read(SettingKey.BenchmarkIterations);
  let benchmarkIterations: number = SETTING_DEFAULTS.benchmarkIterations;
  if (iterations !== undefined && iterations !== null) {
    if (typeof iterations === 'number' && Number.isInteger(iterations) && iterations >= 1 && iterations <= MAX_BENCHMARK_ITERATIONS) benchmarkIterations = iterations;
    else warnings.push(l10n.t('Setting memmap.{0}: {1} is not allowed; allowed: a whole number from 1 to {2}. Using the default ({3}).', SettingKey.BenchmarkIterations, describe(iterations), MAX_BENCHMARK_ITERATIONS, SETTING_DEFAULTS.benchmarkIterations));
  }

  const budgets: BudgetRequest = {};
  for (const [key, field] of [[SettingKey.AddressBudget, 'addressBytes'], [SettingKey.MemoryBudget, 'memoryBytes']] as const) {
    const value = read(key);
    const b = checkBudget(key, value);
    if (!b.ok) warnings.push(l10n.t('Setting memmap.{0}: {1}. Using none.', key, b.reason));
    else if (b.value !== undefined) budgets[field] = b.value;
  }

  return { parameters, seedTestsConfiguration, seedTestsItemScale, benchmarkIterations, budgets, warnings };
}
