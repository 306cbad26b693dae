// Bundles the three JavaScript programs of MemMap Lab:
//   dist/extension.js  extension host (Node, CommonJS, `vscode` external)
//   dist/runner.js     runner process and CLI (Node, CommonJS, `koffi` external:
//                      it ships in node_modules with its native binary)
//   dist/webview/      panel script and stylesheet (browser)
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
  {
    ...common,
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview/main.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

mkdirSync('dist/webview', { recursive: true });
copyFileSync('webview/style.css', 'dist/webview/style.css');

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  const kib = (f) => `${(statSync(f).size / 1024).toFixed(1)} KiB`;
  console.log(`esbuild${production ? ' (production)' : ''}: dist/extension.js ${kib('dist/extension.js')}, dist/runner.js ${kib('dist/runner.js')}, dist/webview/main.js ${kib('dist/webview/main.js')}`);
}
