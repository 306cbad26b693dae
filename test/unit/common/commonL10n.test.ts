// The words of common/ (issue 18, localisation): counters, tooltips, the
// parameter checks, the recording summaries and the comparison go through
// @vscode/l10n when they are read. Unconfigured (the CLI) they are the English
// source text; with the German bundle configured (what extension.ts and the
// webviews do with vscode.l10n.bundle) they come out German, also for tables
// whose module was loaded before the configuration. The expected German texts
// are written here, not read from the bundle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as l10n from '@vscode/l10n';
import { counterSpec, counterTooltip, FIGURE_HELP } from '../../../common/counters';
import { DEFAULT_PARAMETERS, FIELD_LABELS, fieldTooltip, parameterDifferences, validateParameters, type FieldError } from '../../../common/parameters';
import { actionTooltip, PANEL_ACTIONS } from '../../../common/panelActions';
import { buildComparison, summarizeRecording } from '../../../common/recordingSummary';
import { recordingFromRunRecord } from '../../../common/recording';
import { parseScenarioFile } from '../../../common/scenarioFiles';
import { budgetsText } from '../../../common/budgets';
import type { RunParameters } from '../../../common/protocol';

// out/unit/common/ (the bundled test) or test/unit/common/: three levels below the root.
const root = path.resolve(__dirname, '..', '..', '..');
const german = JSON.parse(readFileSync(path.join(root, 'l10n', 'bundle.l10n.de.json'), 'utf8')) as Record<string, string>;

const stepToRemap = PANEL_ACTIONS.find((a) => a.action === 'stepToRemap')!;
const itemsZero = (): FieldError[] => {
  const v = validateParameters({ items: 0 }, 4096, DEFAULT_PARAMETERS, FIELD_LABELS);
  assert.equal(v.ok, false);
  return v.ok ? [] : v.reason;
};
const run = (parameters: RunParameters, label: string) => recordingFromRunRecord({ id: label, label, startedAt: Date.UTC(2026, 0, 2, 3, 4, 5), parameters, samples: [] });
const copyPrefault = { ...DEFAULT_PARAMETERS, growth: 'copy', prefault: true } as RunParameters;

/** Every word checked below, in the language configured now. */
function words() {
  const allocs = counterSpec('allocs');
  const summary = summarizeRecording(run(copyPrefault, 'grow pagefile'), 'a.memmaprun');
  const comparison = buildComparison({ name: 'a.memmaprun', recording: run(DEFAULT_PARAMETERS, 'A') }, { name: 'b.memmaprun', recording: run(copyPrefault, 'B') }, 'ops');
  const prefaultRow = comparison.parameters.find((r) => r.a === 'off' || r.a === 'aus');
  return {
    allocsLabel: allocs.label,
    allocsTooltip: counterTooltip(allocs),
    viewOffsetTooltip: counterTooltip(counterSpec('viewOffset')),
    onDiskHelp: FIGURE_HELP['c-on-disk'],
    growthTooltip: fieldTooltip('growth'),
    stepToRemapTooltip: actionTooltip(stepToRemap),
    itemsZero: itemsZero().map((e) => e.message),
    summaryFact: summary.facts[0][0],
    summaryParameters: summary.parameters,
    summaryOutcome: summary.outcome,
    ratioRow: comparison.ratios[0].label,
    prefaultRow: prefaultRow && [prefaultRow.label, prefaultRow.a, prefaultRow.b],
    differences: parameterDifferences(copyPrefault),
    scenarioFileError: parseScenarioFile('[]x', 4096, DEFAULT_PARAMETERS).error?.message.replace(/: .*/, ''),
    budget: budgetsText({ addressBytes: 4 * 1024 ** 3, memoryBytes: null, enforced: { address: true, memory: false }, baseVirtualBytes: 0, baseRssBytes: 0 }),
  };
}

