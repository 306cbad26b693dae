// Bundles the three JavaScript programs of MemMap Lab:
//   dist/extension.js  extension host (Node, CommonJS, `vscode` external)
//   dist/runner.js     runner process and CLI (Node, CommonJS, `koffi` external:
//                      it ships in node_modules with its native binary)
//   dist/webview/      the panel's, the recording editor's and the comparison's
//                      scripts (main, recording, compare) and the stylesheet (browser)
// `--production` minifies without sourcemaps (used by npm run package).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

const builds = [
  {
    ...common,
    entryPoints: ['extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: ['runner/main.ts'],
    outfile: 'dist/runner.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['koffi'],
    banner: { js: '#!/usr/bin/env node' },
  },
  // The panel, the recording editor and the comparison of two recordings (issue 17): one script each.
  ...['main', 'recording', 'compare'].map((name) => ({
    ...common,
    entryPoints: [`webview/${name}.ts`],
    outfile: `dist/webview/${name}.js`,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  })),
];

mkdirSync('dist/webview', { recursive: true });
copyFileSync('webview/style.css', 'dist/webview/style.css');

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  const kib = (f) => `${(statSync(f).size / 1024).toFixed(1)} KiB`;
  console.log(`esbuild${production ? ' (production)' : ''}: dist/extension.js ${kib('dist/extension.js')}, dist/runner.js ${kib('dist/runner.js')}, dist/webview/{main,recording,compare}.js ${['main', 'recording', 'compare'].map((n) => kib(`dist/webview/${n}.js`)).join(', ')}`);
}
