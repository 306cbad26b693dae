// The panel's run buttons that have keyboard shortcuts, defined once: the
// webview's buttons and tooltips, the extension's commands and the
// package.json keybindings (checked against this table by a unit test) derive
// from it. The keys work while the panel has the keyboard focus (PANEL_FOCUSED:
// activeWebviewPanelId stays set while the focus is in the side bar, the bottom
// panel or an input box such as the command palette, so those are excluded).
// The tooltips go through @vscode/l10n when read (getters), so the panel shows
// them in the display language.

import * as l10n from '@vscode/l10n';

export type PanelAction = 'run' | 'pauseResume' | 'step' | 'stepToRemap' | 'stop';

export interface PanelActionSpec {
  readonly action: PanelAction;
  /** The button's id in the panel. */
  readonly buttonId: string;
  /** The command the keybinding runs. */
  readonly command: string;
  /** The key as package.json writes it. */
  readonly key: string;
  /** The key as the tooltip and the README show it. */
  readonly keyLabel: string;
  /** The button's tooltip, without the key, in the display language (translated when read). */
  readonly help: string;
}

/** The when clause of every panel keybinding. */
export const PANEL_FOCUSED = "activeWebviewPanelId == 'memmap.visualizer' && !sideBarFocus && !panelFocus && !auxiliaryBarFocus && !inputFocus";

export const PANEL_ACTIONS: readonly PanelActionSpec[] = [
  { action: 'run', buttonId: 'run', command: 'memmap.panel.run', key: 'f5', keyLabel: 'F5', get help() { return l10n.t('Start a run with the parameters above.'); } },
  { action: 'pauseResume', buttonId: 'pause', command: 'memmap.panel.pauseResume', key: 'f6', keyLabel: 'F6', get help() { return l10n.t('Pause the run in progress, or resume a paused one; counters and charts stay as they are while paused.'); } },
  { action: 'step', buttonId: 'step', command: 'memmap.panel.step', key: 'f10', keyLabel: 'F10', get help() { return l10n.t('Run one operation (one alloc, verify or free) and pause; on an idle panel, start a run in step mode.'); } },
  { action: 'stepToRemap', buttonId: 'step-remap', command: 'memmap.panel.stepToRemap', key: 'ctrl+f10', keyLabel: 'Ctrl+F10', get help() { return l10n.t('Run up to right after the next map view (the sliding view moves) and pause.'); } },
  { action: 'stop', buttonId: 'stop', command: 'memmap.panel.stop', key: 'shift+f5', keyLabel: 'Shift+F5', get help() { return l10n.t('Stop the run at once; the runner removes the disk file or releases the mapping.'); } },
];

/** "Start a run with the parameters above. (F5)" */
export function actionTooltip(spec: PanelActionSpec): string {
  return `${spec.help} (${spec.keyLabel})`;
}

export function isPanelAction(x: unknown): x is PanelAction {
  return PANEL_ACTIONS.some((a) => a.action === x);
}
