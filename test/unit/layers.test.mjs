// The layering (docs/ARCHITECTURE.md) is enforced by the compiler: each layer
// is a composite TypeScript project that includes only its own folder and
// references common/, so importing another layer's file is error TS6307, and
// common/ sees no node, DOM or vscode types. These tests put a small probe
// file into each layer's real tsconfig (in memory: nothing is written) and
// check that a sideways import fails while an import of common/ does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Compiles `source` as a file of `layer`, under that layer's tsconfig.json; returns its diagnostics as "TS<code> <text>". */
function compileProbe(layer, source) {
  const configPath = path.join(root, layer, 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')) });
  const probe = path.join(root, layer, '__layerProbe.ts');
  const host = ts.createCompilerHost(parsed.options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => path.resolve(f) === probe || fileExists.call(host, f);
  host.readFile = (f) => (path.resolve(f) === probe ? source : readFile.call(host, f));
  host.getSourceFile = (f, lang, ...rest) => (path.resolve(f) === probe ? ts.createSourceFile(f, source, lang) : getSourceFile.call(host, f, lang, ...rest));
  const program = ts.createProgram({ rootNames: [...parsed.fileNames, probe], options: { ...parsed.options, noEmit: true, emitDeclarationOnly: false }, projectReferences: parsed.projectReferences, host });
  return ts.getPreEmitDiagnostics(program).map((d) => `TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

const notListed = (diags, file) => diags.filter((d) => d.startsWith('TS6307') && d.includes(file));

test('runner/ importing extension/ is a compile error (TS6307); importing common/ is not', () => {
  const sideways = compileProbe('runner', "import { SETTINGS_SECTION } from '../extension/settings';\nexport const s = SETTINGS_SECTION;\n");
  assert.ok(notListed(sideways, 'extension/settings.ts').length > 0, `expected TS6307 for extension/settings.ts, got:\n${sideways.join('\n')}`);
  const down = compileProbe('runner', "import { PRODUCT_NAME } from '../common/diskFileNames';\nexport const s = PRODUCT_NAME;\n");
  assert.deepEqual(down.filter((d) => d.startsWith('TS6307')), []);
});

test('extension/ importing runner/ and webview/ importing extension/ are compile errors (TS6307)', () => {
  const ext = compileProbe('extension', "import { isDiskFileName } from '../runner/diskFiles';\nexport const f = isDiskFileName;\n");
  assert.ok(notListed(ext, 'runner/diskFiles.ts').length > 0, ext.join('\n'));
  const web = compileProbe('webview', "import { DEFAULT_PARAMETERS } from '../extension/settings';\nexport const d = DEFAULT_PARAMETERS;\n");
  assert.ok(notListed(web, 'extension/settings.ts').length > 0, web.join('\n'));
});

test('common/ imports no layer and sees no node, DOM or vscode types', () => {
  const up = compileProbe('common', "import { PRODUCT_NAME } from '../runner/diskFiles';\nexport const p = PRODUCT_NAME;\n");
  assert.ok(notListed(up, 'runner/diskFiles.ts').length > 0, up.join('\n'));
  const nodeGlobal = compileProbe('common', 'export const pid = process.pid;\n');
  assert.ok(nodeGlobal.some((d) => /Cannot find name 'process'/.test(d)), nodeGlobal.join('\n'));
  const dom = compileProbe('common', 'export const el = document.body;\n');
  assert.ok(dom.some((d) => /Cannot find name 'document'/.test(d)), dom.join('\n'));
  const vscode = compileProbe('common', "import * as vscode from 'vscode';\nexport const w = vscode.window;\n");
  assert.ok(vscode.some((d) => /Property 'window' does not exist on type 'typeof import\(.*vscodeIsExtensionOnly/.test(d)), vscode.join('\n'));
  const clean = compileProbe('common', "import { PRODUCT_NAME } from './diskFileNames';\nexport const p: string = PRODUCT_NAME;\n");
  assert.deepEqual(clean, []);
});
