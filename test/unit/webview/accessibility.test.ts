// Issue 18, items 3-7 in their pure parts: the WCAG contrast computation
// (against values worked out by hand from the WCAG 2 formulas), the tooltips
// of every control and counter, the panel's keys (package.json, tooltips and
// README agree), the walkthrough's declaration and media, and the charts'
// data tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { contrastRatio, parseColor, relativeLuminance } from '../../../webview/palette';
import { CHOICE_HELP, FIELD_HELP, FIELDS, fieldTooltip } from '../../../common/parameters';
import { COUNTERS, counterTooltip, FIGURE_HELP } from '../../../common/counters';
import { actionTooltip, PANEL_ACTIONS, PANEL_FOCUSED } from '../../../common/panelActions';
import { chartTableRows } from '../../../webview/chartTable';
import { parseFromWebview } from '../../../common/messages';

// out/unit/webview/<file>.js or test/unit/webview/<file>.ts: the repository is three levels up.
const root = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
// package.json's strings are %keys% of package.nls.json (localisation).
const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
const text = (s: string): string => /^%.+%$/.test(s) ? nls[s.slice(1, -1)] : s;
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

test('WCAG contrast: values worked out by hand', () => {
  // L(#808080): 128/255 = 0.50196; ((0.50196 + 0.055) / 1.055)^2.4 = 0.21586.
  assert.ok(Math.abs(relativeLuminance([128, 128, 128]) - 0.21586) < 1e-4);
  // Below the linear threshold 0.03928: 10/255 = 0.039216 -> 0.039216 / 12.92 = 0.0030353.
  assert.ok(Math.abs(relativeLuminance([10, 10, 10]) - 0.0030353) < 1e-6);
  // Pure green weighs 0.7152, pure red 0.2126, pure blue 0.0722.
  assert.ok(Math.abs(relativeLuminance([0, 255, 0]) - 0.7152) < 1e-9);
  assert.ok(Math.abs(relativeLuminance([0, 0, 255]) - 0.0722) < 1e-9);
  const ratio = (a: string, b: string) => Math.round(contrastRatio(parseColor(a)!, parseColor(b)!) * 100) / 100;
  assert.equal(ratio('#000000', '#ffffff'), 21); // (1 + 0.05) / (0 + 0.05)
  assert.equal(ratio('#ffffff', '#000000'), 21, 'the order does not matter');
  assert.equal(ratio('#767676', '#ffffff'), 4.54); // the well-known lightest grey passing AA on white
  assert.equal(ratio('#777777', '#ffffff'), 4.48); // one step lighter fails AA
  assert.equal(ratio('#0000ff', '#ffffff'), 8.59); // 1.05 / (0.0722 + 0.05)
  assert.equal(ratio('#ff0000', '#ffffff'), 4); // 1.05 / 0.2626 = 3.998
  assert.equal(ratio('#808080', '#808080'), 1);
});

test('every field of the panel has a tooltip that explains it in words', () => {
  for (const key of FIELDS) {
    assert.ok(FIELD_HELP[key].length >= 20 && FIELD_HELP[key].endsWith('.'), `${key}: ${FIELD_HELP[key]}`);
    assert.ok(fieldTooltip(key).startsWith(FIELD_HELP[key]), key);
  }
  // Growth: the tooltip explains each of the four strategies by name.
  const growth = fieldTooltip('growth');
  for (const g of ['seed', 'copy', 'remap', 'reserve']) assert.match(growth, new RegExp(`^${g}: `, 'm'), `growth tooltip explains ${g}`);
  assert.match(CHOICE_HELP.growth.copy, /bulk copy/);
  assert.match(CHOICE_HELP.growth.remap, /nothing is copied/);
  assert.match(CHOICE_HELP.growth.reserve, /reserve the address space/);
  // Sliding vs whole view, prefault, offset bits, granularity vs the OS page size.
  assert.match(fieldTooltip('view'), /^sliding: .*slides over the file/m);
  assert.match(fieldTooltip('view'), /^whole: the whole file is mapped at once/m);
  assert.match(fieldTooltip('prefault'), /fewer page faults/);
  assert.match(fieldTooltip('offsetBits'), /32 bits limit the file to 4 GiB/);
  assert.match(fieldTooltip('granularity'), /multiple of the OS page size/);
  assert.match(fieldTooltip('mode'), /^page file: .*^disk file: /ms);
});

