#!/usr/bin/env node
// The unit tests of the pure TypeScript (no runner process, no native
// library, no VS Code): bundled with esbuild into out/unit-pure, run with
// node --test. StrykerJS's command runner calls this for every mutant
// (npm run test:mutation, stryker.config.mjs); inside Stryker's sandbox the
// bundle is built once and reused, since the sandbox's sources hold every
// mutant at once (mutant schemata, switched by __STRYKER_ACTIVE_MUTANT__).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The tests of the mutated files (stryker.config.mjs), all from test/unit (pure tests only,
// laid out like the sources). Not all of test/unit: its seed-model simulations take minutes.
export const PURE_TESTS = [
  'webview/fileMapLayout.test.ts', 'webview/fileMapLayoutEdges.test.ts', 'common/format.test.ts', 'common/limits.test.ts',
  'common/messages.test.ts', 'common/parameters.test.ts', 'common/parametersEdges.test.ts', 'common/scenarioFileEdges.test.ts',
  'common/scenarioFiles.test.ts', 'common/recording.test.ts', 'extension/settings.test.ts', 'webview/webview.test.ts', 'common/nativeTables.test.ts',
  'common/replay.test.ts', 'common/compare.test.ts', 'extension/recordingViews.test.ts',
];
const outdir = path.join(root, 'out', 'unit-pure');
const inSandbox = root.includes('stryker-tmp');
if (!inSandbox || !existsSync(outdir)) {
  rmSync(outdir, { recursive: true, force: true });
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: PURE_TESTS.map((f) => path.join(root, 'test', 'unit', f)), outdir, outbase: path.join(root, 'test', 'unit'),
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['koffi', 'vscode'], logLevel: 'warning',
  });
}
const files = readdirSync(outdir, { recursive: true }).map(String).filter((f) => f.endsWith('.test.js')).map((f) => path.join(outdir, f));
if (files.length !== PURE_TESTS.length) {
  console.error(`unit-pure: ${files.length} bundles for ${PURE_TESTS.length} tests`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--test', '--test-reporter=dot', ...files], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
