// The "Get started with MemMap Lab" walkthrough's progress. Its steps complete
// on VS Code's own events (onCommand) or on the context keys set here when the
// user has done what the step asks (onContext:memmap.walkthrough.<step>):
// ran the seed's grow test, stepped to the next remap, compared the heap with
// the mapped file, ran the seed tests in the Test Explorer.

import * as vscode from 'vscode';
import { Disposable } from './dispose';
import type { RunController } from './run/runController';
import type { TestResultSummary } from './testing/testController';

export type WalkthroughMilestone = 'ranGrow' | 'steppedToRemap' | 'comparedHeap' | 'ranSeedTests';

/** The context key a milestone sets (package.json's completionEvents name them). */
export function walkthroughContextKey(m: WalkthroughMilestone): string {
  return `memmap.walkthrough.${m}`;
}

export class WalkthroughProgress extends Disposable {
  private readonly reached = new Set<WalkthroughMilestone>();

  constructor(controller: RunController) {
    super();
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
    this.reached.add(m);
    void vscode.commands.executeCommand('setContext', walkthroughContextKey(m), true);
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
