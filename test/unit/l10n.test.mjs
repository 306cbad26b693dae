// Localisation: the committed strings bundle is what @vscode/l10n-dev extracts
// from the sources today (a new l10n.t string that was not extracted fails
// here: run `npm run l10n:extract`), the German bundle and package.nls.de.json
// are complete with the same placeholders, and package.json's %keys% exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { getL10nJson } = require('@vscode/l10n-dev');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const readJson = (rel) => JSON.parse(fs.readFileSync(path.join(root, rel), 'utf8'));

/** The sources `npm run l10n:extract` reads: every .ts file under extension/, webview/ and common/. */
function sources() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push({ contents: fs.readFileSync(p, 'utf8'), extension: path.extname(e.name) });
    }
  };
  for (const layer of ['extension', 'webview', 'common']) walk(path.join(root, layer));
  return out;
}

const messageOf = (v) => (typeof v === 'string' ? v : v.message);
/** The placeholders of a message ({0}, {name}), sorted, with repeats. */
const placeholders = (text) => (text.match(/\{[^{}]+\}/g) ?? []).sort();

test('l10n/bundle.l10n.json is up to date with the sources (npm run l10n:extract)', async () => {
  const extracted = await getL10nJson(sources());
  const committed = readJson('l10n/bundle.l10n.json');
  const missing = Object.keys(extracted).filter((k) => !(k in committed));
  const stale = Object.keys(committed).filter((k) => !(k in extracted));
  assert.deepEqual({ missing, stale }, { missing: [], stale: [] }, 'run `npm run l10n:extract` and translate the new strings in l10n/bundle.l10n.de.json');
  assert.deepEqual(committed, extracted);
  assert.ok(Object.keys(committed).length >= 100, `only ${Object.keys(committed).length} strings in the bundle`);
});

test('a string added to the sources and not extracted is found missing', async () => {
  const probe = { contents: "import * as vscode from 'vscode';\nvscode.l10n.t('A probe string {0} nobody extracted', 1);\n", extension: '.ts' };
  const extracted = await getL10nJson([...sources(), probe]);
  const committed = readJson('l10n/bundle.l10n.json');
  assert.deepEqual(Object.keys(extracted).filter((k) => !(k in committed)), ['A probe string {0} nobody extracted']);
});

for (const [english, german] of [['l10n/bundle.l10n.json', 'l10n/bundle.l10n.de.json'], ['package.nls.json', 'package.nls.de.json']]) {
  test(`${german} translates every key of ${english}, with the same placeholders`, () => {
    const en = readJson(english);
    const de = readJson(german);
    assert.deepEqual(Object.keys(de).filter((k) => !(k in en)), [], `keys in ${german} that ${english} no longer has`);
    const problems = [];
    for (const [key, value] of Object.entries(en)) {
      const t = de[key];
      if (typeof t !== 'string' || t.trim() === '') { problems.push(`missing: ${JSON.stringify(key)}`); continue; }
      const want = placeholders(messageOf(value));
      if (JSON.stringify(placeholders(t)) !== JSON.stringify(want)) problems.push(`placeholders of ${JSON.stringify(key)}: ${placeholders(t).join(' ')} instead of ${want.join(' ')}`);
    }
    assert.deepEqual(problems, []);
  });
}

test('the German texts are translations: most differ from the English', () => {
  // Names and units (MemMap Lab, Step, CSV) may stay as they are; the bulk must not.
  for (const [english, german] of [['l10n/bundle.l10n.json', 'l10n/bundle.l10n.de.json'], ['package.nls.json', 'package.nls.de.json']]) {
    const en = readJson(english);
    const de = readJson(german);
    const same = Object.keys(en).filter((k) => de[k] === messageOf(en[k]));
    assert.ok(same.length <= Object.keys(en).length * 0.1, `${german}: ${same.length} of ${Object.keys(en).length} entries are the English text: ${same.join(' | ')}`);
  }
});

test('every %key% of package.json is in package.nls.json, and every key there is used', () => {
  const text = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
  const used = new Set([...text.matchAll(/"%([^"%]+)%"/g)].map((m) => m[1]));
  const nls = readJson('package.nls.json');
  assert.deepEqual([...used].filter((k) => !(k in nls)), [], 'package.json names keys package.nls.json lacks');
  assert.deepEqual(Object.keys(nls).filter((k) => !used.has(k)), [], 'package.nls.json keys package.json does not use');
  const pkg = JSON.parse(text);
  assert.equal(pkg.l10n, './l10n');
  // The extraction reads the three layers with user-visible words (common/ is shared with the CLI, which stays English).
  assert.match(pkg.scripts['l10n:extract'], /^vscode-l10n-dev export --outDir \.\/l10n \.\/extension \.\/webview \.\/common$/);
  assert.deepEqual(pkg.extensionKind, ['workspace']);
  for (const c of pkg.contributes.commands) assert.match(c.title, /^%.+%$/, `${c.command}: a literal title`);
});