test('every counter\'s tooltip says whether it is one of the seed\'s own', () => {
  // The ten counters the seed's GetStats() prints (its listing), written down here.
  const seeds = ['allocs', 'deletions', 'recycledAllocs', 'bytesAllocated', 'bytesFreed', 'fileMaps', 'mapViews', 'compactions', 'freeListBytes', 'fileSize'];
  for (const c of COUNTERS) {
    const tip = counterTooltip(c);
    assert.ok(tip.startsWith(c.description), c.key);
    if (seeds.includes(c.key)) assert.match(tip, /One of the seed's own counters/, c.key);
    else assert.match(tip, /Not one of the seed's counters/, c.key);
  }
  // The panel's other figures (process figures, operations, items, view) are none of the seed's.
  for (const cls of ['c-operations', 'c-items', 'c-view', 'c-resident', 'c-peak-resident', 'c-virtual', 'c-minor-faults', 'c-major-faults', 'c-on-disk',
    'c-total-minor-faults', 'c-total-major-faults', 'c-total-peak-resident']) {
    assert.match(FIGURE_HELP[cls] ?? '', /Not one of the seed's counters/, cls);
  }
});

test('the panel\'s keys: package.json binds each while the panel has focus; tooltips and README show them', () => {
  assert.equal(PANEL_FOCUSED, "activeWebviewPanelId == 'memmap.visualizer' && !sideBarFocus && !panelFocus && !auxiliaryBarFocus && !inputFocus");
  const expected: [string, string, string][] = [
    ['run', 'memmap.panel.run', 'F5'], ['pause', 'memmap.panel.pauseResume', 'F6'], ['step', 'memmap.panel.step', 'F10'],
    ['step-remap', 'memmap.panel.stepToRemap', 'Ctrl+F10'], ['stop', 'memmap.panel.stop', 'Shift+F5'],
  ];
  assert.deepEqual(PANEL_ACTIONS.map((a) => [a.buttonId, a.command, a.keyLabel]), expected);
  const bindings = pkg.contributes.keybindings as { command: string; key: string; when: string }[];
  const commands = (pkg.contributes.commands as { command: string }[]).map((c) => c.command);
  for (const [, command, label] of expected) {
    const b = bindings.filter((k) => k.command === command);
    assert.equal(b.length, 1, `one keybinding for ${command}`);
    assert.equal(b[0].key, label.toLowerCase(), command);
    assert.equal(b[0].when, "activeWebviewPanelId == 'memmap.visualizer' && !sideBarFocus && !panelFocus && !auxiliaryBarFocus && !inputFocus", command);
    assert.ok(commands.includes(command), `${command} is a contributed command`);
    // The README's shortcuts table has a row for the key.
    assert.match(readme, new RegExp(`^\\| \\*\\*[^|]+\\*\\* \\| ${label.replace('+', '\\+')} \\|`, 'm'), `README row for ${label}`);
  }
  for (const a of PANEL_ACTIONS) assert.ok(actionTooltip(a).endsWith(`(${a.keyLabel})`), a.action);
});

test('the walkthrough: 4-5 steps, each with completion events, themable SVG media that exist', () => {
  const [w] = pkg.contributes.walkthroughs as { id: string; title: string; steps: { id: string; completionEvents: string[]; media: { svg?: string; altText: string } }[] }[];
  assert.equal(text(w.title), 'Get started with MemMap Lab');
  assert.ok(w.steps.length >= 4 && w.steps.length <= 5, `${w.steps.length} steps`);
  assert.deepEqual(w.steps.map((s) => s.completionEvents), [
    // However the user did it, also before the walkthrough ever opened: the extension pulses each key (true, then
    // false) when it is reached and when a tab opens (a key already true when VS Code's walkthrough service starts never ticks).
    ['onCommand:memmap.openVisualizer', 'onContext:memmap.walkthrough.openedPanel'], ['onContext:memmap.walkthrough.ranGrow'],
    ['onContext:memmap.walkthrough.steppedToRemap'], ['onContext:memmap.walkthrough.comparedHeap'], ['onContext:memmap.walkthrough.ranSeedTests'],
  ]);
  for (const s of w.steps) {
    assert.ok(s.media.svg && text(s.media.altText), s.id);
    const svg = fs.readFileSync(path.join(root, s.media.svg), 'utf8');
    assert.match(svg, /var\(--vscode-foreground/, `${s.media.svg} takes the theme's colours`);
    assert.doesNotMatch(svg, /(fill|stroke)="#/, `${s.media.svg} has no fixed colour`);
    // The walkthrough's media webview allows only its own nonce'd styles: a <style> or style="" would be dropped.
    assert.doesNotMatch(svg, /<style|style=/, `${s.media.svg} colours through attributes`);
  }
});

test('a chart as a table: one row per x, one column per series, gaps empty', () => {
  assert.deepEqual(chartTableRows([]), []);
  assert.deepEqual(chartTableRows([[{ x: 2, y: 20 }, { x: 1, y: 10 }], [{ x: 2, y: 200 }, { x: 3, y: 300 }]]), [
    { x: 1, values: [10, undefined] },
    { x: 2, values: [20, 200] },
    { x: 3, values: [undefined, 300] },
  ]);
});

test('the "?" sends openHelp, which takes nothing else', () => {
  assert.deepEqual(parseFromWebview({ type: 'openHelp' }), { ok: true, value: { type: 'openHelp' } });
  assert.deepEqual(parseFromWebview({ type: 'openHelp', path: '/etc/passwd' }), { ok: true, value: { type: 'openHelp' } });
  assert.equal(parseFromWebview({ type: 'panelAction', action: 'run' }).ok, false, 'a key is the extension\'s message to the panel, never the other way');
});