const ENGLISH = {
  allocsLabel: 'allocs',
  allocsTooltip: 'Alloc requests (the seed\'s nAllocs). One of the seed\'s own counters (printed by its GetStats()).',
  viewOffsetTooltip: 'File offset of the current view. Not one of the seed\'s counters: MemMap Lab adds it.',
  onDiskHelp: 'Bytes the disk file occupies on disk (0 in page-file mode). Not one of the seed\'s counters: MemMap Lab measures it.',
  growthTooltip: 'How the mapping grows when it is full.\n'
    + 'seed: what the seed does. A page-file mapping grows into a new mapping of double size with a block-by-block copy through views; a disk file is extended and mapped again.\n'
    + 'copy: a new backing of double size and one bulk copy of all the data.\n'
    + 'remap: extend the backing in place and create the mapping again; nothing is copied.\n'
    + 'reserve: reserve the address space once and extend the mapping inside it; nothing is copied and addresses stay where they are.',
  stepToRemapTooltip: 'Run up to right after the next map view (the sliding view moves) and pause. (Ctrl+F10)',
  itemsZero: ['Items 0 is not allowed; allowed: a whole number from 1 to 1,000,000,000 (commas and K, M, G for thousands, millions, billions accepted: 100,000, 1M or 1.5M; a decimal point only before K, M or G)'],
  summaryFact: 'started',
  summaryParameters: ['grow pagefile', 'Growth copy', 'Prefault on'],
  summaryOutcome: 'no end record: the run was cut off before its first sample; the state shown is its last sample',
  ratioRow: 'library time',
  prefaultRow: ['Prefault', 'off', 'on'],
  differences: ['Growth copy', 'Prefault on'],
  scenarioFileError: 'not valid JSON',
  budget: 'address budget 4 GiB',
};

const GERMAN = {
  allocsLabel: 'Allokationen',
  allocsTooltip: 'Alloc-Anforderungen (nAllocs der Vorlage). Einer der eigenen Zähler der Vorlage (ausgegeben von ihrem GetStats()).',
  viewOffsetTooltip: 'Datei-Offset der aktuellen Ansicht. Kein Zähler der Vorlage: MemMap Lab fügt ihn hinzu.',
  onDiskHelp: 'Bytes, die die Datei auf der Festplatte belegt (0 im Auslagerungsdatei-Modus). Kein Zähler der Vorlage: MemMap Lab misst ihn.',
  growthTooltip: 'Wie die Zuordnung wächst, wenn sie voll ist.\n'
    + 'seed: was die Vorlage tut. Eine Zuordnung in der Auslagerungsdatei wächst in eine neue Zuordnung doppelter Größe, Block für Block über Ansichten kopiert; eine Datei auf der Festplatte wird verlängert und neu zugeordnet.\n'
    + 'copy: ein neuer Speicher doppelter Größe und eine einzige Kopie aller Daten am Stück.\n'
    + 'remap: den Speicher an Ort und Stelle verlängern und die Zuordnung neu anlegen; nichts wird kopiert.\n'
    + 'reserve: den Adressraum einmal reservieren und die Zuordnung darin verlängern; nichts wird kopiert, und die Adressen bleiben, wo sie sind.',
  stepToRemapTooltip: 'Läuft bis direkt nach dem nächsten Einblenden einer Ansicht (die gleitende Ansicht bewegt sich) und hält an. (Ctrl+F10)',
  itemsZero: ['Elemente 0 ist nicht erlaubt; erlaubt: eine ganze Zahl von 1 bis 1,000,000,000 (Kommas sowie K, M, G für Tausend, Millionen, Milliarden möglich: 100,000, 1M oder 1.5M; ein Dezimalpunkt nur vor K, M oder G)'],
  summaryFact: 'gestartet',
  summaryParameters: ['grow pagefile', 'Wachstum copy', 'Seiten vorab laden an'],
  summaryOutcome: 'kein Enddatensatz: der Lauf brach vor seinem ersten Messpunkt ab; der gezeigte Zustand ist sein letzter Messpunkt',
  ratioRow: 'Zeit der Bibliothek',
  prefaultRow: ['Seiten vorab laden', 'aus', 'an'],
  differences: ['Wachstum copy', 'Seiten vorab laden an'],
  scenarioFileError: 'kein gültiges JSON',
  budget: 'Adressbudget 4 GiB',
};

// The order matters: English first (nothing configured yet, as in the CLI), then German, then English again.
test('unconfigured (the CLI): the words of common/ are the English source text', () => {
  assert.deepEqual(words(), ENGLISH);
});

test('with the German bundle configured: counters, tooltips, a check\'s message, summary and comparison rows are German', () => {
  l10n.config({ contents: german });
  try {
    assert.deepEqual(words(), GERMAN);
  } finally {
    l10n.config({ contents: {} });
  }
});

test('translated when read, not when loaded: an empty bundle again gives English', () => {
  assert.deepEqual(words(), ENGLISH);
});
