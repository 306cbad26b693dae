// StrykerJS: `npm run test:mutation`, mutation testing of the pure TypeScript
// that every layer shares (validation, parameters, protocol parsing,
// formatting, the file-map layout). Not part of `npm test` (it takes minutes).
// The command runner runs scripts/unit-pure.mjs (the pure unit tests under
// node --test) once per mutant; the TypeScript checker drops mutants that do
// not compile. Scores: docs/TESTING.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'command',
  commandRunner: { command: 'node scripts/unit-pure.mjs' },
  checkers: ['typescript'],
  tsconfigFile: 'test/tsconfig.stryker.json', // the mutated files listed, as the checker needs
  // one mutant per type check: the grouped mode crashed on a diagnostic without a file (Stryker 9.6)
  typescriptChecker: { prioritizePerformanceOverAccuracy: false },
  mutate: [
    'common/parameters.ts',
    'common/messages.ts',
    'common/format.ts',
    'webview/fileMapLayout.ts',
    'common/scenarioFiles.ts',
    'common/replay.ts',
    'common/compare.ts',
  ],
  coverageAnalysis: 'off',
  concurrency: 2,
  timeoutMS: 20000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'out/mutation/mutation.json' },
  tempDirName: 'out/stryker-tmp',
  ignorePatterns: ['native/build', 'dist', 'out', 'test-results', '.vscode-test', '*.vsix', 'docs/images', 'bench/results'],
  cleanTempDir: true,
};
