// What may run, asked before each run of the palette and the Test Explorer:
//  - workspace trust: a workspace's `*.memmap.json` scenarios run only in a
//    trusted workspace (the seed scenarios and "Custom from settings" use the
//    extension's own definitions and the user's settings, so they always run;
//    VS Code itself keeps the workspace's memmap.* settings out while it is
//    untrusted: package.json lists them as restrictedConfigurations);
//  - size: a workspace scenario that needs more than a few GB of disk or
//    memory (estimate.ts) asks once, in a modal with Run / Cancel; the answer
//    Run is remembered for the session (per scenario and parameters).
// Free of the vscode module: extension.ts passes isTrusted and the modal. Its texts go
// through @vscode/l10n, which extension.ts configures with vscode.l10n.bundle.

import * as l10n from '@vscode/l10n';
import { formatBytes } from '../../common/format';
import { validateParameters } from '../../common/parameters';
import { estimateRun, isLargeRun, LARGE_RUN_BYTES } from '../../common/estimate';
import type { ScenarioPlan } from './scenarioRunner';

/** Why a workspace scenario does not run in an untrusted workspace (in the display language). */
export function untrustedScenarioMessage(): string {
  return l10n.t('this workspace is not trusted, so MemMap Lab does not run the scenarios of its *.memmap.json files. Trust the workspace (command "Workspaces: Manage Workspace Trust") to run them; the seed scenarios, the panel with your user settings and the results stay available.');
}

/** What WorkspaceConfiguration.inspect() reports for one setting (the fields used here). */
export interface InspectedSetting {
  defaultValue?: unknown;
  globalValue?: unknown;
}

/**
 * A setting's value in an untrusted workspace: the user's value or the
 * default, never the workspace's (VS Code already keeps restricted settings
 * out; this holds even if a setting is missing from that list).
 */
export function userLevelValue(inspected: InspectedSetting | undefined): unknown {
  return inspected?.globalValue ?? inspected?.defaultValue;
}

export interface GateHost {
  isTrusted(): boolean;
  /** The runner's page size (to validate the parameters the estimate needs). */
  pageSize(): number;
  /** A modal question with Run and Cancel; resolves true for Run. */
  confirm(message: string, detail: string): Promise<boolean>;
}

export type Admission =
  | { ok: true }
  | { ok: false; status: 'errored' | 'cancelled'; message: string };

export class RunGate {
  /** Scenarios (id and parameters) the user agreed to run in this session. */
  private readonly approved = new Set<string>();
  /** Ask above this many bytes of disk or memory. */
  limitBytes = LARGE_RUN_BYTES;

  constructor(private readonly host: GateHost) {}

  /** May this plan run now? Asks the user when it is a large workspace scenario. */
  async admit(plan: ScenarioPlan): Promise<Admission> {
    if (plan.source !== 'workspace') return { ok: true };
    if (!this.host.isTrusted()) return { ok: false, status: 'errored', message: untrustedScenarioMessage() };
    if (plan.error) return { ok: true }; // the run reports it
    const v = validateParameters(plan.raw, this.host.pageSize(), plan.defaults);
    if (!v.ok) return { ok: true }; // the run reports it
    const p = v.value;
    const e = estimateRun(p);
    if (!isLargeRun(e, this.limitBytes)) return { ok: true };
    const key = `${plan.id}\n${JSON.stringify(p)}`;
    if (this.approved.has(key)) return { ok: true };
    const needed = p.mode === 'disk' ? e.diskBytes : e.memoryBytes;
    const about = formatBytes(needed);
    const where = p.mode === 'disk'
      ? l10n.t('about {0} of disk space in {1}', about, p.diskDir ?? l10n.t('the OS temp directory'))
      : l10n.t('about {0} of memory', about);
    const message = l10n.t('MemMap: "{0}" needs {1}. Run it?', plan.name, where);
    const stored = formatBytes(e.bytesStored);
    const items = p.items.toLocaleString('en-US');
    const detail = (e.fileBytes === 0
      ? l10n.t('The workspace scenario stores about {0} in {1} items on the heap.', stored, items)
      : p.mode === 'disk'
        ? l10n.t('The workspace scenario stores about {0} in {1} items; its disk file grows to {2}.', stored, items, formatBytes(e.fileBytes))
        : l10n.t('The workspace scenario stores about {0} in {1} items; its page-file mapping grows to {2}.', stored, items, formatBytes(e.fileBytes)))
      + ' ' + l10n.t('MemMap Lab asks before any workspace scenario that needs more than {0}; Run is remembered until VS Code closes.', formatBytes(this.limitBytes));
    if (await this.host.confirm(message, detail)) {
      this.approved.add(key);
      return { ok: true };
    }
    return { ok: false, status: 'cancelled', message: l10n.t('not run: you chose Cancel when asked whether to use {0}', where) };
  }
}
