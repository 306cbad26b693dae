// The "Get started with MemMap Lab" walkthrough's progress: each step completes
// when the user has done what it asks, however they did it: opened the panel
// (palette, button, restored), ran the seed's grow test (Run, F5, palette),
// stepped to the next remap, compared the heap with the mapped file, ran a seed
// test in the Test Explorer.
//
// VS Code's walkthrough service starts with the first Welcome page and hears
// nothing before: an onCommand event before is lost, and a context key already
// true when it starts is taken as seen and never ticks its step (code-server
// 4.139's gettingStartedService; an extension's own executeCommand never
// reaches its onCommand listener either). So each step completes on a context
// key (onContext:memmap.walkthrough.<milestone>) that is pulsed: true, then
// false again at once, when the milestone is reached, and again for every
// milestone reached so far when an editor tab opens (a Welcome page may have
// started the service) and at activation. A running service ticks the step on
// the change to true, and VS Code keeps the tick. The milestones are kept in
// globalState.

import * as vscode from 'vscode';
import { Disposable } from './dispose';
import type { RunController } from './run/runController';
import type { TestResultSummary } from './testing/testController';

export type WalkthroughMilestone = 'openedPanel' | 'ranGrow' | 'steppedToRemap' | 'comparedHeap' | 'ranSeedTests';

/** The context key a milestone sets, and the command it runs (package.json's completionEvents name both). */
export function walkthroughContextKey(m: WalkthroughMilestone): string {
  return `memmap.walkthrough.${m}`;
}

const MILESTONES: readonly WalkthroughMilestone[] = ['openedPanel', 'ranGrow', 'steppedToRemap', 'comparedHeap', 'ranSeedTests'];
const STORE_KEY = 'memmap.walkthrough.milestones';
/** After a tab opened, when the keys are pulsed (ms): once its Welcome page has started the walkthrough service. */
const AFTER_TAB_MS = [500, 1500, 4000];

export class WalkthroughProgress extends Disposable {
  private readonly reached = new Set<WalkthroughMilestone>();

  constructor(controller: RunController, private readonly store?: vscode.Memento) {
    super();
    for (const m of store?.get<WalkthroughMilestone[]>(STORE_KEY) ?? []) {
      if (MILESTONES.includes(m)) this.reached.add(m);
    }
    this.announce();
    // A Welcome page opened: its walkthrough service may have started just now; tell it again.
    this.register(vscode.window.tabGroups.onDidChangeTabs((e) => {
      if (this.reached.size > 0 && e.opened.length > 0) this.announceSoon();
    }));
    this.register(controller.onUpdate((m) => {
      if (m.type !== 'runEnded') return;
      const r = m.record;
      if (r.parameters.scenario === 'grow' && r.result) this.mark('ranGrow');
      // "Compare with the heap" runs the baseline: done when it has run (to its end or to its wall).
      if (r.parameters.scenario === 'baseline' && (r.result || r.budgetFailure)) this.mark('comparedHeap');
    }));
  }

  mark(m: WalkthroughMilestone): void {
    if (this.reached.has(m)) return;
    this.setKey(m);
    void this.store?.update(STORE_KEY, [...this.reached]);
  }

  private setKey(m: WalkthroughMilestone): void {
    this.reached.add(m);
    this.announce();
  }

  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  /** Pulses the key of every milestone reached: a running walkthrough service ticks its step on the change to true. */
  private announce(): void {
    const keys = [...this.reached].map(walkthroughContextKey);
    const set = (value: boolean) => Promise.all(keys.map((k) => vscode.commands.executeCommand('setContext', k, value)));
    // False again at once: a walkthrough service that starts while a key is true takes its step as seen for good.
    void set(true).then(() => set(false));
  }

  /** After a tab opened: once its Welcome page (if it is one) has started the walkthrough service. */
  private announceSoon(): void {
    for (const delay of AFTER_TAB_MS) {
      const t = setTimeout(() => {
        this.timers.delete(t); // fired: not kept (tabs open all session long)
        this.announce();
      }, delay);
      this.timers.add(t);
    }
  }

  override dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    super.dispose();
  }

  /** A Test Explorer run ended: the walkthrough's last step is done when a seed test ran. */
  testsRan(summaries: readonly TestResultSummary[]): void {
    if (summaries.some((s) => s.id.startsWith('seed:') && (s.status === 'passed' || s.status === 'failed'))) this.mark('ranSeedTests');
  }

  /** The milestones reached in this window (for the tests). */
  milestones(): WalkthroughMilestone[] {
    return [...this.reached].sort();
  }
}
